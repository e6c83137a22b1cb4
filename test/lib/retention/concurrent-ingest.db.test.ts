import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runRetention } from '../../../lib/retention/run-retention';
import { queryRows } from '../../../lib/sql';
import { EXPECTED_KIND, createTestDb, type TestDb } from '../../helpers/db';
import { ingestRuns, type RunSpec } from '../../helpers/ingest';

// Retention takes the store lock batch by batch: an ingestion storing runs of the rollouts it is
// deleting waits for the batch (and stores a new rollout) instead of failing on the foreign key or
// having a valid record rejected as unstorable.

let t: TestDb;
beforeAll(async () => {
  t = await createTestDb();
});
afterAll(async () => t?.close());

const ROLLOUTS = 240;
const NOW = new Date('2026-07-20T12:00:00Z');
const runs = (attempt: number): RunSpec[] => Array.from({ length: ROLLOUTS }, (_, i) => ({
  rollout: `race${i}`, stage: 'test-build', attempt, at: `2026-01-05T${String(10 + attempt).padStart(2, '0')}:00:00Z`,
  ...(i % 3 === 0 ? { message: `boom ${i % 7}` } : {}),
}));

describe(`retention beside ingestion (${EXPECTED_KIND})`, () => {
  it('deletes and stores the same rollouts at once without an error or a rejected record', async () => {
    for (let round = 0; round < 3; round += 1) {
      await ingestRuns(t.db, runs(1 + round * 2));
      const [removed, stored] = await Promise.all([
        runRetention({ db: t.db, retentionDays: 97, now: NOW, timeZone: 'UTC', batchRollouts: 10 }),
        ingestRuns(t.db, runs(2 + round * 2)),
      ]);
      expect(stored).toMatchObject({ rejected: 0, conflicts: 0 });
      expect(stored.accepted + stored.duplicates).toBe(ROLLOUTS);
      expect(removed.rollouts).toBeGreaterThan(0);
      const orphans = await queryRows<{ n: number | string }>(
        await t.db.bulk(),
        `SELECT COUNT(*) AS "n" FROM "StageRun" s
         WHERE NOT EXISTS (SELECT 1 FROM "Rollout" r WHERE r."id" = s."rolloutId")`,
        [],
      );
      expect(Number(orphans[0]!.n)).toBe(0);
      // What the ingestion stored after a batch deleted its rollout goes with the next run.
      await runRetention({ db: t.db, retentionDays: 97, now: NOW, timeZone: 'UTC' });
      expect(await t.db.prisma.stageRun.count()).toBe(0);
    }
  }, 120_000);
});
