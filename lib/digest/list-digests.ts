import type { Db } from '../db';
import { getDigestWeekState } from './digest-runs';
import type { DigestWeekState } from './retry-plan';

/** What the dashboard shows of the digests: messages per week with their delivery, and the job history. */
export type DigestMessageRow = { id: number; week: string; kind: string; recipient: string; subject: string; status: string; attempts: number; lastError: string | null; sentAt: Date | null; outboxPath: string | null };
export type JobRunRow = { id: number; job: string; startedAt: Date; finishedAt: Date | null; status: string; summary: string };

export async function listDigestMessages(db: Db, opts: { week?: string; take?: number } = {}): Promise<{ weeks: string[]; messages: DigestMessageRow[] }> {
  // A week whose run failed before recording any message is listed too: its status says why.
  const [withMessages, withRuns] = await Promise.all([
    db.prisma.digestMessage.findMany({ distinct: ['week'], select: { week: true } }),
    db.prisma.digestRun.findMany({ distinct: ['week'], select: { week: true } }),
  ]);
  const weeks = [...new Set([...withMessages, ...withRuns].map((w) => w.week))].sort().reverse();
  const week = opts.week ?? weeks[0];
  const messages = week
    ? await db.prisma.digestMessage.findMany({
        where: { week },
        orderBy: [{ kind: 'asc' }, { recipient: 'asc' }],
        take: opts.take ?? 500,
        select: { id: true, week: true, kind: true, recipient: true, subject: true, status: true, attempts: true, lastError: true, sentAt: true, outboxPath: true },
      })
    : [];
  return { weeks, messages };
}

export async function getDigestMessage(db: Db, id: number) {
  return db.prisma.digestMessage.findUnique({ where: { id } });
}

function summarize(summary: unknown): string {
  if (!summary || typeof summary !== 'object') return '';
  const s = summary as Record<string, unknown>;
  if (typeof s.error === 'string') return s.error;
  return Object.entries(s)
    .filter(([, v]) => typeof v === 'number' || typeof v === 'string')
    .map(([k, v]) => `${k} ${String(v)}`)
    .join(', ');
}

export async function listJobRuns(db: Db, take = 30): Promise<JobRunRow[]> {
  const runs = await db.prisma.jobRun.findMany({ orderBy: { startedAt: 'desc' }, take });
  return runs.map((r) => ({ id: r.id, job: r.job, startedAt: r.startedAt, finishedAt: r.finishedAt, status: r.status, summary: summarize(r.summary) }));
}

/** Whether a week's digest is complete, what is still unsent, and when the scheduler tries again. */
export type DigestWeekSummary = {
  week: string;
  state: DigestWeekState['state'];
  /** The latest run's process died before it finished (retried at once). */
  interrupted: boolean;
  /** `outbox`: of the `sent`, those written to the outbox folder (no SMTP server configured), not mailed. */
  counts: { total: number; sent: number; outbox: number; failed: number; pending: number };
  runs: number;
  lastRun: { trigger: string; status: string; startedAt: Date; finishedAt: Date | null; error: string | null } | null;
  nextAttemptAt: Date | null;
  retryUntil: Date | null;
};

export async function getDigestWeekSummary(db: Db, week: string, now: Date = new Date()): Promise<DigestWeekSummary> {
  const [state, byStatus, runs, outbox] = await Promise.all([
    getDigestWeekState(db, week, now),
    db.prisma.digestMessage.groupBy({ by: ['status'], where: { week }, _count: { _all: true } }),
    db.prisma.digestRun.count({ where: { week } }),
    db.prisma.digestMessage.count({ where: { week, status: 'sent', outboxPath: { not: null } } }),
  ]);
  const count = (status: string) => byStatus.find((b) => b.status === status)?._count._all ?? 0;
  const total = byStatus.reduce((n, b) => n + b._count._all, 0);
  const counts = { sent: count('sent'), outbox, failed: count('failed'), pending: count('pending'), total };
  const run = state.state === 'not-run' ? null : state.run;
  return {
    week,
    state: state.state,
    interrupted: state.state === 'retrying' && state.interrupted,
    counts,
    runs,
    lastRun: run && { trigger: run.trigger, status: run.status, startedAt: run.startedAt, finishedAt: run.finishedAt, error: run.error },
    nextAttemptAt: state.state === 'retrying' ? state.nextAttemptAt : null,
    retryUntil: state.state === 'retrying' || state.state === 'gave-up' ? state.retryUntil : run?.retryUntil ?? null,
  };
}

/**
 * What happened to a message, in words that do not overstate it: a message the outbox mailer wrote
 * to a file (no SMTP server configured) was "written to outbox", not "sent".
 */
export function formatDeliveryStatus(m: { status: string; outboxPath: string | null }): string {
  return m.status === 'sent' && m.outboxPath !== null ? 'written to outbox' : m.status;
}

/** "17 sent", "17 written to outbox" or "12 sent, 5 written to outbox". */
export function formatDelivered(counts: { sent: number; outbox: number }): string {
  const mailed = counts.sent - counts.outbox;
  const parts = [mailed > 0 || counts.outbox === 0 ? `${mailed} sent` : '', counts.outbox > 0 ? `${counts.outbox} written to outbox` : ''];
  return parts.filter(Boolean).join(', ');
}
