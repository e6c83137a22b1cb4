import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mergeIdRanges, readRunsOfDays } from '../../../lib/admission/run-days';
import { computeDaySpans } from '../../../lib/ingest/rollup-run-days';
import { createTestDb, type TestDb } from '../../helpers/db';
import { insertRawRuns, prepareRawRuns, scanRunDays, scanStageDays, type RawRun } from './raw-runs';

// The rollups kept at ingest beside DailyRollup equal what a full scan of StageRun computes, for any
// order of arrival: days arrive late, in several transactions, interleaved with other days.

let t: TestDb;
beforeAll(async () => {
  t = await createTestDb();
  await prepareRawRuns(t.db);
});
afterAll(async () => t?.close());

const DAYS = Array.from({ length: 12 }, (_, i) => `2026-03-${String(i + 1).padStart(2, '0')}`);
const run: fc.Arbitrary<RawRun> = fc.record({
  day: fc.constantFrom(...DAYS),
  stageKey: fc.constantFrom('image-build', 'test-build', 'container-start'),
  status: fc.constantFrom('succeeded', 'failed', 'skipped'),
  attempt: fc.integer({ min: 1, max: 3 }),
  manual: fc.boolean(),
});
// Transactions of mostly one day (as time-ordered input arrives), some mixing days, some late.
const transaction = fc.oneof(
  fc.array(run, { minLength: 1, maxLength: 30 }),
  fc.tuple(run, fc.integer({ min: 1, max: 40 })).map(([r, n]) => Array.from({ length: n }, () => r)),
);
const dayRange = fc.tuple(fc.constantFrom(...DAYS), fc.constantFrom(...DAYS))
  .map(([a, b]) => (a <= b ? { from: a, to: b } : { from: b, to: a }));

describe('rollups of inserted stage runs', () => {
  it('reads exactly the runs of any day range through the day spans, counts each (day, stage) as a scan', async () => {
    const transactions = fc.array(transaction, { minLength: 1, maxLength: 8 });
    const ranges = fc.array(dayRange, { minLength: 1, maxLength: 4 });
    await fc.assert(
      fc.asyncProperty(transactions, ranges, async (txs, ranges) => {
        for (const tx of txs) await insertRawRuns(t.db, tx);
        const all = await scanRunDays(t.db);
        for (const range of ranges) {
          const read = await readRunsOfDays<{ id: number }>(t.db, range, { columns: '"id"', where: '1 = 1', args: [] });
          const expected = all.filter((r) => r.day >= range.from && r.day <= range.to).map((r) => r.id);
          expect(read.map((r) => Number(r.id)).sort((a, b) => a - b)).toEqual(expected);
        }
        const rollup = await t.db.prisma.dailyStageRollup.findMany({ orderBy: [{ day: 'asc' }, { stageKey: 'asc' }] });
        expect(rollup.map((r) => ({ ...r }))).toEqual(await scanStageDays(t.db));
      }),
      { numRuns: 25, seed: 20261201 },
    );
  });

  it('keeps one span per day for runs stored in order', async () => {
    await t.db.prisma.stageRunDaySpan.deleteMany({ where: { day: { startsWith: '2025-' } } });
    const day = (d: string): RawRun => ({
      day: d, stageKey: 'image-build', status: 'succeeded', attempt: 1, manual: false,
    });
    for (const d of ['2025-01-01', '2025-01-01', '2025-01-02', '2025-01-02']) {
      await insertRawRuns(t.db, [day(d), day(d)]);
    }
    expect(await t.db.prisma.stageRunDaySpan.count({ where: { day: { startsWith: '2025-' } } })).toBe(2);
  });
});

describe('merging id ranges', () => {
  it('covers every id of the spans, in sorted disjoint ranges no longer than the limit', () => {
    const span = fc.tuple(fc.integer({ min: 1, max: 5_000 }), fc.integer({ min: 0, max: 300 }))
      .map(([fromId, n]) => ({ fromId, toId: fromId + n }));
    const lists = fc.array(span, { maxLength: 20 });
    const [gaps, maxes] = [fc.integer({ min: 0, max: 50 }), fc.integer({ min: 1, max: 400 })];
    fc.assert(fc.property(lists, gaps, maxes, (spans, gap, max) => {
      const merged = mergeIdRanges(spans, gap, max);
      for (const [i, r] of merged.entries()) {
        expect(r.toId - r.fromId + 1).toBeLessThanOrEqual(max);
        if (i > 0) expect(r.fromId).toBeGreaterThan(merged[i - 1]!.toId);
      }
      for (const s of spans) {
        for (let id = s.fromId; id <= s.toId; id += 7) {
          expect(merged.some((r) => r.fromId <= id && id <= r.toId)).toBe(true);
        }
      }
    }));
  });

  it('computes one span per day from the lowest to the highest id', () => {
    const runs = [{ id: 5, day: 'b' }, { id: 2, day: 'a' }, { id: 9, day: 'b' }, { id: 3, day: 'b' }];
    expect(computeDaySpans(runs)).toEqual([
      { day: 'a', fromId: 2, toId: 2 },
      { day: 'b', fromId: 3, toId: 9 },
    ]);
  });
});
