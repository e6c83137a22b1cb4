import type { Db } from '../db';

/** The quarantine: rejected input lines with where they came from and why, newest batch first. */
export const QUARANTINE_PAGE = 100;
const BATCHES_SHOWN = 50;

/**
 * One page of rejected lines (all inputs, or one batch) with the inputs that have any, and the
 * ingestions that did not finish: stopped by a database error, abandoned by a process that died,
 * or still running.
 */
export async function listQuarantine(db: Db, opts: { batchId?: number; page?: number } = {}) {
  const page = Math.max(1, opts.page ?? 1);
  const where = opts.batchId ? { batchId: opts.batchId } : {};
  const [lines, total, batches, unfinished, selected] = await Promise.all([
    db.prisma.rejectedLine.findMany({
      where,
      orderBy: [{ batchId: 'desc' }, { line: 'asc' }],
      skip: (page - 1) * QUARANTINE_PAGE,
      take: QUARANTINE_PAGE,
      // Not the original bytes: the page shows the text copy.
      select: { id: true, batchId: true, source: true, line: true, kind: true, field: true, reason: true, raw: true },
    }),
    db.prisma.rejectedLine.count({ where }),
    db.prisma.ingestBatch.findMany({ where: { rejected: { gt: 0 } }, orderBy: { startedAt: 'desc' }, take: BATCHES_SHOWN }),
    db.prisma.ingestBatch.findMany({ where: { status: { not: 'finished' } }, orderBy: { startedAt: 'desc' }, take: BATCHES_SHOWN }),
    // The chosen input, even when it is older than the batches listed.
    opts.batchId ? db.prisma.ingestBatch.findUnique({ where: { id: opts.batchId } }) : null,
  ]);
  return { lines, total, page, pageSize: QUARANTINE_PAGE, batches, unfinished, selected };
}
