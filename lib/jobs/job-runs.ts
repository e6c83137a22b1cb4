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
    await db.prisma.jobRun.update({ where: { id: run.id }, data: { finishedAt: now(), status: 'failed', summary: { error: (error as Error).message } } });
    throw error;
  }
}
