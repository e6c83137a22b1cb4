import type { Db } from '../db';

/** What the dashboard shows of the digests: messages per week with their delivery, and the job history. */
export type DigestMessageRow = { id: number; week: string; kind: string; recipient: string; subject: string; status: string; attempts: number; lastError: string | null; sentAt: Date | null; outboxPath: string | null };
export type JobRunRow = { id: number; job: string; startedAt: Date; finishedAt: Date | null; status: string; summary: string };

export async function listDigestMessages(db: Db, opts: { week?: string; take?: number } = {}): Promise<{ weeks: string[]; messages: DigestMessageRow[] }> {
  const weeks = (await db.prisma.digestMessage.findMany({ distinct: ['week'], select: { week: true }, orderBy: { week: 'desc' } })).map((w) => w.week);
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
