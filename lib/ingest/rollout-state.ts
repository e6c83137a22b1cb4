/** What a rollout's stage runs say about it; the README's "Metric definitions" describe each figure. */
export type RunFacts = {
  stageKey: string;
  attempt: number;
  status: string;
  env: string;
  startedAt: number;
  finishedAt: number | null;
  manual: boolean;
};

export type RolloutState = {
  startedAt: number;
  finishedAt: number;
  env: 'test' | 'prerelease' | 'online';
  outcome: 'succeeded' | 'failed' | 'in_progress';
  manualCount: number;
  stageRuns: number;
  failedRuns: number;
  /** Distinct stages run (not skipped): the length of the chain the rollout ran. */
  steps: number;
};

const ENV_RANK: Record<string, number> = { test: 0, prerelease: 1, online: 2 };
const ENVS = ['test', 'prerelease', 'online'] as const;

/**
 * A rollout's state from all its stage runs: `failed` when the latest attempt of any stage failed,
 * `succeeded` when none did and the chain's last stage succeeded or was skipped, else `in_progress`.
 * Its environment is the furthest one it reached (online > prerelease > test).
 */
export function computeRolloutState(runs: readonly RunFacts[], lastStage: string): RolloutState {
  const latest = new Map<string, RunFacts>();
  let startedAt = Infinity;
  let finishedAt = -Infinity;
  let envRank = 0;
  let manualCount = 0;
  let failedRuns = 0;
  for (const run of runs) {
    const seen = latest.get(run.stageKey);
    if (!seen || run.attempt > seen.attempt) latest.set(run.stageKey, run);
    startedAt = Math.min(startedAt, run.startedAt);
    finishedAt = Math.max(finishedAt, run.finishedAt ?? run.startedAt);
    envRank = Math.max(envRank, ENV_RANK[run.env] ?? 0);
    if (run.manual) manualCount += 1;
    if (run.status === 'failed') failedRuns += 1;
  }
  let steps = 0;
  for (const r of latest.values()) if (r.status !== 'skipped') steps += 1;
  let outcome: RolloutState['outcome'] = 'in_progress';
  if ([...latest.values()].some((r) => r.status === 'failed')) outcome = 'failed';
  else if (latest.has(lastStage)) outcome = 'succeeded';
  return { startedAt, finishedAt, env: ENVS[envRank]!, outcome, manualCount, stageRuns: runs.length, failedRuns, steps };
}
