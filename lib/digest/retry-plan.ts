import { backoffDelayMs, RETRY_BACKOFF, type Backoff } from '../jobs/backoff';

/**
 * Where a week's digest stands, from its latest run (pure; the scheduler decides with it and
 * /digests shows it). A week is complete only when a run delivered every message; a run that
 * left messages unsent (partial, failed, or interrupted: its process died) is retried with
 * backoff until `retryUntil`, the deadline fixed when the week's first run started.
 */
export type DigestRunFacts = {
  id: number;
  week: string;
  trigger: string;
  status: string;
  startedAt: Date;
  finishedAt: Date | null;
  nextAttemptAt: Date | null;
  retryUntil: Date | null;
  error: string | null;
};

export type DigestWeekState =
  | { state: 'not-run' }
  | { state: 'complete'; run: DigestRunFacts }
  | { state: 'running'; run: DigestRunFacts }
  | { state: 'retrying'; run: DigestRunFacts; nextAttemptAt: Date; retryUntil: Date; interrupted: boolean }
  | { state: 'gave-up'; run: DigestRunFacts; retryUntil: Date | null };

/** `leaseLive`: a live process holds the digest's lease (so a "running" run really runs). */
export function computeDigestWeekState(latest: DigestRunFacts | null, at: { now: Date; leaseLive: boolean }): DigestWeekState {
  if (!latest) return { state: 'not-run' };
  if (latest.status === 'succeeded') return { state: 'complete', run: latest };
  if (latest.status === 'running' && at.leaseLive) return { state: 'running', run: latest };
  const until = latest.retryUntil;
  if (!until || at.now.getTime() > until.getTime()) return { state: 'gave-up', run: latest, retryUntil: until };
  // A run still "running" without a live lease died: retry it at once.
  if (latest.status === 'running') return { state: 'retrying', run: latest, nextAttemptAt: at.now, retryUntil: until, interrupted: true };
  if (!latest.nextAttemptAt) return { state: 'gave-up', run: latest, retryUntil: until };
  return { state: 'retrying', run: latest, nextAttemptAt: latest.nextAttemptAt, retryUntil: until, interrupted: false };
}

/** True when the scheduler should run the week again now. */
export function isRetryDue(state: DigestWeekState, now: Date): boolean {
  return state.state === 'retrying' && state.nextAttemptAt.getTime() <= now.getTime();
}

/**
 * When to try a week again after its `failures`-th incomplete run in a row ended at `finishedAt`:
 * after the backoff, or null when that would be past the deadline (no attempt starts after it).
 */
export function planNextAttempt(p: { finishedAt: Date; failures: number; retryUntil: Date | null; backoff?: Backoff }): Date | null {
  if (!p.retryUntil) return null;
  const next = p.finishedAt.getTime() + backoffDelayMs(p.failures, p.backoff ?? RETRY_BACKOFF);
  return next <= p.retryUntil.getTime() ? new Date(next) : null;
}
