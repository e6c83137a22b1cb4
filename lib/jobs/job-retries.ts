import type { Db } from '../db';
import { backoffDelayMs, type Backoff } from './backoff';
import { isLockHeld } from './lock';

/**
 * The scheduler's retry state of a scheduled job that failed: how many failures in a row, when
 * the next attempt is, and which scheduled occurrence it retries. Kept in memory while the
 * scheduler runs, and rebuilt at start from JobRun, so a restart does not forget a failed job.
 */
export type JobRetry = {
  failures: number;
  nextAt: number;
  scheduledAt: number;
  /** Not a failure of ours: another scheduler had the occurrence; look whether it finished (or died). */
  takeover?: boolean;
};

/** The retry after one more failure of the attempt at `scheduledAt`. */
export function nextRetry(prev: JobRetry | undefined, failedAt: number, scheduledAt: number, backoff: Backoff): JobRetry {
  const failures = (prev?.failures ?? 0) + 1;
  return { failures, nextAt: failedAt + backoffDelayMs(failures, backoff), scheduledAt };
}

// How far back the failures in a row of a job are counted at start.
const HISTORY = 50;

/**
 * The retry a job needs after a restart: its runs since the occurrence `scheduledAt` ended in
 * failure (or were interrupted: "running" without a live lease) and none has succeeded since.
 */
export async function loadJobRetry(db: Db, job: string, scheduledAt: Date, backoff: Backoff): Promise<JobRetry | null> {
  const runs = await db.prisma.jobRun.findMany({ where: { job, startedAt: { gte: scheduledAt } }, orderBy: { startedAt: 'desc' }, take: HISTORY });
  const latest = runs[0];
  if (!latest || latest.status === 'succeeded') return null;
  if (latest.status === 'running' && (await isLockHeld(db, job))) return null;
  const failures = runs.findIndex((r) => r.status === 'succeeded');
  const count = failures === -1 ? runs.length : failures;
  const failedAt = (latest.finishedAt ?? latest.startedAt).getTime();
  return { failures: count, nextAt: failedAt + backoffDelayMs(count, backoff), scheduledAt: scheduledAt.getTime() };
}
