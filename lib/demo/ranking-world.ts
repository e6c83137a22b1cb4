import { designWorld, type WorldDesign } from './ranking-world/design';
import { findBestFixSet, type OracleResult } from './ranking-world/oracle';
import { generateRuns, rolloutRuns, type SimulatedRun } from './ranking-world/records';
import { buildFireEntries, drawRollouts, markFailures, maskOf, type Sim } from './ranking-world/simulate';
import type { IngestRecordInput } from '../ingest/record';

/**
 * A simulated week of rollouts through the production chain with failure causes of known
 * counterfactual worth (issue #15, part 3): the benchmark the product's class ranking is held
 * against. Design: ranking-world/design.ts (services, causes, calibration); draws are keyed
 * (ranking-world/draws.ts), so the week re-simulates exactly with any causes removed.
 */
export type RankingWorld = Sim & {
  /** Successes of the full week. */
  baseline: number;
  /** Scratch for success counts (one byte per rollout). */
  failed: Uint8Array;
};

export type { WorldDesign, SimulatedRun, OracleResult };
export type { WorldCause, CauseRole } from './ranking-world/causes';
export { MESSAGE_FAMILIES } from './ranking-world/design';

export const DEFAULT_ROLLOUTS = 8000;

/** Builds the world of `seed` and precomputes which causes fire on which attempts of its `rollouts` rollouts. */
export function buildRankingWorld(opts: { seed: number; rollouts?: number; week?: string }): RankingWorld {
  const design = designWorld(opts.seed, { week: opts.week });
  const rollouts = drawRollouts(design, opts.rollouts ?? DEFAULT_ROLLOUTS);
  const entries = buildFireEntries({ design, rollouts });
  const failed = new Uint8Array(rollouts.count);
  const world = { design, rollouts, entries, failed, baseline: 0 };
  world.baseline = successesWithMask(world, 0, 0);
  return world;
}

function successesWithMask(world: Omit<RankingWorld, 'baseline'>, lo: number, hi: number): number {
  world.failed.fill(0);
  return world.rollouts.count - markFailures(world.entries, world.failed, lo, hi);
}

/** Rollouts that succeed with the causes in `removed` fixed (about a millisecond for 8,000 rollouts). */
export function successWith(world: RankingWorld, removed: Iterable<number>): number {
  const [lo, hi] = maskOf(removed);
  return successesWithMask(world, lo, hi);
}

/** Per rollout, 1 when it succeeds with the causes in `removed` fixed. */
export function outcomesWith(world: RankingWorld, removed: Iterable<number>): Uint8Array {
  const [lo, hi] = maskOf(removed);
  successesWithMask(world, lo, hi);
  return world.failed.map((f) => 1 - f);
}

/** The true gain of fixing `removed`: points of end-to-end success over the week's finished rollouts. */
export function gainOf(world: RankingWorld, removed: Iterable<number>): number {
  return ((successWith(world, removed) - world.baseline) / world.rollouts.count) * 100;
}

/** The oracle's best fix set of `k` causes (exhaustive over a candidate pool, and greedy + 1-swap). */
export function findOracleFixSet(world: RankingWorld, k: number): OracleResult {
  return findBestFixSet({ causes: world.design.causes.length, successesWithMask: (lo, hi) => successesWithMask(world, lo, hi) }, k);
}

/** The week's records (causes in `removed` taken out) and, keyed by StageRun key, the cause behind each failed attempt. */
export type SimulatedWeek = { records: IngestRecordInput[]; truth: Map<string, number>; runs: SimulatedRun[] };

export function simulateWeek(world: RankingWorld, removed: Iterable<number> = []): SimulatedWeek {
  const runs = [...generateRuns(world, removed)];
  const truth = new Map<string, number>();
  for (const run of runs) if (run.cause !== null) truth.set(run.key, run.cause);
  return { records: runs.map((r) => r.record), truth, runs };
}

export { generateRuns, rolloutRuns };

/** One line per cause: its role, kind, stages and probabilities, and its cohort. */
export function describeCause(world: RankingWorld, id: number): string {
  const c = world.design.causes[id]!;
  const sites = c.sites.map((s) => `${world.design.stages[s.stage]} ${(s.p * 100).toFixed(1)}%`).join(', ');
  const cohort = c.cohort === null ? '' : ` for ${world.design.cohorts[c.cohort]!.label}`;
  return `${c.name} (${c.role}, ${c.persistent ? 'persistent' : 'transient'}: ${sites}${cohort})`;
}
