import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { countOpenAt, violationSpans } from '../../../lib/metrics/open-at';
import { countOpenViolations } from '../../../lib/metrics/open-violations';
import { createTestDb, type TestDb } from '../../helpers/db';

// Issue 14: /trends counts the open violations per week end in the database; the count must be
// what the spans rebuilt from every violation row gave.
let t: TestDb;
const BASE = Date.parse('2026-06-01T00:00:00Z');
const DAY = 86_400_000;
const WINDOW = 60 * DAY;

const violationArb = fc.record({
  firstSeen: fc.integer({ min: 0, max: WINDOW }),
  status: fc.constantFrom('open', 'acknowledged', 'resolved'),
  resolvedAfter: fc.option(fc.integer({ min: 0, max: WINDOW }), { nil: null }),
  acknowledgedAfter: fc.option(fc.integer({ min: 0, max: WINDOW }), { nil: null }),
});

beforeAll(async () => {
  t = await createTestDb();
  await t.db.prisma.admissionRule.create({ data: { id: 'r1', title: 'rule', kind: 'k', severity: 'warning', mode: 'audit', scope: 'host' } });
});
afterAll(async () => t?.close());

describe('the open violations per week end', () => {
  it('are what the spans of every violation count, at any ends, boundaries included', async () => {
    let round = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(violationArb, { maxLength: 30 }), fc.array(fc.integer({ min: -DAY, max: 2 * WINDOW }), { maxLength: 12 }), async (specs, offsets) => {
        round += 1;
        await t.db.prisma.admissionViolation.deleteMany({});
        const rows = specs.map((v, i) => ({
          ruleId: 'r1', subjectType: 'host', subjectId: `h${round}-${i}`, status: v.status,
          firstSeen: new Date(BASE + v.firstSeen), lastSeen: new Date(BASE + v.firstSeen),
          resolvedAt: v.resolvedAfter === null ? null : new Date(BASE + v.firstSeen + v.resolvedAfter),
          acknowledgedAt: v.acknowledgedAfter === null ? null : new Date(BASE + v.firstSeen + v.acknowledgedAfter),
        }));
        if (rows.length) await t.db.prisma.admissionViolation.createMany({ data: rows });
        // Ends exactly at a first sighting or a resolution test the boundaries (open just before the end).
        const ends = [...offsets.map((o) => BASE + o), ...rows.slice(0, 3).flatMap((r) => [r.firstSeen.getTime(), r.resolvedAt?.getTime() ?? BASE])];
        const spans = violationSpans(rows);
        const counted = await countOpenViolations(t.db, ends);
        for (const end of ends) expect(counted.get(end), `at ${new Date(end).toISOString()}`).toBe(countOpenAt(spans, end));
      }),
      { numRuns: 40 },
    );
  });

  it('reads nothing for no ends', async () => {
    expect((await countOpenViolations(t.db, [])).size).toBe(0);
  });
});
