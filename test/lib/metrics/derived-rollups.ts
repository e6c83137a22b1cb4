import type { Db } from '../../../lib/db';
import { execute } from '../../../lib/sql';

/**
 * For tests that write DailyRollup and Rollout rows directly (no ingestion): the rollups ingestion
 * keeps beside them, derived by the same statements the migration backfills them with.
 */
export async function deriveDayRollups(db: Db): Promise<void> {
  const q = await db.bulk();
  await execute(q, 'DELETE FROM "DailyStageRollup"');
  await execute(q, 'DELETE FROM "RolloutDayRollup"');
  const counters = ['attempts', 'successes', 'failures', 'skips', 'manual', 'firstAttempts', 'firstSuccesses']
    .map((c) => `"${c}"`);
  await execute(q, `INSERT INTO "DailyStageRollup" ("day","stageKey",${counters.join(',')})
    SELECT "day","stageKey",${counters.map((c) => `SUM(${c})`).join(',')}
    FROM "DailyRollup" GROUP BY "day","stageKey"`);
  await execute(q, `INSERT INTO "RolloutDayRollup" ("day","outcome","rollouts","noFailedRuns","noManual")
    SELECT "day","outcome",COUNT(*),
      SUM(CASE WHEN "failedRuns" = 0 THEN 1 ELSE 0 END),SUM(CASE WHEN "manualCount" = 0 THEN 1 ELSE 0 END)
    FROM "Rollout" GROUP BY "day","outcome"`);
}
