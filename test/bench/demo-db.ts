import path from 'node:path';
import { loadChainConfig } from '../../lib/chain/config';
import { syncChain } from '../../lib/chain/sync';
import { openDb, type Db } from '../../lib/db';
import { computeRolloutsPerDay, writeDemoFiles } from '../../lib/demo/write-files';
import { ingestFile, listInputFiles, prepareIngest } from '../../lib/ingest/sources';
import { applyMigrations } from '../../prisma/tools/migrations';

/**
 * For the benchmarks: a fresh SQLite database in `dir` holding about `records` demo stage runs over
 * `days` days up to `end` (200 services), ingested the production way (admission pass included).
 */
export async function buildDemoDatabase(opts: { dir: string; records: number; days: number; seed: number; end: Date }): Promise<{ url: string; db: Db; records: number; stages: string[] }> {
  const url = `file:${path.join(opts.dir, 'bench.db')}`;
  const stages = loadChainConfig(null).stages.map((s) => s.key);
  const base = { seed: opts.seed, days: opts.days, services: 200, stages, end: opts.end };
  const input = path.join(opts.dir, 'input');
  const written = await writeDemoFiles({ ...base, rolloutsPerDay: computeRolloutsPerDay(opts.records, base), dir: input, format: 'ndjson' });
  await applyMigrations(url);
  const db = await openDb(url);
  await syncChain(db, loadChainConfig(null));
  const target = await prepareIngest(db, { chainFile: null, timeZone: 'UTC', maxLineBytes: 65536 });
  for (const file of await listInputFiles(input)) await ingestFile(target, file);
  return { url, db, records: written.records, stages };
}
