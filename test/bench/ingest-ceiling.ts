import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import Database from 'better-sqlite3';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { loadChainConfig } from '../../lib/chain/config';
import { syncChain } from '../../lib/chain/sync';
import { openDb } from '../../lib/db';
import { generateDemoRecords, type DemoOptions } from '../../lib/demo/generate';
import { copyRow, type CopyValue } from '../../lib/ingest/copy-text';
import { STORE_BATCH } from '../../lib/ingest/ingest';
import { ingestRecordSchema, type IngestRecord } from '../../lib/ingest/record';
import { STAGE_RUN_COLUMNS, buildStageRunRows } from '../../lib/ingest/store';
import { buildInsert } from '../../lib/sql';
import { applyMigrations } from '../../prisma/tools/migrations';

/** The demo's records validated, in batches of STORE_BATCH, as ingestion stores them. */
function* recordBatches(demo: DemoOptions): Generator<IngestRecord[]> {
  let batch: IngestRecord[] = [];
  for (const record of generateDemoRecords(demo)) {
    batch.push(ingestRecordSchema.parse(record));
    if (batch.length >= STORE_BATCH) {
      yield batch;
      batch = [];
    }
  }
  if (batch.length > 0) yield batch;
}

/**
 * The ceiling for the insert step: better-sqlite3 alone, prepared multi-row INSERTs of the very
 * rows ingestion writes into the same StageRun table (same indexes), in transactions of the same
 * size. Only the INSERTs are timed; building the rows is not. Foreign keys are off, which only
 * raises the ceiling. Returns rows/s.
 */
export async function measureCeiling(opts: { dir: string; demo: DemoOptions }): Promise<number> {
  const file = path.join(opts.dir, 'ceiling.db');
  await applyMigrations(`file:${file}`);
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = OFF');
  const perStatement = Math.floor(16_000 / STAGE_RUN_COLUMNS.length);
  const statements = new Map<number, Database.Statement>();
  const statementFor = (n: number) => {
    if (!statements.has(n)) statements.set(n, db.prepare(buildInsert('sqlite', 'StageRun', STAGE_RUN_COLUMNS, n, '')));
    return statements.get(n)!;
  };
  const insert = db.transaction((rows: unknown[][]) => {
    for (let i = 0; i < rows.length; i += perStatement) {
      const chunk = rows.slice(i, i + perStatement);
      statementFor(chunk.length).run(...chunk.flat().map((v) => (typeof v === 'boolean' ? Number(v) : v)));
    }
  });
  let rows = 0;
  let seconds = 0;
  for (const batch of recordBatches(opts.demo)) {
    const values = buildStageRunRows(batch, 'UTC', null);
    const t0 = performance.now();
    insert(values);
    seconds += (performance.now() - t0) / 1000;
    rows += values.length;
  }
  db.close();
  return rows / seconds;
}

/**
 * The ceiling on PostgreSQL: node-postgres alone, `COPY "StageRun" FROM STDIN` of the very rows
 * ingestion writes (the same text encoding), straight into the same StageRun table with its indexes
 * and foreign keys, one transaction per STORE_BATCH rows. The services and rollouts the runs
 * reference are inserted first, untimed; so is building the COPY text. `url` names a fresh,
 * empty database on the server. Returns rows/s.
 */
export async function measurePgCeiling(opts: { url: string; demo: DemoOptions }): Promise<number> {
  await applyMigrations(opts.url);
  const db = await openDb(opts.url);
  await syncChain(db, loadChainConfig(null));
  await db.close();
  const client = new pg.Client({ connectionString: opts.url });
  await client.connect();
  const columns = STAGE_RUN_COLUMNS.map((c) => `"${c.name}"`).join(',');
  let rows = 0;
  let seconds = 0;
  try {
    for (const batch of recordBatches(opts.demo)) {
      const rollouts = new Map(batch.map((r) => [r.rollout, r.service]));
      await client.query('INSERT INTO "Service" ("name") SELECT DISTINCT unnest($1::text[]) ON CONFLICT DO NOTHING', [[...rollouts.values()]]);
      await client.query(
        `INSERT INTO "Rollout" ("id","service","env","startedAt","day","outcome") SELECT id, service, 'online', now(), '', '' FROM unnest($1::text[], $2::text[]) AS r(id, service) ON CONFLICT DO NOTHING`,
        [[...rollouts.keys()], [...rollouts.values()]],
      );
      const text = buildStageRunRows(batch, 'UTC', null).map((values) => copyRow(values as CopyValue[])).join('');
      const t0 = performance.now();
      await client.query('BEGIN');
      await pipeline(Readable.from([text]), client.query(copyFrom(`COPY "StageRun" (${columns}) FROM STDIN`)));
      await client.query('COMMIT');
      seconds += (performance.now() - t0) / 1000;
      rows += batch.length;
    }
  } finally {
    await client.end();
  }
  return rows / seconds;
}
