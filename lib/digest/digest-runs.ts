import type { Db } from '../db';
import { INTERRUPTED } from '../jobs/job-runs';
import { isLockHeld } from '../jobs/lock';
import type { Backoff } from '../jobs/backoff';
import { computeDigestWeekState, isRetryDue, planNextAttempt, type DigestRunFacts, type DigestWeekState } from './retry-plan';

/**
 * The DigestRun rows: one per attempt at a week's digest, with the retry plan (nextAttemptAt,
 * retryUntil) kept in the database so that it survives a scheduler restart.
 */
export const DIGEST_LOCK = 'weekly-digest';

const FACTS = { id: true, week: true, trigger: true, status: true, startedAt: true, finishedAt: true, nextAttemptAt: true, retryUntil: true, error: true } as const;

/**
 * Marks runs left "running" as interrupted, due for a retry at once (within their deadline).
 * Only while holding the digest's lease: then no other process runs a digest.
 */
export async function markInterruptedDigestRuns(db: Db, now: Date): Promise<void> {
  await db.prisma.digestRun.updateMany({ where: { status: 'running' }, data: { status: 'failed', finishedAt: now, error: INTERRUPTED, nextAttemptAt: now } });
}

/** The incomplete runs of the week since its last complete one, counting the run `runId` itself. */
async function failuresInARow(db: Db, week: string, runId: number): Promise<number> {
  const done = await db.prisma.digestRun.findFirst({ where: { week, status: 'succeeded' }, orderBy: { id: 'desc' }, select: { id: true } });
  const earlier = await db.prisma.digestRun.count({ where: { week, id: { gt: done?.id ?? 0, lt: runId }, status: { in: ['failed', 'partial'] } } });
  return earlier + 1;
}

/** Records how a run ended; an incomplete one gets its next attempt (backoff, within the deadline). */
export async function finishDigestRun(db: Db, run: { id: number; week: string; retryUntil: Date | null }, end: { status: string; finishedAt: Date; sent?: number; failed?: number; skipped?: number; error?: string; backoff?: Backoff }): Promise<Date | null> {
  const next = end.status === 'succeeded' ? null : planNextAttempt({ finishedAt: end.finishedAt, failures: await failuresInARow(db, run.week, run.id), retryUntil: run.retryUntil, backoff: end.backoff });
  await db.prisma.digestRun.update({
    where: { id: run.id },
    data: { status: end.status, finishedAt: end.finishedAt, sent: end.sent, failed: end.failed, skipped: end.skipped, error: end.error ?? null, nextAttemptAt: next },
  });
  return next;
}

async function latestRunOf(db: Db, week: string): Promise<DigestRunFacts | null> {
  return db.prisma.digestRun.findFirst({ where: { week }, orderBy: { id: 'desc' }, select: FACTS });
}

/** Where the week's digest stands now (see computeDigestWeekState). */
export async function getDigestWeekState(db: Db, week: string, now: Date = new Date()): Promise<DigestWeekState> {
  const latest = await latestRunOf(db, week);
  const leaseLive = latest?.status === 'running' ? await isLockHeld(db, DIGEST_LOCK) : false;
  return computeDigestWeekState(latest, { now, leaseLive });
}

/** The weeks whose digest is due for a retry now, oldest deadline first. */
export async function findDueDigestRetries(db: Db, now: Date): Promise<{ week: string; retryUntil: Date; interrupted: boolean }[]> {
  const open = await db.prisma.digestRun.findMany({ where: { retryUntil: { gte: now } }, distinct: ['week'], select: { week: true } });
  const due: { week: string; retryUntil: Date; interrupted: boolean }[] = [];
  for (const { week } of open) {
    const state = await getDigestWeekState(db, week, now);
    if (state.state === 'retrying' && isRetryDue(state, now)) due.push({ week, retryUntil: state.retryUntil, interrupted: state.interrupted });
  }
  return due.sort((a, b) => a.retryUntil.getTime() - b.retryUntil.getTime());
}

/** True when the week's digest has been attempted at all (any run, whatever its outcome). */
export async function hasDigestRun(db: Db, week: string): Promise<boolean> {
  return (await db.prisma.digestRun.count({ where: { week } })) > 0;
}
