import { rm } from 'node:fs/promises';
import path from 'node:path';
import type { Db } from '../db';
import type { Settings } from '../env';
import { ingestFile, listInputFiles, prepareIngest } from '../ingest/sources';
import { DEMO_DEFAULTS } from './generate';
import { writeDemoFiles } from './write-files';

export type SeedResult = { seeded: false } | { seeded: true; files: number; records: number; accepted: number; seconds: number };

/**
 * Loads the demo data (the last DEMO_DEFAULTS.days days up to today) when the database holds no
 * stage runs yet: writes the generator's files under <data>/demo, then ingests them like any input.
 */
export async function seedDemoIfEmpty(deps: {
  db: Db;
  settings: Pick<Settings, 'dataDir' | 'chainFile' | 'timeZone' | 'maxLineBytes'>;
  now?: Date;
  log?: (line: string) => void;
}): Promise<SeedResult> {
  if ((await deps.db.prisma.stageRun.count({ take: 1 })) > 0) return { seeded: false };
  const log = deps.log ?? (() => undefined);
  const started = Date.now();
  const target = await prepareIngest(deps.db, deps.settings);
  const dir = path.join(deps.settings.dataDir, 'demo');
  await rm(dir, { recursive: true, force: true });
  const now = deps.now ?? new Date();
  const end = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + 1));
  log(`generating ${DEMO_DEFAULTS.days} days of demo rollouts into ${dir}…`);
  const written = await writeDemoFiles({ ...DEMO_DEFAULTS, end, until: now, stages: [...target.stages], dir, format: 'ndjson' });
  log(`loading ${written.records.toLocaleString('en-US')} records from ${written.files.length} files…`);
  let accepted = 0;
  for (const file of await listInputFiles(dir)) accepted += (await ingestFile(target, file)).accepted;
  return { seeded: true, files: written.files.length, records: written.records, accepted, seconds: (Date.now() - started) / 1000 };
}
