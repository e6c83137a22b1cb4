import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { groupingAccuracy } from '../../../lib/classify/grouping-accuracy';
import { evaluateSystem, listLoghubSystems, readLoghubSystem } from '../../../lib/classify/loghub';

const SHARED = path.resolve(import.meta.dirname, '..', '..', '..', '..', 'shared', 'data');

describe('groupingAccuracy', () => {
  it.each([
    ['identical groupings', [1, 1, 2, 3], ['a', 'a', 'b', 'c'], 1],
    ['a true group split in two', [1, 2, 3, 3], ['a', 'a', 'b', 'b'], 0.5],
    ['two true groups merged', [1, 1, 1, 2], ['a', 'a', 'b', 'c'], 0.25],
    ['everything in one group', [1, 1, 1, 1], ['a', 'b', 'c', 'd'], 0],
    ['no lines', [], [], 1],
  ])('scores %s', (_, predicted, truth, expected) => {
    expect(groupingAccuracy(predicted, truth)).toBe(expected);
  });

  it('refuses predictions and labels of different lengths', () => {
    expect(() => groupingAccuracy([1], [])).toThrow(/1 predictions for 0 lines/);
  });

  // The shared data ships Drain's predictions with the exact GA they must score (its README).
  const reference = { HDFS: 0.9975, Hadoop: 0.9475, Spark: 0.92, Zookeeper: 0.9665, OpenSSH: 0.7875, Apache: 1, HealthApp: 0.78, Proxifier: 0.5265 };
  it.runIf(existsSync(path.join(SHARED, 'loghub-2k-drain-reference')))('reproduces the GA of the Drain reference predictions on all 8 systems', () => {
    for (const [name, ga] of Object.entries(reference)) {
      const drain = parse(readFileSync(path.join(SHARED, 'loghub-2k-drain-reference', `${name}.csv`)), { columns: true }) as Record<string, string>[];
      const system = readLoghubSystem(path.join(SHARED, 'loghub-2k'), name);
      expect(groupingAccuracy(drain.map((r) => r.PredictedClusterId!), system.eventIds)).toBeCloseTo(ga, 4);
    }
  });
});

describe('the template miner on Loghub-2k', () => {
  const root = path.join(SHARED, 'loghub-2k');
  it.runIf(existsSync(root))('groups at least 0.97 of lines right on average and 0.90 on every system, with one configuration', () => {
    const results = listLoghubSystems(root).map((name) => evaluateSystem(readLoghubSystem(root, name), 1));
    expect(results).toHaveLength(8);
    for (const r of results) expect(r.ga, r.name).toBeGreaterThanOrEqual(0.9);
    expect(results.reduce((a, r) => a + r.ga, 0) / results.length).toBeGreaterThanOrEqual(0.97);
  });

  it('says clearly when the data is missing', () => {
    expect(() => listLoghubSystems('/nonexistent/loghub')).toThrow('/nonexistent/loghub: no such folder (the Loghub-2k data; pass its path)');
  });
});
