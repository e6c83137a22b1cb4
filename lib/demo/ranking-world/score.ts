import type { OracleResult } from './oracle';

/**
 * Scoring the product's class ranking against the world's truth: each class stands for the
 * majority cause of its events; fixing the causes of the first K classes (in some order) gains
 * what the world says it gains. Pure: the gains come from the `gain` function passed in.
 */
export type RankedClassRow = { classId: number; rank: number; failures: number; upliftRollouts: number; impact?: { expectedGain: number; withAbove: number | null } | null };
export type ClassCause = {
  classId: number;
  cause: number;
  events: number;
  /** Events of the majority cause. */
  majority: number;
  /** Distinct causes among its events. */
  causes: number;
  impure: boolean;
};
export type PickScore = {
  classes: number[];
  /** The distinct causes of those classes: the fix set. */
  causes: number[];
  gain: number;
  ratio: number;
  /** Classes of the K that repeat a cause already picked. */
  duplicates: number;
};
type OracleSummary = { gain: number; causes: number[]; foundBy: OracleResult['foundBy']; greedyGain: number; exhaustiveGain: number; localGain: number; evaluated: number };
export type KScore = {
  k: number;
  product: PickScore;
  failures: PickScore;
  uplift: PickScore;
  oracle: OracleSummary;
};

/** A class is impure when causes other than its majority hold more than this share of its events. */
export const IMPURE_SHARE = 0.1;

/** Each class's majority cause (ties: the lower cause id) from its events' StageRun keys. */
export function mapClassesToCauses(
  events: readonly { classId: number; key: string }[],
  truth: ReadonlyMap<string, number>,
): Map<number, ClassCause> {
  const counts = new Map<number, Map<number, number>>();
  for (const e of events) {
    const cause = truth.get(e.key);
    if (cause === undefined) throw new Error(`error event ${e.key} is not a failed attempt of the simulated week`);
    const byCause = counts.get(e.classId) ?? new Map<number, number>();
    byCause.set(cause, (byCause.get(cause) ?? 0) + 1);
    counts.set(e.classId, byCause);
  }
  const out = new Map<number, ClassCause>();
  for (const [classId, byCause] of counts) {
    const [cause, majority] = [...byCause].sort((a, b) => b[1] - a[1] || a[0] - b[0])[0]!;
    const events = [...byCause.values()].reduce((a, b) => a + b, 0);
    out.set(classId, { classId, cause, events, majority, causes: byCause.size, impure: (events - majority) / events > IMPURE_SHARE });
  }
  return out;
}

export const ORDERS = {
  product: (a: RankedClassRow, b: RankedClassRow) => a.rank - b.rank,
  failures: (a: RankedClassRow, b: RankedClassRow) => b.failures - a.failures || a.rank - b.rank,
  uplift: (a: RankedClassRow, b: RankedClassRow) => b.upliftRollouts - a.upliftRollouts || b.failures - a.failures || a.rank - b.rank,
} as const;

type ScoreInput = {
  classes: readonly RankedClassRow[];
  mapping: ReadonlyMap<number, ClassCause>;
  oracle: OracleResult;
  /** The true gain in points of fixing a set of causes. */
  gain: (causes: number[]) => number;
  /** Rollouts saved as points of end-to-end success. */
  points: (saved: number) => number;
};

function pick(sorted: readonly RankedClassRow[], k: number, input: ScoreInput, oracleGain: number): PickScore {
  const { mapping, gain } = input;
  const classes = sorted.slice(0, k).map((c) => c.classId);
  const causes = [...new Set(classes.map((id) => mapping.get(id)?.cause).filter((c): c is number => c !== undefined))];
  const value = gain(causes);
  return { classes, causes, gain: value, ratio: oracleGain > 0 ? value / oracleGain : 1, duplicates: classes.length - causes.length };
}

/** The gains at K of the product's order, of the order by failures and by observed uplift, next to the oracle's. */
export function scoreAtK(input: ScoreInput): KScore {
  const { classes, oracle, points } = input;
  const k = oracle.k;
  const best = points(oracle.saved);
  const by = (order: keyof typeof ORDERS) => pick([...classes].sort(ORDERS[order]), k, input, best);
  return {
    k,
    product: by('product'),
    failures: by('failures'),
    uplift: by('uplift'),
    oracle: {
      gain: best, causes: oracle.causes, foundBy: oracle.foundBy, greedyGain: points(oracle.greedy.saved),
      exhaustiveGain: points(oracle.exhaustive.saved), localGain: points(oracle.local.saved), evaluated: oracle.evaluated,
    },
  };
}
