import type { Db } from '../db';
import { execute, inList, inTransaction, queryRows, type Queryable } from '../sql';
import { computeRetentionHorizon } from './horizon';
import { addExpiredEvents } from './expired-events';
import { readClassDayKeys, refreshClassDays } from '../classify/class-days';
import { dropClassFacets } from '../classify/class-facets';

/** What one retention run deleted. */
export type RetentionResult = {
  horizon: string | null;
  rollouts: number;
  stageRuns: number;
  errorEvents: number;
  batches: number;
};
type Deps = {
  db: Db;
  retentionDays: number | null;
  now: Date;
  timeZone: string;
  batchRollouts?: number;
  confirm?: () => Promise<void>;
};

/**
 * Rollouts deleted per transaction, with their stage runs and error events: a few thousand rows,
 * so a batch holds the store lock (SQLite's write lock, PostgreSQL's advisory lock) for milliseconds.
 */
const BATCH_ROLLOUTS = 200;

/**
 * The nightly retention job: deletes the rollouts that started before the horizon (see horizon.ts),
 * their stage runs, error events and violation links, batch by batch (each batch its own short
 * transaction under the store lock, oldest first, so it can stop anywhere and resume), then the day
 * spans of the days gone. Daily rollups are never touched: the figures of every day stay; the
 * events deleted stay counted in their error class (expired-events.ts). A run's day is never
 * before its rollout's (the rollout starts with its first run), so no run before the horizon
 * stays; a rollout that started before it goes whole, its runs of later days included.
 */
export async function runRetention(deps: Deps): Promise<RetentionResult> {
  const { db } = deps;
  const horizon = computeRetentionHorizon(deps.retentionDays, deps.now, deps.timeZone);
  const result: RetentionResult = { horizon, rollouts: 0, stageRuns: 0, errorEvents: 0, batches: 0 };
  if (horizon === null) return result;
  const size = deps.batchRollouts ?? BATCH_ROLLOUTS;
  for (;;) {
    await deps.confirm?.();
    const deleted = await deleteOldestRollouts(db, horizon, size);
    if (deleted.rollouts === 0) break;
    result.rollouts += deleted.rollouts;
    result.stageRuns += deleted.stageRuns;
    result.errorEvents += deleted.errorEvents;
    result.batches += 1;
  }
  // Under the store lock too: an ingestion's span of a day before the horizon is never half-deleted.
  await inTransaction(db, (tx) => execute(tx, sqlFor(db, 'DELETE FROM "StageRunDaySpan" WHERE "day" < ?'), [horizon]), {
    serialize: true,
  });
  return result;
}

/** `?` placeholders as the database numbers them. */
function sqlFor(db: Db, sql: string): string {
  let n = 0;
  return db.kind === 'sqlite' ? sql : sql.replace(/\?/g, () => `$${++n}`);
}

/**
 * Picks the oldest rollouts started before the horizon and deletes them with everything that points
 * at them, in one transaction holding the store lock: an ingestion storing a run of one of them
 * waits for it (and then stores a new rollout) instead of failing on the foreign key mid-way.
 */
async function deleteOldestRollouts(db: Db, horizon: string, size: number) {
  return inTransaction(
    db,
    async (tx) => {
      const pick = `SELECT "id" FROM "Rollout" WHERE "day" < ? ORDER BY "day" LIMIT ${size}`;
      const ids = (await queryRows<{ id: string }>(tx, sqlFor(db, pick), [horizon])).map((r) => r.id);
      if (ids.length === 0) return { rollouts: 0, stageRuns: 0, errorEvents: 0 };
      return { rollouts: ids.length, ...(await deleteRollouts(db, tx, ids)) };
    },
    { serialize: true },
  );
}

/** Deletes rollouts with everything that points at them. */
async function deleteRollouts(db: Db, tx: Queryable, ids: string[]) {
  const list = `(${inList(db.kind, ids.length)})`;
  await addExpiredEvents(db, tx, ids);
  // Where the events about to go are counted in the per-class-per-day rollup: counted again after.
  const counted = await readClassDayKeys(db.kind, tx, `"rolloutId" IN (${ids.map(() => '?').join(',')})`, ids);
  await dropClassFacets(db.kind, tx, { where: `"rolloutId" IN (${ids.map(() => '?').join(',')})`, args: ids });
  // Explicit rather than ON DELETE CASCADE: SQLite enforces foreign keys only when asked to.
  await execute(tx, `DELETE FROM "AdmissionViolationRollout" WHERE "rolloutId" IN ${list}`, ids);
  const errorEvents = await execute(tx, `DELETE FROM "ErrorEvent" WHERE "rolloutId" IN ${list}`, ids);
  const stageRuns = await execute(tx, `DELETE FROM "StageRun" WHERE "rolloutId" IN ${list}`, ids);
  await execute(tx, `DELETE FROM "Rollout" WHERE "id" IN ${list}`, ids);
  await refreshClassDays(db.kind, tx, counted);
  return { stageRuns, errorEvents };
}
