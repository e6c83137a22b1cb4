import type { Db } from '../../../lib/db';
import { addRunRollups } from '../../../lib/ingest/rollup-runs';
import { inTransaction, insertRows, queryRows, type Column } from '../../../lib/sql';

/** A stage run written straight to StageRun (no ingestion), for the rollup tests. */
export type RawRun = { day: string; stageKey: string; status: 'succeeded' | 'failed' | 'skipped'; attempt: number; manual: boolean };

const COLUMNS: Column[] = [
  { name: 'key' }, { name: 'rolloutId' }, { name: 'service' }, { name: 'stageKey' }, { name: 'attempt', pgType: 'integer' },
  { name: 'status' }, { name: 'env' }, { name: 'startedAt', pgType: 'timestamp(3)' }, { name: 'day' }, { name: 'manual', pgType: 'boolean' },
];
let serial = 0;

/** One service and rollout every raw run belongs to. */
export async function prepareRawRuns(db: Db): Promise<void> {
  await db.prisma.service.create({ data: { name: 'raw' } });
  await db.prisma.rollout.create({ data: { id: 'raw', service: 'raw', env: 'test', startedAt: new Date(0), day: '2026-01-01', outcome: 'succeeded' } });
}

/** Inserts runs in one transaction with the rollups a store transaction keeps (as the store calls them). */
export async function insertRawRuns(db: Db, runs: readonly RawRun[]): Promise<void> {
  await inTransaction(db, async (tx) => {
    const rows = runs.map((r) => [`raw-${(serial += 1)}`, 'raw', 'raw', r.stageKey, r.attempt, r.status, 'test', `${r.day} 12:00:00.000`, r.day, db.kind === 'sqlite' ? Number(r.manual) : r.manual]);
    const ids = await insertRows<{ id: number }>(tx, db.kind, { table: 'StageRun', columns: COLUMNS, suffix: 'RETURNING "id"' }, rows);
    await addRunRollups(tx, db.kind, runs.map((r, i) => ({ ...r, id: Number(ids[i]!.id) })));
  });
}

/** Every stored run's id and day, by a full scan (the reference the rollups are compared with). */
export function scanRunDays(db: Db): Promise<{ id: number; day: string }[]> {
  return db.prisma.stageRun.findMany({ select: { id: true, day: true }, orderBy: { id: 'asc' } });
}

/** Per (day, stage) counts by a full scan of StageRun, in DailyStageRollup's shape, ordered by key. */
export async function scanStageDays(db: Db) {
  const rows = await queryRows<Record<string, number | string>>(
    await db.bulk(),
    `SELECT "day","stageKey",COUNT(*) AS "attempts",
       SUM(CASE WHEN "status" = 'succeeded' THEN 1 ELSE 0 END) AS "successes", SUM(CASE WHEN "status" = 'failed' THEN 1 ELSE 0 END) AS "failures",
       SUM(CASE WHEN "status" = 'skipped' THEN 1 ELSE 0 END) AS "skips", SUM(CASE WHEN "manual" THEN 1 ELSE 0 END) AS "manual",
       SUM(CASE WHEN "attempt" = 1 AND "status" <> 'skipped' THEN 1 ELSE 0 END) AS "firstAttempts",
       SUM(CASE WHEN "attempt" = 1 AND "status" = 'succeeded' THEN 1 ELSE 0 END) AS "firstSuccesses"
     FROM "StageRun" GROUP BY "day","stageKey" ORDER BY "day","stageKey"`,
    [],
  );
  return rows.map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, k === 'day' || k === 'stageKey' ? v : Number(v)])));
}
