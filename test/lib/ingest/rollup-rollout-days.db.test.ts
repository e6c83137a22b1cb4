import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addRolloutDayChanges, readRolloutDays } from '../../../lib/ingest/rollup-rollout-days';
import { execute, inTransaction, queryRows } from '../../../lib/sql';
import { createTestDb, type TestDb } from '../../helpers/db';

// RolloutDayRollup follows every change a transaction makes to rollouts (created, changed in day,
// outcome or counts, removed) when the change is framed by readRolloutDays and addRolloutDayChanges.

let t: TestDb;
beforeAll(async () => {
  t = await createTestDb();
  await t.db.prisma.service.create({ data: { name: 'svc' } });
});
afterAll(async () => t?.close());

const facts = fc.record({
  day: fc.constantFrom('2026-05-01', '2026-05-02', '2026-05-03'),
  outcome: fc.constantFrom('succeeded', 'failed', 'in_progress'),
  failedRuns: fc.integer({ min: 0, max: 2 }),
  manualCount: fc.integer({ min: 0, max: 2 }),
});
/** One transaction: each named rollout is set to new facts, or removed (null). */
const change = fc.dictionary(fc.constantFrom('a', 'b', 'c', 'd', 'e'), fc.option(facts, { nil: null }), { minKeys: 1 });

type Facts = { day: string; outcome: string; failedRuns: number; manualCount: number };

async function apply(changes: Record<string, Facts | null>) {
  const ids = Object.keys(changes);
  await inTransaction(t.db, async (tx) => {
    const before = await readRolloutDays(tx, t.db.kind, ids);
    for (const [id, f] of Object.entries(changes)) {
      await execute(tx, `DELETE FROM "Rollout" WHERE "id" = ${t.db.kind === 'sqlite' ? '?' : '$1'}`, [id]);
      if (f) {
        const p = t.db.kind === 'sqlite' ? ['?', '?', '?', '?', '?'] : ['$1', '$2', '$3', '$4::integer', '$5::integer'];
        await execute(
          tx,
          `INSERT INTO "Rollout" ("id","service","env","startedAt","day","outcome","failedRuns","manualCount")
           VALUES (${p[0]},'svc','test','2026-05-01 00:00:00.000',${p[1]},${p[2]},${p[3]},${p[4]})`,
          [id, f.day, f.outcome, f.failedRuns, f.manualCount],
        );
      }
    }
    await addRolloutDayChanges(tx, t.db.kind, ids, before);
  });
}

/** RolloutDayRollup as a full scan of Rollout counts it, independently of the code under test. */
async function scanRolloutDays() {
  const rows = await queryRows<Record<string, number | string>>(
    await t.db.bulk(),
    `SELECT "day","outcome",COUNT(*) AS "rollouts",SUM(CASE WHEN "failedRuns" = 0 THEN 1 ELSE 0 END) AS "noFailedRuns",
       SUM(CASE WHEN "manualCount" = 0 THEN 1 ELSE 0 END) AS "noManual" FROM "Rollout" GROUP BY "day","outcome"`,
    [],
  );
  return rows.map((r) => ({
    day: r.day, outcome: r.outcome, rollouts: Number(r.rollouts),
    noFailedRuns: Number(r.noFailedRuns), noManual: Number(r.noManual),
  }));
}

describe('rollouts per day and outcome', () => {
  it('equal a count of Rollout after any sequence of changes', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(change, { minLength: 1, maxLength: 6 }), async (txs) => {
        for (const c of txs) await apply(c);
        const expected = await scanRolloutDays();
        const kept = await t.db.prisma.rolloutDayRollup.findMany({ where: { rollouts: { not: 0 } } });
        const key = (r: { day: unknown; outcome: unknown }) => `${r.day} ${r.outcome}`;
        type Keyed = { day: unknown; outcome: unknown };
        const order = (a: Keyed, b: Keyed) => key(a).localeCompare(key(b));
        expect(kept.sort(order)).toEqual(expected.sort(order));
        const negative = { OR: [{ rollouts: { lt: 0 } }, { noFailedRuns: { lt: 0 } }, { noManual: { lt: 0 } }] };
        expect(await t.db.prisma.rolloutDayRollup.count({ where: negative })).toBe(0);
      }),
      { numRuns: 40, seed: 20261201 },
    );
  });
});
