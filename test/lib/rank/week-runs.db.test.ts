import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COHORT_ATTRS } from '../../../lib/rank/cohorts';
import { readWeekRuns } from '../../../lib/rank/week-runs';
import { addDays } from '../../../lib/time/day';
import { weekDays } from '../../../lib/time/iso-week';
import { createTestDb, EXPECTED_KIND, type TestDb } from '../../helpers/db';
import { ingestRuns, type RunSpec } from '../../helpers/ingest';

// The ranking's read of the week's runs by primary-key range equals reading every run of each
// rollout by id, for rollouts that start before, in and after the week, with runs days later, and
// arriving over several ingestions.

let t: TestDb;
beforeAll(async () => {
  t = await createTestDb();
});
afterAll(async () => t?.close());

const WEEK = weekDays('2026-W10');
const STAGES = ['test-build', 'package-publish', 'image-build', 'image-pull', 'container-start'];
const value = fc.constantFrom('', 'web@2.1', 'web@2.2', 'Web@3', 'r/ü:1', '42');
const attrs = fc.option(fc.dictionary(fc.constantFrom(...COHORT_ATTRS, 'region'), value, { maxKeys: 3 }), { nil: undefined });
const run = fc.record({
  stage: fc.constantFrom(...STAGES),
  attempt: fc.integer({ min: 1, max: 3 }),
  status: fc.constantFrom('succeeded', 'succeeded', 'failed', 'skipped') as fc.Arbitrary<'succeeded' | 'failed' | 'skipped'>,
  /** Days after the rollout's start: mostly the same day, sometimes the next, now and then much later. */
  offset: fc.constantFrom(0, 0, 0, 1, 2, 6),
  attrs,
  durationMs: fc.integer({ min: 0, max: 600_000 }),
  manual: fc.boolean(),
});
const rollout = fc.record({
  start: fc.integer({ min: -3, max: 9 }),
  runs: fc.uniqueArray(run, { minLength: 1, maxLength: 8, selector: (r) => `${r.stage}/${r.attempt}` }),
});

type Stored = { id: number; rolloutId: string; stageKey: string; attempt: number; status: string; durationMs: number | null; manual: boolean; attrs: unknown };

/** The obvious way: every run of each rollout, read by rollout id. */
function expected(rollouts: { id: string; failedRuns: number }[], runs: Stored[]) {
  const ofRollout = new Map<string, Stored[]>();
  for (const r of runs) ofRollout.set(r.rolloutId, [...(ofRollout.get(r.rolloutId) ?? []), r]);
  const cohorts = new Map<string, string>();
  for (const r of rollouts) {
    for (const attr of COHORT_ATTRS) {
      const values = (ofRollout.get(r.id) ?? []).flatMap((s) => {
        const v = (s.attrs as Record<string, unknown> | null)?.[attr];
        return v === undefined || v === null || v === '' ? [] : [String(v)];
      });
      if (values.length === 0) continue;
      cohorts.set(r.id, `${attr} ${values.reduce((a, b) => (Buffer.compare(Buffer.from(b), Buffer.from(a)) < 0 ? b : a))}`);
      break;
    }
  }
  const attempts = rollouts.filter((r) => r.failedRuns > 0).flatMap((r) => ofRollout.get(r.id) ?? []).map(({ attrs: _, ...a }) => a);
  return { cohorts, attempts };
}

describe(`the weekly ranking's read of the week's runs (${EXPECTED_KIND})`, () => {
  it('equals every run of the week’s rollouts read by rollout id', async () => {
    let batch = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(rollout, { minLength: 1, maxLength: 12 }), fc.integer({ min: 0, max: 100 }), async (generated, cut) => {
        batch += 1;
        const specs: RunSpec[] = generated.flatMap((g, i) => g.runs.map((r) => ({
          rollout: `b${batch}-r${i}`, stage: r.stage, attempt: r.attempt, status: r.status,
          at: `${addDays(WEEK[0]!, g.start + r.offset)}T${String(10 + r.attempt).padStart(2, '0')}:00:00Z`,
          message: r.status === 'failed' ? `boom ${r.stage}` : undefined, attrs: r.attrs, durationMs: r.durationMs, manual: r.manual,
        })));
        // Some runs arrive in a later ingestion than the rest of their rollout.
        const split = Math.floor((specs.length * cut) / 100);
        await ingestRuns(t.db, specs.slice(0, split));
        await ingestRuns(t.db, specs.slice(split));

        const rollouts = await t.db.prisma.rollout.findMany({ where: { day: { in: WEEK } }, select: { id: true, stageRuns: true, failedRuns: true } });
        const read = await readWeekRuns(t.db, WEEK, rollouts);
        const runs = await t.db.prisma.stageRun.findMany({ where: { rolloutId: { in: rollouts.map((r) => r.id) } }, select: { id: true, rolloutId: true, stageKey: true, attempt: true, status: true, durationMs: true, manual: true, attrs: true } });
        const want = expected(rollouts, runs);
        expect(Object.fromEntries(read.cohorts)).toEqual(Object.fromEntries(want.cohorts));
        const byId = (a: { id: number }, b: { id: number }) => a.id - b.id;
        expect([...read.attempts].sort(byId)).toEqual([...want.attempts].sort(byId));
      }),
      { numRuns: 30, seed: 20261201 },
    );
  });

  it('looks up by id only the rollouts with runs outside the week and the day after', async () => {
    const day = (n: number, hour = 10) => `${addDays(WEEK[0]!, n)}T${String(hour).padStart(2, '0')}:00:00Z`;
    await ingestRuns(t.db, [
      { rollout: 'near', stage: 'test-build', at: day(6, 23), status: 'failed', message: 'x' },
      { rollout: 'near', stage: 'test-build', attempt: 2, at: day(7) },
      { rollout: 'late', stage: 'test-build', at: day(2), status: 'failed', message: 'x', attrs: { release: 'z@1' } },
      { rollout: 'late', stage: 'test-build', attempt: 2, at: day(12), attrs: { release: 'a@1' } },
    ]);
    const rollouts = await t.db.prisma.rollout.findMany({ where: { id: { in: ['near', 'late'] } }, select: { id: true, stageRuns: true, failedRuns: true } });
    const read = await readWeekRuns(t.db, WEEK, rollouts);
    expect(read.lookedUp).toBe(1);
    expect(read.attempts.filter((a) => a.rolloutId === 'late').map((a) => a.attempt).sort()).toEqual([1, 2]);
    expect(read.attempts.filter((a) => a.rolloutId === 'near').map((a) => a.attempt).sort()).toEqual([1, 2]);
    expect(read.cohorts.get('late')).toBe('release a@1');
  });
});
