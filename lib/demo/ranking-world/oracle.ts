/**
 * The oracle: which K causes, fixed together, would have saved the most rollouts of the week.
 * Gains are exact for the simulated world (common random numbers), so the search is over sets of
 * causes only: exhaustive over a candidate pool, and greedy then 1-swap local search over all.
 */
export type Counterfactual = {
  causes: number;
  /** Successes of the week with the causes in the two-word mask removed. */
  successesWithMask: (lo: number, hi: number) => number;
};

export type FixSet = { causes: number[]; /** Rollouts saved. */ saved: number };
export type OracleResult = FixSet & {
  k: number;
  foundBy: 'exhaustive' | 'local search' | 'both';
  exhaustive: FixSet;
  greedy: FixSet;
  local: FixSet;
  /** The candidate pool of the exhaustive search, best first. */
  pool: number[];
  /** Fix sets evaluated. */
  evaluated: number;
};

/** Candidates for the exhaustive search: enough to hold every cause that matters in a week of this size. */
export const POOL_SIZE = 16;

const bitOf = (c: number): [number, number] => (c < 32 ? [(1 << c) >>> 0, 0] : [0, (1 << (c - 32)) >>> 0]);

class Search {
  evaluated = 0;
  readonly baseline: number;
  constructor(readonly world: Counterfactual) {
    this.baseline = world.successesWithMask(0, 0);
  }

  saved(set: readonly number[]): number {
    let lo = 0;
    let hi = 0;
    for (const c of set) {
      const [l, h] = bitOf(c);
      lo |= l;
      hi |= h;
    }
    this.evaluated++;
    return this.world.successesWithMask(lo >>> 0, hi >>> 0) - this.baseline;
  }

  /** Causes by max(gain alone, gain lost when it alone stays while every other cause is fixed). */
  rankCandidates(): number[] {
    const all = Array.from({ length: this.world.causes }, (_, c) => c);
    const everything = this.saved(all);
    const score = all.map((c) => Math.max(this.saved([c]), everything - this.saved(all.filter((o) => o !== c))));
    return all.sort((a, b) => score[b]! - score[a]! || a - b);
  }

  exhaustive(pool: readonly number[], k: number): FixSet {
    let best: FixSet = { causes: [], saved: -1 };
    const chosen: number[] = [];
    const visit = (from: number) => {
      if (chosen.length === Math.min(k, pool.length)) {
        const saved = this.saved(chosen);
        if (saved > best.saved) best = { causes: [...chosen], saved };
        return;
      }
      for (let i = from; i < pool.length; i++) {
        chosen.push(pool[i]!);
        visit(i + 1);
        chosen.pop();
      }
    };
    visit(0);
    return best;
  }

  greedy(k: number): FixSet {
    const set: number[] = [];
    let saved = 0;
    for (let step = 0; step < Math.min(k, this.world.causes); step++) {
      let pick = -1;
      let pickSaved = -1;
      for (let c = 0; c < this.world.causes; c++) {
        if (set.includes(c)) continue;
        const s = this.saved([...set, c]);
        if (s > pickSaved) [pick, pickSaved] = [c, s];
      }
      set.push(pick);
      saved = pickSaved;
    }
    return { causes: set, saved };
  }

  /** Best-improvement 1-swap moves until none improves. */
  localSearch(start: FixSet): FixSet {
    let current = { causes: [...start.causes], saved: start.saved };
    for (;;) {
      let best = current;
      for (let i = 0; i < current.causes.length; i++) {
        for (let c = 0; c < this.world.causes; c++) {
          if (current.causes.includes(c)) continue;
          const causes = current.causes.map((x, j) => (j === i ? c : x));
          const saved = this.saved(causes);
          if (saved > best.saved) best = { causes, saved };
        }
      }
      if (best === current) return current;
      current = best;
    }
  }
}

/** The best fix set of `k` causes found by both searches, and which one found it. */
export function findBestFixSet(world: Counterfactual, k: number, poolSize = POOL_SIZE): OracleResult {
  const search = new Search(world);
  const pool = search.rankCandidates().slice(0, poolSize);
  const exhaustive = search.exhaustive(pool, k);
  const greedy = search.greedy(k);
  const local = search.localSearch(greedy);
  const best = local.saved > exhaustive.saved ? local : exhaustive;
  const foundBy = local.saved === exhaustive.saved ? 'both' : local.saved > exhaustive.saved ? 'local search' : 'exhaustive';
  const sorted = (s: FixSet): FixSet => ({ causes: [...s.causes].sort((a, b) => a - b), saved: s.saved });
  return {
    k, ...sorted(best), foundBy, exhaustive: sorted(exhaustive), greedy: sorted(greedy), local: sorted(local), pool,
    evaluated: search.evaluated,
  };
}
