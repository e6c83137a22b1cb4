import { ratio } from '../format';

/** Per-stage and whole-chain figures of one week against the week before (definitions: README). */
export type StageTotals = { attempts: number; successes: number; failures: number; skips: number; firstAttempts: number; firstSuccesses: number };
export type StageFigures = StageTotals & {
  key: string;
  name: string;
  /** successes / (successes + failures) over all attempts. */
  successRate: number | null;
  /** firstSuccesses / firstAttempts: a stage passed at its first attempt. */
  firstPassRate: number | null;
  previous: StageTotals;
  previousFirstPassRate: number | null;
  /** Change of the first-pass rate vs the previous week (a ratio: 0.01 = one point). */
  firstPassChange: number | null;
};
export type RolloutFact = { id: string; outcome: string; failedRuns: number; manualCount: number };
export type ChainFigures = {
  rollouts: number;
  finished: number;
  succeeded: number;
  failed: number;
  inProgress: number;
  /** End-to-end success: succeeded / finished rollouts (every stage passed, retries allowed); the end-to-end success rate. */
  successRate: number | null;
  previous: { rollouts: number; finished: number; succeeded: number; successRate: number | null; unattendedRate: number | null };
  successRateChange: number | null;
  /** Finished rollouts with no manual intervention, and their share: the unattended rate. */
  unattended: number;
  unattendedRate: number | null;
  /** Rollouts that passed every stage at the first attempt, of the finished ones. */
  firstPassSucceeded: number;
  firstPassYield: number | null;
  /** The product of the stages' first-pass rates: what first-pass yield would be if stages failed independently. */
  stageRateProduct: number | null;
};

const ZERO: StageTotals = { attempts: 0, successes: 0, failures: 0, skips: 0, firstAttempts: 0, firstSuccesses: 0 };
const change = (a: number | null, b: number | null) => (a !== null && b !== null ? a - b : null);

export function computeStageFigures(chain: { key: string; name: string }[], current: Map<string, StageTotals>, previous: Map<string, StageTotals>): StageFigures[] {
  return chain.map(({ key, name }) => {
    const c = current.get(key) ?? ZERO;
    const p = previous.get(key) ?? ZERO;
    const firstPassRate = ratio(c.firstSuccesses, c.firstAttempts);
    const previousFirstPassRate = ratio(p.firstSuccesses, p.firstAttempts);
    return { key, name, ...c, successRate: ratio(c.successes, c.successes + c.failures), firstPassRate, previous: p, previousFirstPassRate, firstPassChange: change(firstPassRate, previousFirstPassRate) };
  });
}

function tally(rollouts: readonly RolloutFact[]) {
  const succeeded = rollouts.filter((r) => r.outcome === 'succeeded');
  const failed = rollouts.filter((r) => r.outcome === 'failed').length;
  const finished = rollouts.filter((r) => r.outcome === 'succeeded' || r.outcome === 'failed');
  return { succeeded: succeeded.length, failed, finished: finished.length, firstPass: succeeded.filter((r) => r.failedRuns === 0).length, unattended: finished.filter((r) => r.manualCount === 0).length };
}

export function computeChainFigures(current: readonly RolloutFact[], previous: readonly RolloutFact[], stages: readonly StageFigures[]): ChainFigures {
  const c = tally(current);
  const p = tally(previous);
  const rated = stages.filter((s) => s.firstPassRate !== null);
  const successRate = ratio(c.succeeded, c.finished);
  const previousRate = ratio(p.succeeded, p.finished);
  return {
    rollouts: current.length,
    finished: c.finished,
    succeeded: c.succeeded,
    failed: c.failed,
    inProgress: current.length - c.finished,
    successRate,
    previous: { rollouts: previous.length, finished: p.finished, succeeded: p.succeeded, successRate: previousRate, unattendedRate: ratio(p.unattended, p.finished) },
    successRateChange: change(successRate, previousRate),
    unattended: c.unattended,
    unattendedRate: ratio(c.unattended, c.finished),
    firstPassSucceeded: c.firstPass,
    firstPassYield: ratio(c.firstPass, c.finished),
    stageRateProduct: rated.length ? rated.reduce((a, s) => a * s.firstPassRate!, 1) : null,
  };
}
