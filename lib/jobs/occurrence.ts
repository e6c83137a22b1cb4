import type { Db } from '../db';
import { INTERRUPTED } from './job-runs';
import { isLockHeld, withLock } from './lock';

/**
 * Each scheduled occurrence of a job runs once, also with several schedulers on one database.
 * They all tick the same minute; the job's own lease keeps two from running it at the same time,
 * but not one after the other (the second takes the lease the first just released). So a
 * scheduler claims the occurrence under a second lease, `scheduler:<job>`, and runs it only when
 * no run of the job has started since the occurrence was due: the scheduler's jobs read the state
 * at their start (the inbox, the rules, the figures), so a run started since then covers it.
 * A run left "running" by a process that died does not count: its occurrence is run again.
 */
export type OccurrenceOutcome<T> = { status: 'ran'; result: T } | { status: 'served' } | { status: 'busy' };

/** `retry`: a scheduler retrying its own failed run; only a run that succeeded since makes it needless. */
export type OccurrenceClaim = { job: string; scheduledAt: Date; retry: boolean };

/** The lease a scheduler holds while it decides on and runs an occurrence of `job`. */
export const occurrenceLease = (job: string) => `scheduler:${job}`;

// A run that failed has its retry planned by the scheduler that ran it; more than this many runs
// since one occurrence (retries every few minutes until the next) is never reached by a real schedule.
const RUNS_LOOKED_AT = 50;

const errorOf = (summary: unknown) => (summary && typeof summary === 'object' && 'error' in summary ? summary.error : null);

/** Whether a run of the job since the occurrence makes running it now needless. Call it under occurrenceLease. */
export async function isOccurrenceServed(db: Db, claim: OccurrenceClaim): Promise<boolean> {
  const runs = await db.prisma.jobRun.findMany({
    where: { job: claim.job, startedAt: { gte: claim.scheduledAt } },
    orderBy: { startedAt: 'desc' },
    take: RUNS_LOOKED_AT,
    select: { status: true, summary: true },
  });
  if (runs.some((r) => r.status === 'succeeded')) return true;
  if (claim.retry) return false;
  if (runs.some((r) => r.status === 'failed' && errorOf(r.summary) !== INTERRUPTED)) return true;
  // Still "running": really so only while a live holder has the job's lease (a CLI run, say).
  return runs.some((r) => r.status === 'running') && (await isLockHeld(db, claim.job));
}

/**
 * Runs the occurrence unless another scheduler did (`served`) or is deciding on it or running
 * it now (`busy`: look again in a minute; if its holder died, the lease expires and this one
 * takes the occurrence over).
 */
export async function runOccurrence<T>(db: Db, claim: OccurrenceClaim, run: () => Promise<T>): Promise<OccurrenceOutcome<T>> {
  const ran = await withLock(db, occurrenceLease(claim.job), async (): Promise<OccurrenceOutcome<T>> => {
    if (await isOccurrenceServed(db, claim)) return { status: 'served' };
    return { status: 'ran', result: await run() };
  });
  return ran ? ran.result : { status: 'busy' };
}

/** Runs `work` under the job's occurrence lease (digest retries and catch-up decide under it); null when another scheduler has it. */
export async function underOccurrenceLease<T>(db: Db, job: string, work: () => Promise<T>): Promise<T | null> {
  const ran = await withLock(db, occurrenceLease(job), work);
  return ran ? ran.result : null;
}
