import path from 'node:path';
import Database from 'better-sqlite3';
import { generateDemoRecords, type DemoOptions } from '../../lib/demo/generate';
import { STORE_BATCH } from '../../lib/ingest/ingest';
import { ingestRecordSchema, type IngestRecord } from '../../lib/ingest/record';
import { STAGE_RUN_COLUMNS, buildStageRunRows } from '../../lib/ingest/store';
import { buildInsert } from '../../lib/sql';
import { applyMigrations } from '../../prisma/tools/migrations';

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
  let batch: IngestRecord[] = [];
  let rows = 0;
  let seconds = 0;
  const flush = () => {
    const values = buildStageRunRows(batch, 'UTC', null);
    const t0 = performance.now();
    insert(values);
    seconds += (performance.now() - t0) / 1000;
    rows += values.length;
    batch = [];
  };
  for (const record of generateDemoRecords(opts.demo)) {
    batch.push(ingestRecordSchema.parse(record));
    if (batch.length >= STORE_BATCH) flush();
  }
  flush();
  db.close();
  return rows / seconds;
}
