import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { beforeAll, describe, expect, it } from 'vitest';
import { groupingAccuracy, parsingScores } from '../../../lib/classify/grouping-accuracy';
import { CHOICES, leaveOneOut } from '../../../lib/classify/leave-one-out';
import { evaluateSystem, listLoghubFull, listLoghubSystems, parseLines, readLoghubFull, readLoghubSystem } from '../../../lib/classify/loghub';
import { MINER_DEFAULTS } from '../../../lib/classify/miner';

const SHARED = path.resolve(import.meta.dirname, '..', '..', '..', '..', 'shared', 'data');
const ROOT = path.join(SHARED, 'loghub-2k');
const ROOT2 = path.join(SHARED, 'loghub-2.0');

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
      const system = readLoghubSystem(ROOT, name);
      expect(groupingAccuracy(drain.map((r) => r.PredictedClusterId!), system.eventIds)).toBeCloseTo(ga, 4);
    }
  });
});

describe('parsingScores (GA, FGA, PA, FTA as Loghub-2.0 defines them)', () => {
  const truth = ['A <*>', 'A <*>', 'B <*>', 'C', 'C'];
  it('scores a perfect parse 1 everywhere', () => {
    expect(parsingScores([1, 1, 2, 3, 3], truth, truth)).toEqual({ ga: 1, fga: 1, pa: 1, fta: 1 });
  });

  it('counts a group right but its text wrong for GA and FGA, not for PA and FTA', () => {
    const s = parsingScores([1, 1, 2, 3, 3], ['A <*>', 'A <*>', 'B x', 'C', 'C'], truth);
    expect(s).toEqual({ ga: 1, fga: 1, pa: 0.8, fta: 2 / 3 });
  });

  it('scores merged groups: a merge is wrong for every line in it', () => {
    // Predicted groups {0,1,2} (wrong), {3,4} (right): precision 1/2, recall 1/3.
    const s = parsingScores([1, 1, 1, 2, 2], ['<*> <*>', '<*> <*>', '<*> <*>', 'C', 'C'], truth);
    expect(s.ga).toBe(0.4);
    expect(s.fga).toBeCloseTo((2 * 0.5 * (1 / 3)) / (0.5 + 1 / 3), 10);
    expect(s.pa).toBe(0.4);
    expect(s.fta).toBeCloseTo(s.fga, 10);
  });

  it('refuses inputs of different lengths', () => {
    expect(() => parsingScores([1], ['x'], [])).toThrow(/1 predictions for 0 lines/);
  });
});

describe.runIf(existsSync(ROOT) && existsSync(ROOT2))('the template miner on the Loghub development data (one configuration)', () => {
  // Read in beforeAll: a skipped suite's body still runs when tests are collected, with or without the data.
  let systems: ReturnType<typeof readLoghubSystem>[] = [];
  let results: ReturnType<typeof evaluateSystem>[] = [];
  let byName = new Map<string, ReturnType<typeof evaluateSystem>>();
  beforeAll(() => {
    systems = listLoghubSystems(ROOT).map((name) => readLoghubSystem(ROOT, name, ROOT2));
    results = systems.map((s) => evaluateSystem(s, 1));
    byName = new Map(results.map((r) => [r.name, r]));
  });

  it('groups at least 0.99 of lines right on every system but Proxifier, and reads templates as Loghub-2.0 writes them (PA ≥ 0.75)', () => {
    expect(results).toHaveLength(8);
    for (const r of results) if (r.name !== 'Proxifier') expect(r.ga, r.name).toBeGreaterThanOrEqual(0.99);
    const pa = results.reduce((a, r) => a + r.v2!.pa, 0) / results.length;
    expect(pa).toBeGreaterThanOrEqual(0.75);
  });

  it('scores the full-size Proxifier log (21,320 lines) ≥ 0.95, where its 2k sample labels disagree with it', () => {
    expect(listLoghubFull(ROOT2)).toContain('Proxifier');
    const full = readLoghubFull(ROOT2, 'Proxifier');
    const run = parseLines(full.lines);
    expect(parsingScores(run.groups, run.templates, full.templates).ga).toBeGreaterThanOrEqual(0.95);
    // The full labels split "N bytes sent" from "N bytes (1.2 KB) sent" (structure); the 2k labels
    // put all four forms in one template. Following structure, the 2k sample scores about 0.53.
    const closeForms = new Set(full.templates.filter((t) => t.includes(' close, ')));
    expect(closeForms.size).toBe(4);
    const sample = systems.find((s) => s.name === 'Proxifier')!;
    expect(new Set(sample.eventIds.filter((_, i) => sample.lines[i]!.includes(' close, '))).size).toBe(1);
    expect(byName.get('Proxifier')!.ga).toBeGreaterThan(0.5);
  });

  it('makes the same choice when it is made on seven systems and measured on the eighth', () => {
    const folds = leaveOneOut(systems);
    expect(folds).toHaveLength(8);
    const picked = CHOICES.find((c) => c.options.minDistinct === MINER_DEFAULTS.minDistinct && c.options.enumStates === MINER_DEFAULTS.enumStates)!.name;
    expect(folds.filter((f) => f.chosen === picked).length).toBeGreaterThanOrEqual(7);
    for (const f of folds) expect(f.heldOutGa, f.heldOut).toBeCloseTo(f.heldOutGaDefault, 3);
  });

  it('groups the same when consolidating after every few lines as once at the end', () => {
    for (const s of systems) {
      const once = parseLines(s.lines);
      const often = parseLines(s.lines, MINER_DEFAULTS, 50);
      expect(groupingAccuracy(often.groups, s.eventIds), s.name).toBeCloseTo(groupingAccuracy(once.groups, s.eventIds), 2);
    }
  });
});

describe('the Loghub data readers', () => {
  it('say clearly when the data is missing', () => {
    expect(() => listLoghubSystems('/nonexistent/loghub')).toThrow('/nonexistent/loghub: no such folder (the Loghub-2k data; pass its path)');
    expect(listLoghubFull('/nonexistent/loghub-2.0')).toEqual([]);
  });
});
