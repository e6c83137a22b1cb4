import type { Db } from '../db';
import { isHolderGone, newHolderId } from '../jobs/holder';

/**
 * Ingestion batches as leases: a running batch names its holder (host:pid:nonce) and renews its
 * heartbeat; a batch whose holder's process is gone, or whose heartbeat stopped for longer than
 * the lease, died (killed, crashed, the machine went away) and is marked "abandoned" by whoever
 * looks next. Nothing waits on a running batch: readers of stage runs use the store horizon
 * (lib/sql.ts), so a dead ingestion never blocks anything.
 */
export const HEARTBEAT_MS = 10_000;
/** Without a heartbeat for this long a batch on another host is taken for dead. */
export const BATCH_LEASE_MS = 6 * HEARTBEAT_MS;

export type BatchLease = { id: number; holder: string; stop: () => void };

export async function startBatch(db: Db, opts: { source: string; format: string; now: Date }): Promise<BatchLease> {
  const holder = newHolderId();
  const batch = await db.prisma.ingestBatch.create({ data: { source: opts.source, format: opts.format, startedAt: opts.now, status: 'running', holder, heartbeatAt: opts.now } });
  const timer = setInterval(() => {
    db.prisma.ingestBatch.updateMany({ where: { id: batch.id, status: 'running' }, data: { heartbeatAt: new Date() } }).catch(() => undefined);
  }, HEARTBEAT_MS);
  // The heartbeat never keeps a finished CLI process alive.
  timer.unref();
  return { id: batch.id, holder, stop: () => clearInterval(timer) };
}

export type BatchCounts = { accepted: number; duplicates: number; rejected: number; conflicts: number };

export async function finishBatch(db: Db, lease: BatchLease, counts: BatchCounts, finishedAt: Date): Promise<void> {
  lease.stop();
  await db.prisma.ingestBatch.update({ where: { id: lease.id }, data: { ...counts, status: 'finished', finishedAt, heartbeatAt: finishedAt } });
}

/** Records that the batch stopped on an error (its counts say what was stored before). Never throws: the original error matters more. */
export async function failBatch(db: Db, lease: BatchLease, counts: BatchCounts, error: string, finishedAt: Date): Promise<void> {
  lease.stop();
  await db.prisma.ingestBatch.update({ where: { id: lease.id }, data: { ...counts, status: 'failed', error: error.slice(0, 2000), finishedAt } }).catch(() => undefined);
}

/** Marks running batches whose holder is gone, or whose lease ran out, as abandoned; returns how many. */
export async function sweepAbandonedBatches(db: Db, now = new Date()): Promise<number> {
  const running = await db.prisma.ingestBatch.findMany({ where: { status: 'running' }, select: { id: true, holder: true, heartbeatAt: true, startedAt: true } });
  const dead = running.filter((b) => (b.holder !== null && isHolderGone(b.holder)) || now.getTime() - (b.heartbeatAt ?? b.startedAt).getTime() > BATCH_LEASE_MS);
  if (dead.length === 0) return 0;
  const r = await db.prisma.ingestBatch.updateMany({
    where: { id: { in: dead.map((b) => b.id) }, status: 'running' },
    data: { status: 'abandoned', error: 'the ingesting process stopped before it finished (killed or crashed); the runs it stored before are kept' },
  });
  return r.count;
}
