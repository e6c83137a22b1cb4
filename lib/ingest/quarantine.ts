import type { Db } from '../db';

/** The quarantine: rejected input lines with where they came from and why, newest batch first. */
export const QUARANTINE_PAGE = 100;

export async function listQuarantine(db: Db, opts: { batchId?: number; page?: number } = {}) {
  const page = Math.max(1, opts.page ?? 1);
  const where = opts.batchId ? { batchId: opts.batchId } : {};
  const [lines, total, batches] = await Promise.all([
    db.prisma.rejectedLine.findMany({ where, orderBy: [{ batchId: 'desc' }, { line: 'asc' }], skip: (page - 1) * QUARANTINE_PAGE, take: QUARANTINE_PAGE }),
    db.prisma.rejectedLine.count({ where }),
    db.prisma.ingestBatch.findMany({ where: { rejected: { gt: 0 } }, orderBy: { startedAt: 'desc' }, take: 50 }),
  ]);
  return { lines, total, page, pageSize: QUARANTINE_PAGE, batches };
}
