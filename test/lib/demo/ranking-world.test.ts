import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { weekDays } from '../../../lib/time/iso-week';
import { ingestRecordSchema } from '../../../lib/ingest/record';
import {
  buildRankingWorld, findOracleFixSet, gainOf, MESSAGE_FAMILIES, outcomesWith, rolloutRuns, simulateWeek, successWith, type RankingWorld, type SimulatedRun,
} from '../../../lib/demo/ranking-world';
import { keyedDraw, messageRandom } from '../../../lib/demo/ranking-world/draws';

// Small weeks keep the suite fast; the hidden-cause checks need cohorts of some size, hence 3,000.
const WORLDS = new Map<number, RankingWorld>();
const worldOf = (seed: number, rollouts = 3000): RankingWorld => {
  const key = seed * 1_000_000 + rollouts;
  if (!WORLDS.has(key)) WORLDS.set(key, buildRankingWorld({ seed, rollouts }));
  return WORLDS.get(key)!;
};
const WEEKS = new Map<RankingWorld, ReturnType<typeof simulateWeek>>();
const fullWeek = (world: RankingWorld) => {
  if (!WEEKS.has(world)) WEEKS.set(world, simulateWeek(world));
  return WEEKS.get(world)!;
};

function byRollout(runs: readonly SimulatedRun[]): Map<string, SimulatedRun[]> {
  const out = new Map<string, SimulatedRun[]>();
  for (const run of runs) {
    const list = out.get(run.record.rollout) ?? [];
    list.push(run);
    out.set(run.record.rollout, list);
  }
  return out;
}

const succeeded = (runs: readonly SimulatedRun[]): boolean => runs.at(-1)!.record.status !== 'failed';
const causeSets = (world: RankingWorld) => fc.uniqueArray(fc.integer({ min: 0, max: world.design.causes.length - 1 }), { maxLength: 8 });

describe('the ranking world', () => {
  it('is the same world and the same week for the same seed, and another for another seed', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 10_000 }), (seed) => {
        const a = buildRankingWorld({ seed, rollouts: 200 });
        const b = buildRankingWorld({ seed, rollouts: 200 });
        expect(a.design.causes.map((c) => [c.name, c.sites, c.cohort])).toEqual(b.design.causes.map((c) => [c.name, c.sites, c.cohort]));
        expect(JSON.stringify(simulateWeek(a).records)).toBe(JSON.stringify(simulateWeek(b).records));
        // Draws are keyed by rollout, not by position in a stream: a shorter week is a prefix of a longer one.
        const shorter = simulateWeek(buildRankingWorld({ seed, rollouts: 120 })).records;
        expect(JSON.stringify(simulateWeek(a).records.slice(0, shorter.length))).toBe(JSON.stringify(shorter));
        const other = buildRankingWorld({ seed: seed + 1, rollouts: 200 });
        expect(JSON.stringify(simulateWeek(other).records)).not.toBe(JSON.stringify(simulateWeek(a).records));
      }),
      { numRuns: 6 },
    );
  });

  it('draws are pure functions of their key, uniform enough in [0, 1)', () => {
    const draws = Array.from({ length: 20_000 }, (_, i) => keyedDraw(7, i, i % 17, i % 3, 64 + (i % 30)));
    expect(draws.every((d) => d >= 0 && d < 1)).toBe(true);
    expect(keyedDraw(7, 5, 3, 1, 64)).toBe(keyedDraw(7, 5, 3, 1, 64));
    expect(keyedDraw(7, 5, 3, 1, 64)).not.toBe(keyedDraw(7, 5, 3, 2, 64));
    const mean = draws.reduce((a, b) => a + b, 0) / draws.length;
    expect(mean).toBeGreaterThan(0.49);
    expect(mean).toBeLessThan(0.51);
    expect(draws.filter((d) => d < 0.1).length / draws.length).toBeCloseTo(0.1, 1);
  });

  it('mixes 25-35 causes of every role per seed, with end-to-end success near 60-85%', () => {
    for (let seed = 1; seed <= 12; seed++) {
      const world = buildRankingWorld({ seed, rollouts: 2000 });
      const roles = new Set(world.design.causes.map((c) => c.role));
      expect(world.design.causes.length).toBeGreaterThanOrEqual(25);
      expect(world.design.causes.length).toBeLessThanOrEqual(35);
      expect([...roles].sort()).toEqual(['cohort', 'hidden', 'stage', 'two-stage', 'upstream']);
      expect(world.design.causes.some((c) => c.persistent) && world.design.causes.some((c) => !c.persistent)).toBe(true);
      expect(new Set(world.design.causes.map((c) => c.family.id)).size).toBe(world.design.causes.length);
      expect(world.design.services.length).toBeGreaterThanOrEqual(40);
      expect(world.design.services.length).toBeLessThanOrEqual(80);
      const rate = world.baseline / world.rollouts.count;
      expect(rate).toBeGreaterThan(0.55);
      expect(rate).toBeLessThan(0.9);
    }
  });

  it('writes valid ingest records inside the ISO week, with release and image attributes and the truth of every failure', () => {
    const world = worldOf(1);
    const { runs, truth } = fullWeek(world);
    const days = new Set(weekDays(world.design.week));
    expect(runs.every((r) => days.has(r.record.startedAt.slice(0, 10)))).toBe(true);
    // Validating every record costs seconds; the first few thousand hold every kind of record.
    for (const run of runs.slice(0, 4000)) {
      const parsed = ingestRecordSchema.parse(run.record);
      expect(days.has(parsed.startedAt.slice(0, 10))).toBe(true);
      expect(parsed.attrs?.image).toBe(`registry.example.com/${String(parsed.attrs?.release).replace('@', ':')}`);
      expect(parsed.host).toMatch(/\.example\.net$/);
      expect(run.key).toBe(`${parsed.rollout}/${parsed.stage}/${parsed.attempt}`);
      if (parsed.status === 'failed') {
        expect(truth.get(run.key)).toBe(run.cause);
        expect(run.firing).toContain(run.cause);
        expect(parsed.errorCode).toBe(world.design.causes[run.cause!]!.family.code);
      }
    }
    expect(new Set(runs.map((r) => r.key)).size).toBe(runs.length);
    expect(runs.some((r) => r.firing.length > 1)).toBe(true);
    expect(runs.some((r) => r.record.manual === true)).toBe(true);
    expect(runs.some((r) => r.record.status === 'skipped')).toBe(true);
  });

  it('lets retries absorb a real share of transient failures', () => {
    const { runs } = fullWeek(worldOf(1));
    const firstFailures = runs.filter((r) => r.record.attempt === 1 && r.record.status === 'failed').length;
    const rescued = runs.filter((r) => (r.record.attempt ?? 1) > 1 && r.record.status === 'succeeded').length;
    expect(rescued / firstFailures).toBeGreaterThan(0.2);
  });

  it('fails every attempt of a stage where a persistent cause fired, and the rollout with it', () => {
    const world = worldOf(2);
    const { runs } = fullWeek(world);
    const stages = new Map<string, SimulatedRun[]>();
    for (const run of runs) {
      const key = `${run.record.rollout}/${run.record.stage}`;
      stages.set(key, [...(stages.get(key) ?? []), run]);
    }
    let checked = 0;
    for (const attempts of stages.values()) {
      const persistent = new Set(attempts.flatMap((a) => a.firing).filter((c) => world.design.causes[c]!.persistent));
      for (const cause of persistent) {
        checked++;
        expect(attempts.every((a) => a.firing.includes(cause) && a.record.status === 'failed')).toBe(true);
      }
    }
    expect(checked).toBeGreaterThan(50);
  });
});

describe('the ranking world with causes removed', () => {
  it('never makes a rollout that succeeded fail, and agrees with the records it writes', () => {
    const world = worldOf(3, 2000);
    const full = outcomesWith(world, []);
    fc.assert(
      fc.property(causeSets(world), (removed) => {
        const reduced = outcomesWith(world, removed);
        const worse = [...full.keys()].filter((r) => reduced[r]! < full[r]!);
        expect(worse).toEqual([]);
        expect(successWith(world, removed)).toBeGreaterThanOrEqual(world.baseline);
        // The records of every rollout the fix saved, and of a sample of the others, end as the fast count says.
        const sample = [...full.keys()].filter((r) => reduced[r] !== full[r] || r % 10 === 0);
        const disagree = sample.filter((r) => Number(succeeded(rolloutRuns(world, r, removed))) !== reduced[r]);
        expect(disagree).toEqual([]);
      }),
      { numRuns: 25 },
    );
  });

  it('re-uses the same draws: a rollout the removed causes never touched has the same records', () => {
    const world = worldOf(4, 2000);
    const full = [...byRollout(fullWeek(world).runs).values()];
    expect(full.map((runs) => runs[0]!.record.rollout)).toEqual(full.map((_, r) => rolloutRuns(world, r)[0]!.record.rollout));
    fc.assert(
      fc.property(causeSets(world), fc.integer({ min: 0, max: 9 }), (removed, offset) => {
        const gone = new Set(removed);
        const untouched = [...full.keys()].filter((r) => !full[r]!.some((run) => run.firing.some((c) => gone.has(c))));
        const sample = untouched.filter((r) => r % 10 === offset);
        expect(sample.length).toBeGreaterThan(0);
        const changed = sample.filter((r) => JSON.stringify(rolloutRuns(world, r, removed).map((x) => x.record)) !== JSON.stringify(full[r]!.map((x) => x.record)));
        expect(changed).toEqual([]);
      }),
      { numRuns: 20 },
    );
  });

  it('shows a hidden cause only for rollouts past its upstream cause, and more of it once that one is fixed', () => {
    let pairs = 0;
    for (const seed of [1, 2, 3]) {
      const world = worldOf(seed);
      for (const hidden of world.design.causes.filter((c) => c.role === 'hidden')) {
        pairs++;
        const upstream = world.design.causes[hidden.pairedWith!]!;
        const upStage = world.design.stages[upstream.sites[0]!.stage]!;
        const cohort = [...world.rollouts.cohort.keys()].filter((r) => world.rollouts.cohort[r] === hidden.cohort);
        const full = cohort.map((r) => rolloutRuns(world, r));
        const fixed = cohort.map((r) => rolloutRuns(world, r, [upstream.id]));
        const shows = (runs: SimulatedRun[]) => runs.some((run) => run.cause === hidden.id);
        for (const runs of full.filter(shows)) expect(runs.filter((r) => r.record.stage === upStage).at(-1)!.record.status).not.toBe('failed');
        expect(fixed.filter(shows).length).toBeGreaterThan(full.filter(shows).length);
        // Nowhere outside its cohort.
        expect(fullWeek(world).runs.filter((r) => r.cause === hidden.id).length).toBe(full.flat().filter((r) => r.cause === hidden.id).length);
      }
    }
    expect(pairs).toBeGreaterThanOrEqual(3);
  });

  it('counts successes over 8,000 rollouts in about a millisecond', () => {
    const world = buildRankingWorld({ seed: 5, rollouts: 8000 });
    const started = performance.now();
    for (let i = 0; i < 200; i++) successWith(world, [i % world.design.causes.length, (i * 7) % world.design.causes.length]);
    expect((performance.now() - started) / 200).toBeLessThan(5);
  });
});

describe('the oracle', () => {
  it('finds a best K at least as good as greedy, greedy at least as good as any single cause, and beats every K-set of its pool', () => {
    for (const seed of [1, 3]) {
      const world = worldOf(seed);
      const bestSingle = Math.max(...world.design.causes.map((c) => gainOf(world, [c.id])));
      for (const k of [3, 5]) {
        const oracle = findOracleFixSet(world, k);
        const saved = (causes: number[]) => successWith(world, causes) - world.baseline;
        expect(oracle.causes).toHaveLength(k);
        expect(saved(oracle.causes)).toBe(oracle.saved);
        expect(oracle.saved).toBeGreaterThanOrEqual(oracle.greedy.saved);
        expect(oracle.saved).toBeGreaterThanOrEqual(oracle.local.saved);
        expect(oracle.local.saved).toBeGreaterThanOrEqual(oracle.greedy.saved);
        expect((oracle.greedy.saved / world.rollouts.count) * 100).toBeGreaterThanOrEqual(bestSingle - 1e-9);
        fc.assert(
          fc.property(fc.shuffledSubarray(oracle.pool, { minLength: k, maxLength: k }), (set) => {
            expect(saved(set)).toBeLessThanOrEqual(oracle.exhaustive.saved);
          }),
          { numRuns: 100 },
        );
      }
    }
  });

  it('needs the exhaustive search where a hidden pair is worth more than the greedy picks see', () => {
    const found = [1, 2, 3, 4, 5, 6].map((seed) => findOracleFixSet(worldOf(seed, 2000), 3));
    expect(found.some((o) => o.exhaustive.saved > o.greedy.saved)).toBe(true);
  });
});

describe('message families', () => {
  it('holds at least 40 families with distinct ids, codes and wording', () => {
    expect(MESSAGE_FAMILIES.length).toBeGreaterThanOrEqual(40);
    expect(new Set(MESSAGE_FAMILIES.map((f) => f.id)).size).toBe(MESSAGE_FAMILIES.length);
    expect(new Set(MESSAGE_FAMILIES.map((f) => f.code)).size).toBe(MESSAGE_FAMILIES.length);
    const ctx = (i: number) => ({ rng: messageRandom(i, 10), service: 'feed-api', release: '2.4.1', image: 'registry.example.com/feed-api:2.4.1', host: 'host-a01-001.dc1.example.net', stage: 'image-pull', at: Date.UTC(2026, 10, 10) });
    // The words of a message without its variable parts: families must differ in them.
    const words = (text: string) => new Set(text.toLowerCase().split(/[^a-z]+/).filter((w) => w.length > 3));
    const vocab = MESSAGE_FAMILIES.map((f) => words(f.build(ctx(1))));
    for (const [i, f] of MESSAGE_FAMILIES.entries()) {
      const texts = new Set(Array.from({ length: 20 }, (_, j) => f.build(ctx(j))));
      expect(texts.size, f.id).toBeGreaterThan(5);
      for (const [j, other] of vocab.entries()) {
        if (j === i) continue;
        const shared = [...vocab[i]!].filter((w) => other.has(w)).length;
        expect(shared / vocab[i]!.size, `${f.id} vs ${MESSAGE_FAMILIES[j]!.id}`).toBeLessThan(0.6);
      }
    }
  });
});
