import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readRunsOfDays } from '../../../lib/admission/run-days';
import { ingestItems, prepareIngest, type IngestTarget } from '../../../lib/ingest/sources';
import { queryRows } from '../../../lib/sql';
import { createTestDb, type TestDb } from '../../helpers/db';
import { validRecords } from '../../helpers/records';
import { scanStageDays } from './raw-runs';

// Whatever ingestion stores (records in any order, rollouts spread over several inputs, old days
// arriving late, repeats), the rollups it keeps beside DailyRollup equal a full scan: the day spans
// cover every run of each day, DailyStageRollup counts StageRun per (day, stage), RolloutDayRollup
// counts Rollout per (day, outcome).

let t: TestDb;
let target: IngestTarget;
beforeAll(async () => {
  t = await createTestDb();
  const settings = { chainFile: null, timeZone: 'UTC', maxLineBytes: 65536 };
  target = await prepareIngest(t.db, settings, { admission: false, classify: false });
});
afterAll(async () => t?.close());

async function scanRolloutDays() {
  const rows = await queryRows<Record<string, number | string>>(
    await t.db.bulk(),
    `SELECT "day","outcome",COUNT(*) AS "rollouts",SUM(CASE WHEN "failedRuns" = 0 THEN 1 ELSE 0 END) AS "noFailedRuns",
       SUM(CASE WHEN "manualCount" = 0 THEN 1 ELSE 0 END) AS "noManual"
     FROM "Rollout" GROUP BY "day","outcome" ORDER BY "day","outcome"`,
    [],
  );
  return rows.map((r) => ({
    day: r.day, outcome: r.outcome, rollouts: Number(r.rollouts),
    noFailedRuns: Number(r.noFailedRuns), noManual: Number(r.noManual),
  }));
}

let round = 0;
describe('rollups kept at ingest', () => {
  it('equal a full scan of what was stored, for any sequence of inputs', async () => {
    // The same prefix in every round: later inputs add runs to rollouts stored before.
    const inputs = fc.array(validRecords('agg', 30), { minLength: 1, maxLength: 4 });
    await fc.assert(
      fc.asyncProperty(inputs, async (list) => {
        round += 1;
        for (const records of list) await ingestItems(target, { source: `test-${round}`, items: records });
        const byStage = [{ day: 'asc' as const }, { stageKey: 'asc' as const }];
        const stageDays = await t.db.prisma.dailyStageRollup.findMany({ orderBy: byStage });
        expect(stageDays).toEqual(await scanStageDays(t.db));
        const where = { rollouts: { not: 0 } };
        const byOutcome = [{ day: 'asc' as const }, { outcome: 'asc' as const }];
        const nonZero = await t.db.prisma.rolloutDayRollup.findMany({ where, orderBy: byOutcome });
        expect(nonZero).toEqual(await scanRolloutDays());
        const all = await t.db.prisma.stageRun.findMany({ select: { id: true, day: true } });
        // Day by day: a run put in another day's span would be missed by its own day's read.
        for (const day of new Set(all.map((r) => r.day))) {
          const spec = { columns: '"id"', where: '1 = 1', args: [] };
          const read = await readRunsOfDays<{ id: number }>(t.db, { from: day, to: day }, spec);
          const ids = all.filter((r) => r.day === day).map((r) => r.id).sort((a, b) => a - b);
          expect(read.map((r) => Number(r.id)).sort((a, b) => a - b)).toEqual(ids);
        }
      }),
      { numRuns: 20, seed: 20261201 },
    );
  });
});
