import type { ParsedMail } from 'mailparser';
import type { Db } from '../../lib/db';
import { isHolderGone } from '../../lib/jobs/holder';

/**
 * What the instances soak measured, read from the database and the SMTP server at the end:
 * records stored vs sent, e-mails received vs recorded (digest and alerts), the leases left.
 */
export async function countRecords(db: Db, keys: Set<string>) {
  const rows = await db.prisma.stageRun.findMany({ select: { key: true } });
  const stored = new Set(rows.map((r) => r.key));
  const [rollup, failedRuns, errorEvents] = await Promise.all([
    db.prisma.dailyRollup.aggregate({ _sum: { attempts: true } }),
    db.prisma.stageRun.count({ where: { status: 'failed' } }),
    db.prisma.errorEvent.count(),
  ]);
  return {
    stored: rows.length,
    lost: [...keys].filter((k) => !stored.has(k)).length,
    // The key is unique, so a record stored twice would show as a count past the keys, or in the rollups.
    duplicated: rows.length - stored.size + [...stored].filter((k) => !keys.has(k)).length,
    rollupRuns: rollup._sum.attempts ?? 0,
    failedRuns,
    errorEvents,
  };
}

/** Received e-mails by Message-ID against the rows that say they were sent: each exactly once. */
export async function countMail(db: Db, received: ParsedMail[]) {
  const ids = received.map((m) => m.messageId ?? '');
  const digestRows = await db.prisma.digestMessage.findMany({ select: { week: true, recipient: true, kind: true, status: true, messageId: true } });
  const alertRows = await db.prisma.alertMessage.findMany({ where: { channelKind: 'email' }, select: { status: true } });
  const digestIds = ids.filter((id) => id.startsWith('<digest.'));
  const alertIds = ids.filter((id) => !id.startsWith('<digest.'));
  const keys = new Set(digestRows.map((r) => `${r.week} ${r.recipient} ${r.kind}`));
  const sentIds = new Set(digestRows.filter((r) => r.status === 'sent').map((r) => r.messageId));
  return {
    digest: {
      rows: digestRows.length,
      sentRows: sentIds.size,
      keysTwice: digestRows.length - keys.size,
      received: digestIds.length,
      duplicates: digestIds.length - new Set(digestIds).size,
      missing: [...sentIds].filter((id) => !digestIds.includes(id ?? '')).length,
    },
    alerts: {
      rows: alertRows.length,
      sentRows: alertRows.filter((r) => r.status === 'sent').length,
      received: alertIds.length,
      duplicates: alertIds.length - new Set(alertIds).size,
    },
  };
}

/** The leases at the end: none should be left by a process that is gone and still unexpired (blocking). */
export async function countLeases(db: Db, now = new Date()) {
  const rows = await db.prisma.jobLock.findMany();
  const expired = rows.filter((r) => r.expiresAt <= now);
  const blocking = rows.filter((r) => r.expiresAt > now && isHolderGone(r.holder));
  return { rows: rows.length, expired: expired.length, blocking: blocking.length, names: rows.map((r) => `${r.name} (${r.holder}, ${r.expiresAt > now ? 'unexpired' : 'expired'})`) };
}

/** JobRun rows per job and status, for the cross-check against the schedulers' claims. */
export async function countJobRuns(db: Db) {
  const rows = await db.prisma.jobRun.groupBy({ by: ['job', 'status'], _count: { _all: true } });
  const out = new Map<string, Record<string, number>>();
  for (const r of rows) out.set(r.job, { ...out.get(r.job), [r.status]: r._count._all });
  return out;
}
