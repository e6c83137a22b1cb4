import { beforeAll, describe, expect, it } from 'vitest';
import { evaluateRanking, type SeedEvaluation } from '../../../lib/demo/ranking-eval';
import { formatRankingEvaluation, summarise } from '../../../lib/demo/ranking-world/report';

// One small week end to end: the simulator's records through the real ingestion, classification
// and weekly ranking (a temp SQLite database of its own), then scored against the oracle.
let result: SeedEvaluation;

beforeAll(async () => {
  result = await evaluateRanking({ seed: 1, rollouts: 1500 });
}, 120_000);

describe('evaluateRanking', () => {
  it('ingests the whole week: the product counts the rollouts and the yield the world simulated', () => {
    expect(result.rollouts).toBe(1500);
    expect(result.product.finished).toBe(1500);
    expect(result.product.successRate).toBeCloseTo(result.world.successRate, 9);
    expect(result.world.records).toBeGreaterThan(1500 * 10);
    expect(result.world.failedAttempts).toBeGreaterThan(0);
  });

  it('maps every class to the cause behind most of its events', () => {
    expect(result.product.classes).toBeGreaterThan(0);
    expect(result.product.majorityCauses).toBeGreaterThan(0);
    expect(result.product.majorityCauses).toBeLessThanOrEqual(result.world.causesShown);
    expect(result.product.majorityCauses).toBeLessThanOrEqual(result.product.classes);
    expect(result.product.impure).toBeLessThanOrEqual(result.product.classes);
    expect(result.top.length).toBe(5);
    for (const t of result.top) {
      expect(t.cause).toMatch(/^c\d\d-/);
      expect(t.purity).toBeGreaterThan(0.5);
      expect(t.purity).toBeLessThanOrEqual(1);
      expect(t.failures).toBeGreaterThan(0);
    }
    expect(result.top.map((t) => t.rank)).toEqual([1, 2, 3, 4, 5]);
  });

  it('scores K = 3 and 5 with every gain between 0 and the oracle', () => {
    expect(result.scores.map((s) => s.k)).toEqual([3, 5]);
    for (const s of result.scores) {
      expect(s.oracle.gain).toBeGreaterThan(0);
      expect(s.oracle.gain).toBeGreaterThanOrEqual(s.oracle.greedyGain);
      for (const pick of [s.product, s.failures, s.uplift]) {
        expect(pick.classes).toHaveLength(s.k);
        expect(pick.causes.length + pick.duplicates).toBe(s.k);
        expect(pick.gain).toBeGreaterThanOrEqual(0);
        expect(pick.gain).toBeLessThanOrEqual(s.oracle.gain + 1e-9);
        expect(pick.ratio).toBeCloseTo(pick.gain / s.oracle.gain, 9);
      }
    }
    const [k3, k5] = result.scores;
    expect(k5!.oracle.gain).toBeGreaterThanOrEqual(k3!.oracle.gain);
  });

  it('reports per seed and the summary line with the target', () => {
    const text = formatRankingEvaluation([result], result.seconds.total);
    expect(text).toContain('seed 1:');
    expect(text).toMatch(/K=5 {2}product \d+\.\d\d pts/);
    expect(text).toMatch(/target ≥ 0\.90 of the oracle at K = 5 on every seed: (met|not met)/);
    const [k3] = summarise([result]);
    expect(k3!.product.min).toBe(result.scores[0]!.product.ratio);
    expect(result.seconds.total).toBeGreaterThanOrEqual(result.seconds.ingest);
  });
});
