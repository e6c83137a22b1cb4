import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { computeFixOrder, computeImpact, computeStageRescue, MIN_GROUP, type ImpactAttempt, type ImpactInput, type ImpactRollout } from '../../../lib/rank/impact';

const STAGES = ['build', 'pull', 'start', 'health', 'traffic'];
const stagePosition = new Map(STAGES.map((s, i) => [s, i]));
const P = 1; // persistent: fails every attempt
const T = 2; // transient: a retry gets past it
const A = 3;
const B = 4;

/** A rollout from its stages in order: each stage is the classes of its attempts; `null` is a passed attempt. */
type Plan = { id: string; service?: string; cohort?: string | null; stages: Partial<Record<string, (number | null)[]>>; manual?: boolean; goesOn?: boolean };

function build(plans: Plan[]): ImpactInput {
  const rollouts: ImpactRollout[] = [];
  const attempts: ImpactAttempt[] = [];
  for (const p of plans) {
    let failed = false;
    const runs: ImpactAttempt[] = [];
    for (const stage of STAGES) {
      const list = p.stages[stage] ?? [null];
      list.forEach((classId, i) => runs.push({ rolloutId: p.id, stageKey: stage, attempt: i + 1, status: classId === null ? 'succeeded' : 'failed', durationMs: 1000, manual: i > 0 && !!p.manual, classId }));
      if (list[list.length - 1] !== null) {
        failed = true;
        if (!p.goesOn) break;
      }
    }
    rollouts.push({ id: p.id, service: p.service ?? 'web', cohort: p.cohort ?? null, outcome: failed ? 'failed' : 'succeeded' });
    if (runs.some((r) => r.status === 'failed')) attempts.push(...runs);
  }
  return { stagePosition, rollouts, attempts, resamples: 100 };
}

const ok = (n: number, extra: Partial<Plan> = {}): Plan[] => Array.from({ length: n }, (_, i) => ({ id: `ok${extra.service ?? ''}${extra.cohort ?? ''}${i}`, stages: {}, ...extra }));
/** Background that teaches the persistence of P (retried, fails again) and T (retried, passes). */
const teach = (n: number): Plan[] => [
  ...Array.from({ length: n }, (_, i) => ({ id: `p${i}`, stages: { pull: [P, P, P] } })),
  ...Array.from({ length: n }, (_, i) => ({ id: `t${i}`, stages: { start: [T, null] } })),
];

describe('which classes blocked a failed rollout', () => {
  it('credits the persistent class, not the transient one that showed on the last attempt', () => {
    const input = build([...teach(10), { id: 'x', stages: { pull: [P, P, T] } }, ...ok(20)]);
    const impact = computeImpact(input);
    const base = build([...teach(10), ...ok(20)]);
    const without = computeImpact(base);
    const pGain = impact.classes.get(P)!.blocked - without.classes.get(P)!.blocked;
    const tGain = (impact.classes.get(T)?.blocked ?? 0) - (without.classes.get(T)?.blocked ?? 0);
    // Fixing P lets attempts 1 and 2 through unless T also failed them unseen (it rarely recurs);
    // fixing T alone leaves P, which recurs on every attempt.
    expect(pGain).toBeGreaterThan(0.9);
    expect(tGain).toBeLessThan(0.15);
  });

  it('shares a rollout between co-blocking classes', () => {
    // Two stages failed at their last attempt: only fixing both saves it.
    const impact = computeImpact(build([{ id: 'x', stages: { pull: [A], health: [B] }, goesOn: true }, ...ok(9)]));
    expect(impact.classes.get(A)!.blocked).toBeCloseTo(0.5, 6);
    expect(impact.classes.get(B)!.blocked).toBeCloseTo(0.5, 6);
    expect(impact.jointGain([A])).toBe(0);
    expect(impact.jointGain([A, B])).toBeGreaterThan(0);
  });

  it('gives a class a retry got past no expected gain, only toil', () => {
    const impact = computeImpact(build([{ id: 'x', stages: { start: [T, T, null] }, manual: true }, ...ok(9)]));
    expect(impact.classes.get(T)).toBeUndefined();
    expect(impact.toil.get(T)).toEqual({ attemptsLost: 2, timeLostMs: 2000, manual: 2, rollouts: 1 });
  });

  it('rescues a stage when a fixed class showed on some attempt and no unfixed class persists', () => {
    const persistence = (c: number) => ({ [P]: 0.9, [T]: 0.1 })[c] ?? 0.5;
    expect(computeStageRescue([A], new Set([A]), persistence)).toBe(1);
    expect(computeStageRescue([A], new Set([B]), persistence)).toBe(0);
    expect(computeStageRescue([P, P, T], new Set([T]), persistence)).toBeCloseTo(0.1, 6);
    expect(computeStageRescue([P, P, T], new Set([P]), persistence)).toBeCloseTo(1 - 0.1 * 0.1, 6);
    expect(computeStageRescue([P, T], new Set([P, T]), persistence)).toBe(1);
    expect(computeStageRescue([null, A], new Set([A]), persistence)).toBe(1);
  });
});

describe('the chance a rescued rollout passes the later stages', () => {
  it('uses the cohort when it has enough rollouts past the stage, and says so', () => {
    // Cohort r1 of service web: rollouts that pass "pull" mostly fail at "health"; the rest of web does fine.
    const cohort = [
      ...Array.from({ length: 8 }, (_, i) => ({ id: `c${i}`, cohort: 'release r1', stages: { health: [B] } })),
      ...ok(2, { cohort: 'release r1' }),
      ...Array.from({ length: 4 }, (_, i) => ({ id: `x${i}`, cohort: 'release r1', stages: { pull: [A] } })),
    ];
    const impact = computeImpact(build([...cohort, ...ok(40)]));
    const a = impact.classes.get(A)!;
    expect(a.laterPassFrom).toEqual({ cohort: 4, service: 0, chain: 0 });
    // 2 of 10 succeeded past pull in the cohort, shrunk toward web's rate: well below 1.
    expect(a.laterPass).toBeLessThan(0.5);
    expect(a.expectedGain).toBeCloseTo((4 * a.laterPass!) / impact.finished * 100, 6);
    expect(a.blocked).toBeCloseTo(4, 6);
  });

  it('falls back to the service, then to the whole chain, when the cohort has too little data', () => {
    const few = (service: string) => Array.from({ length: 2 }, (_, i) => ({ id: `${service}${i}`, service, cohort: 'release r9', stages: { pull: [A] } }));
    const impact = computeImpact(build([...few('web'), ...ok(MIN_GROUP, { service: 'web' }), ...few('lonely'), ...ok(30, { service: 'api' })]));
    expect(impact.classes.get(A)!.laterPassFrom).toEqual({ cohort: 0, service: 2, chain: 2 });
    // Every rollout past pull succeeded: the estimate is near 1 everywhere.
    expect(impact.classes.get(A)!.laterPass).toBeGreaterThan(0.9);
  });

  it('flags what fixing a class may reveal behind it, with the evidence', () => {
    const cohort = [
      ...Array.from({ length: 6 }, (_, i) => ({ id: `c${i}`, cohort: 'release r1', stages: { traffic: [B] } })),
      ...Array.from({ length: 10 }, (_, i) => ({ id: `x${i}`, cohort: 'release r1', stages: { pull: [A, A] } })),
    ];
    const impact = computeImpact(build([...cohort, ...ok(60), ...ok(20, { cohort: 'release r2' })]));
    expect(impact.classes.get(A)!.hiddenBehind).toEqual([{ classId: B, stageKey: 'traffic', rollouts: 6, of: 6, group: 'release r1', groups: 1 }]);
    expect(impact.classes.get(B)!.hiddenBehind).toEqual([]);
  });
});

describe('fixing classes together', () => {
  it('gains less than the sum of the separate gains when they share rollouts', () => {
    // Each of these rollouts failed at pull with A, then (after a retry) with B: either fix alone lets an attempt through.
    const shared = Array.from({ length: 5 }, (_, i) => ({ id: `s${i}`, stages: { pull: [A, B] } }));
    const impact = computeImpact(build([...shared, ...Array.from({ length: 5 }, (_, i) => ({ id: `a${i}`, stages: { pull: [A] } })), ...ok(40)]));
    const sum = impact.classes.get(A)!.expectedGain + impact.classes.get(B)!.expectedGain;
    expect(impact.jointGain([A, B])).toBeLessThan(sum);
    expect(impact.jointGain([A, B])).toBeGreaterThanOrEqual(impact.jointGain([A]));
  });
});

describe('the fix order', () => {
  /** Gains that add up, except a pair that pays off only together. */
  const additive = (alone: Record<number, number>, pair: [number, number], synergy: number) => (ids: readonly number[]) =>
    ids.reduce((a, id) => a + (alone[id] ?? 0), 0) + (ids.includes(pair[0]) && ids.includes(pair[1]) ? synergy : 0);
  const alone = { 1: 1.0, 2: 0.9, 3: 0.1, 4: 0.1 };
  const gains = new Map(Object.entries(alone).map(([k, v]) => [Number(k), v]));
  const partners = new Map([[3, new Map([[4, 1]])], [4, new Map([[3, 1]])]]);

  it('puts a pair that pays off only together first when it is worth more than the best two single fixes', () => {
    const { order, withAbove } = computeFixOrder(gains, partners, additive(alone, [3, 4], 3));
    expect(order).toEqual([3, 4, 1, 2]);
    expect(withAbove.get(4)).toBeCloseTo(3.2, 9);
    expect(withAbove.get(2)).toBeCloseTo(5.1, 9);
  });

  it('keeps a single fix first when a pair is better per class but not over the next two places', () => {
    // First place: the pair gives 0.1 then 2.2 (1.1 a class, more than 1.0), the singles 1.0 then 1.9: 1 first.
    // Second place: the pair gives 0.1 then 2.2 more, the singles 0.9 then 0.1: now the pair.
    const { order } = computeFixOrder(gains, partners, additive(alone, [3, 4], 2));
    expect(order).toEqual([1, 3, 4, 2]);
  });

  it('finds a class hidden behind another in one cohort and ranks the two together', () => {
    // Release r1: 20 rollouts blocked by A at pull; the 5 that got past it failed with B at health.
    const cohort = [
      ...Array.from({ length: 20 }, (_, i) => ({ id: `a${i}`, cohort: 'release r1', stages: { pull: [A, A] } })),
      ...Array.from({ length: 5 }, (_, i) => ({ id: `b${i}`, cohort: 'release r1', stages: { health: [B, B] } })),
    ];
    const single = Array.from({ length: 8 }, (_, i) => ({ id: `c${i}`, cohort: 'release r2', stages: { start: [5, 5] } }));
    const impact = computeImpact(build([...cohort, ...single, ...ok(100, { cohort: 'release r3' })]));
    expect(impact.jointGain([A, B])).toBeGreaterThan(impact.jointGain([A]) + impact.jointGain([B]) + 1);
    expect(impact.order.slice(0, 2).sort()).toEqual([A, B]);
    expect(impact.classes.get(A)!.hiddenBehind.map((h) => h.classId)).toEqual([B]);
  });
});

const planArb = fc.array(
  fc.record({
    service: fc.constantFrom('web', 'api', 'db'),
    cohort: fc.option(fc.constantFrom('release a', 'release b'), { nil: null }),
    stages: fc.dictionary(fc.constantFrom(...STAGES), fc.array(fc.option(fc.integer({ min: 1, max: 6 }), { nil: null }), { minLength: 1, maxLength: 3 })),
  }),
  { minLength: 1, maxLength: 60 },
);

describe('for any week', () => {
  it('gains are shares of failed rollouts: positive, at most one rollout each, fixing everything at most the failed share', () => {
    fc.assert(
      fc.property(planArb, (raw) => {
        // A passed attempt ends its stage: keep each stage's attempts up to its first pass.
        const plans = raw.map((p, i) => ({ ...p, id: `r${i}`, stages: Object.fromEntries(Object.entries(p.stages).map(([k, v]) => [k, v.slice(0, v.indexOf(null) + 1 || v.length)])) }));
        const input = build(plans);
        const impact = computeImpact(input);
        const failed = input.rollouts.filter((r) => r.outcome === 'failed').length;
        for (const c of impact.classes.values()) {
          // A class placed only as a partner of another blocked nothing alone: gain 0.
          if (c.blockedRollouts > 0) expect(c.expectedGain).toBeGreaterThan(0);
          else expect([c.expectedGain, c.withAbove === null]).toEqual([0, false]);
          expect(c.blocked).toBeLessThanOrEqual(c.blockedRollouts + 1e-9);
          expect(c.low).toBeLessThanOrEqual(c.high);
        }
        const ids = [...impact.classes.keys()];
        const all = impact.jointGain(ids);
        expect(all).toBeLessThanOrEqual((failed / impact.finished) * 100 + 1e-9);
        for (const id of ids) expect(impact.jointGain([id])).toBeLessThanOrEqual(all + 1e-9);
      }),
      { numRuns: 400 },
    );
  });
});
