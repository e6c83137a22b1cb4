import { rm } from 'node:fs/promises';
import path from 'node:path';
import { runAdmissionCheck } from '../admission/check';
import { loadAdmissionRules } from '../admission/config';
import type { Db } from '../db';
import type { Settings } from '../env';
import { ingestFile, listInputFiles, prepareIngest } from '../ingest/sources';
import { classifyAndRank } from '../rank/classify-and-rank';
import { addDays, dayInZone } from '../time/day';
import { isoWeekOfDay } from '../time/iso-week';
import { DEMO_DEFAULTS, generateDemoRecords, type DemoOptions } from './generate';
import { writeRecordFiles } from './write-files';

export type SeedResult = { seeded: false } | { seeded: true; files: number; records: number; accepted: number; classes: number; weeks: string[]; seconds: number };

// Weeks ranked after loading, so the dashboard has a history to show from the start.
const RANKED_WEEKS = 4;

/**
 * Loads the demo data (the last DEMO_DEFAULTS.days days up to now) when the database holds no
 * stage runs yet: writes the generator's files under <data>/demo, ingests them like any input, then
 * classifies the errors and ranks the last weeks as the Friday job would, and checks the admission rules.
 */
export async function seedDemoIfEmpty(deps: {
  db: Db;
  settings: Pick<Settings, 'dataDir' | 'chainFile' | 'timeZone' | 'maxLineBytes' | 'categoriesFile' | 'routingFile' | 'admissionFile'>;
  now?: Date;
  demo?: Partial<Pick<DemoOptions, 'days' | 'rolloutsPerDay' | 'services' | 'seed'>>;
  log?: (line: string) => void;
}): Promise<SeedResult> {
  if ((await deps.db.prisma.stageRun.count({ take: 1 })) > 0) return { seeded: false };
  const log = deps.log ?? (() => undefined);
  const started = Date.now();
  // The admission pass runs once at the end, with the seed's `now` (runAdmissionCheck), not after each file.
  const target = await prepareIngest(deps.db, deps.settings, { admission: false });
  const dir = path.join(deps.settings.dataDir, 'demo');
  await rm(dir, { recursive: true, force: true });
  const now = deps.now ?? new Date();
  const end = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + 1));
  log(`generating ${DEMO_DEFAULTS.days} days of demo rollouts into ${dir}…`);
  const records = generateDemoRecords({ ...DEMO_DEFAULTS, ...deps.demo, end, until: now, stages: [...target.stages] });
  // Runs after `now` are cut off: rollouts still under way show as in progress, none lie in the future.
  const past = (function* () {
    for (const r of records) if (Date.parse(r.startedAt) < now.getTime()) yield r;
  })();
  const written = await writeRecordFiles(past, { dir, format: 'ndjson' });
  log(`loading ${written.records.toLocaleString('en-US')} records from ${written.files.length} files…`);
  let accepted = 0;
  for (const file of await listInputFiles(dir)) accepted += (await ingestFile(target, file)).accepted;
  log('classifying errors and ranking the last weeks…');
  const today = dayInZone(now.getTime(), deps.settings.timeZone);
  const weeks = Array.from({ length: RANKED_WEEKS }, (_, i) => isoWeekOfDay(addDays(today, -7 * (RANKED_WEEKS - 1 - i))));
  for (const week of weeks) await classifyAndRank({ db: deps.db, settings: deps.settings, week, now });
  await runAdmissionCheck({ db: deps.db, policy: loadAdmissionRules(deps.settings.admissionFile), now, timeZone: deps.settings.timeZone });
  const classes = await deps.db.prisma.errorClass.count({ where: { mergedIntoId: null } });
  return { seeded: true, files: written.files.length, records: written.records, accepted, classes, weeks, seconds: (Date.now() - started) / 1000 };
}
