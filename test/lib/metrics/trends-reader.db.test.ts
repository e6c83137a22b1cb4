import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getTrends } from '../../../lib/metrics/trends';
import { addDays } from '../../../lib/time/day';
import { createTestDb, type TestDb } from '../../helpers/db';
import { ingestRuns, type RunSpec } from '../../helpers/ingest';
import { getTrends as getOldTrends } from './old-trends';

// Issue 14: /trends counts open violations per week end in the database and reads the stage rollup
// without a GROUP BY; on generated data every figure must be what the old reader gave.
let t: TestDb;
const NOW = new Date('2026-11-25T12:00:00Z');
const TARGETS = { successRate: 0.95, stageSuccessRate: 0.99, yield: 0.8, unattendedRate: 0.95, rolloutsPerWeek: 5 };
const FIRST_DAY = '2026-01-05';
const DAY = 86_400_000;

const violationArb = fc.record({
  firstDay: fc.integer({ min: -20, max: 340 }),
  minute: fc.integer({ min: 0, max: 24 * 60 - 1 }),
  status: fc.constantFrom('open', 'acknowledged', 'resolved'),
  resolvedAfter: fc.option(fc.integer({ min: 0, max: 90 * DAY }), { nil: null }),
  acknowledgedAfter: fc.option(fc.integer({ min: 0, max: 90 * DAY }), { nil: null }),
});

beforeAll(async () => {
  t = await createTestDb();
  const runs: RunSpec[] = [];
  for (let d = 0; d < 320; d += 3) {
    const at = `${addDays(FIRST_DAY, d)}T22:30:00Z`;
    runs.push({ rollout: `r${d}`, stage: 'image-pull', at, ...(d % 4 === 0 ? { message: `pull failed ${d}` } : {}) });
    runs.push({ rollout: `r${d}`, stage: 'health-check', at: `${addDays(FIRST_DAY, d)}T23:40:00Z`, ...(d % 5 === 0 ? { message: `unhealthy ${d}` } : {}) });
  }
  await ingestRuns(t.db, runs);
  await t.db.prisma.admissionRule.create({ data: { id: 'r1', title: 'rule', kind: 'k', severity: 'warning', mode: 'audit', scope: 'host' } });
}, 120_000);
afterAll(async () => t?.close());

describe('the /trends reader', () => {
  it('gives every week, KPI and stage figure the old reader gave, for any violations, weeks and zone', async () => {
    let round = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(violationArb, { maxLength: 25 }), fc.integer({ min: 1, max: 52 }), fc.boolean(), fc.constantFrom('UTC', 'Europe/Berlin', 'America/New_York'),
        async (specs, weeks, current, timeZone) => {
          round += 1;
          await t.db.prisma.admissionViolation.deleteMany({});
          const data = specs.map((v, i) => {
            const firstSeen = new Date(Date.parse(`${addDays(FIRST_DAY, v.firstDay)}T00:00:00Z`) + v.minute * 60_000);
            const after = (ms: number | null) => (ms === null ? null : new Date(firstSeen.getTime() + ms));
            return {
              ruleId: 'r1', subjectType: 'host', subjectId: `h${round}-${i}`, status: v.status, firstSeen, lastSeen: firstSeen,
              resolvedAt: after(v.resolvedAfter), acknowledgedAt: after(v.acknowledgedAfter),
            };
          });
          if (data.length) await t.db.prisma.admissionViolation.createMany({ data });
          const opts = { weeks, current, timeZone, targets: TARGETS, now: NOW };
          const [fresh, old] = await Promise.all([getTrends(t.db, opts), getOldTrends(t.db, opts)]);
          expect(fresh).toEqual(old);
        },
      ),
      { numRuns: 30 },
    );
  });
});
