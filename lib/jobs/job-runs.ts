import type { Db } from '../db';
import type { InputJsonObject } from '../generated/sqlite/internal/prismaNamespace';

/**
 * Runs a job and records it (start, end, outcome, its summary) in JobRun, so the dashboard can
 * show the job history. Rethrows the job's error after recording it.
 */
export async function recordJobRun<T extends InputJsonObject>(db: Db, job: string, work: () => Promise<T>, now: () => Date = () => new Date()): Promise<T> {
  const run = await db.prisma.jobRun.create({ data: { job, startedAt: now(), status: 'running' } });
  try {
    const summary = await work();
    await db.prisma.jobRun.update({ where: { id: run.id }, data: { finishedAt: now(), status: 'succeeded', summary } });
    return summary;
  } catch (error) {
    await db.prisma.jobRun.update({ where: { id: run.id }, data: { finishedAt: now(), status: 'failed', summary: { error: errorLine(error) } } });
    throw error;
  }
}

/**
 * An error as one line for logs and the job history: Prisma's messages start with the call site
 * and a code excerpt and end with the cause, which is the line worth keeping.
 */
export function errorLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const lines = message.split('\n').map((l) => l.trim()).filter(Boolean);
  return lines.at(-1) ?? message;
}

export const INTERRUPTED = 'interrupted: the process running it stopped before it finished';

/**
 * Marks the job's runs still "running" as failed (interrupted). Call it only while holding the
 * job's lease: then no other process runs the job, so such a row was left by one that died.
 */
export async function markInterruptedRuns(db: Db, job: string, now: Date): Promise<number> {
  const r = await db.prisma.jobRun.updateMany({ where: { job, status: 'running' }, data: { status: 'failed', finishedAt: now, summary: { error: INTERRUPTED } } });
  return r.count;
}

/** Under the job's lease: clears what a dead run left, then runs and records this one. */
export async function recordLeasedJobRun<T extends InputJsonObject>(db: Db, job: string, work: () => Promise<T>, now: () => Date = () => new Date()): Promise<T> {
  await markInterruptedRuns(db, job, now());
  return recordJobRun(db, job, work, now);
}
