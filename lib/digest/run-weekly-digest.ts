import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { getAdmissionOutcomes } from '../admission/outcomes';
import type { Db } from '../db';
import type { Settings } from '../env';
import type { Backoff } from '../jobs/backoff';
import { errorLine, recordLeasedJobRun } from '../jobs/job-runs';
import { withLock, type Lease, type LeaseOptions } from '../jobs/lock';
import type { Mailer } from '../mail/mailer';
import { classifyAndRank } from '../rank/classify-and-rank';
import { weekJustEnding } from '../time/iso-week';
import { renderHtml, renderText } from './blocks';
import { buildDigest, type DigestDraft, type DigestInput } from './build-digest';
import { deliverDigest, type DeliveryResult, type RetryPolicy } from './deliver';
import { DIGEST_LOCK, finishDigestRun, markInterruptedDigestRuns } from './digest-runs';

export type DigestSettings = Pick<Settings, 'timeZone' | 'categoriesFile' | 'routingFile' | 'mailFrom' | 'baseUrl' | 'managerEmails' | 'targets' | 'outboxDir'>;
export type DigestOutcome =
  | { status: 'locked'; week: string }
  | { status: 'dry-run'; week: string; drafts: { kind: string; recipient: string; subject: string; preview: string }[] }
  | { status: 'sent'; week: string; runId: number; delivery: DeliveryResult; complete: boolean; nextAttemptAt: Date | null };

export { DIGEST_LOCK };
// A run started by hand (or by a caller that sets no deadline) is retried for this long.
export const DEFAULT_RETRY_WINDOW_MS = 24 * 60 * 60 * 1000;

/** Everything the e-mails are built from: the week's ranking, who owns what, open violations. */
/** `send`: the ranking goes out in this digest, so it is kept as reported (a retry uses the same ranking). */
async function gatherDigestInput(db: Db, settings: DigestSettings, week: string, now: Date, send: boolean): Promise<DigestInput> {
  const { ranking } = await classifyAndRank({ db, settings, week, now, freeze: send });
  const [owners, stages, violations, outcomes] = await Promise.all([
    db.prisma.owner.findMany({ orderBy: { id: 'asc' } }),
    db.prisma.stage.findMany({ orderBy: { position: 'asc' }, select: { key: true, name: true, ownerId: true } }),
    db.prisma.admissionViolation.findMany({ where: { status: { in: ['open', 'acknowledged'] }, rule: { active: true } }, include: { rule: true }, orderBy: { lastSeen: 'desc' } }),
    getAdmissionOutcomes(db, { week }),
  ]);
  return {
    ranking,
    owners,
    stages,
    violations: violations.map((v) => ({ ruleId: v.ruleId, title: v.rule.title, subject: `${v.subjectType} ${v.subjectId}${v.status === 'acknowledged' ? ' (acknowledged)' : ''}`, severity: v.rule.severity, ownerId: v.rule.ownerId, lastSeen: v.lastSeen })),
    admission: outcomes.rules,
    managers: settings.managerEmails,
    baseUrl: settings.baseUrl,
    targets: settings.targets,
  };
}

async function writePreviews(dir: string, drafts: DigestDraft[]): Promise<string[]> {
  await mkdir(dir, { recursive: true });
  return Promise.all(
    drafts.map(async (d) => {
      const base = path.join(dir, `${d.kind}-${d.recipient.replace(/[^a-z0-9@.-]+/gi, '_')}`);
      await writeFile(`${base}.html`, renderHtml(d.email));
      await writeFile(`${base}.txt`, renderText(d.email));
      return `${base}.html`;
    }),
  );
}

export type DigestDeps = {
  db: Db;
  mailer: Mailer;
  settings: DigestSettings;
  now?: Date;
  week?: string;
  trigger?: 'schedule' | 'catch-up' | 'retry' | 'manual';
  dryRun?: boolean;
  redirectTo?: string;
  /** Attempts per message within this run (see deliverDigest). */
  retry?: RetryPolicy;
  /** No retry of this week's unsent messages starts after this (default: 24 h after this run starts). */
  retryUntil?: Date;
  /** Pauses between incomplete runs of the week (default: RETRY_BACKOFF). */
  backoff?: Backoff;
  /** The clock of the records (run start and end, message attempts); default: the real one. */
  clock?: () => Date;
  /** Wait this long for the digest's lease when another process holds it (default: 0, answer "locked"). */
  waitMs?: number;
  lease?: Pick<LeaseOptions, 'ttlMs' | 'heartbeatMs'>;
};

/**
 * The Friday digest for week `week` (default: the week just ending at `now` in the configured zone,
 * see weekJustEnding): classify, rank, build every message and deliver each exactly once. Runs
 * under the digest's lease, so two processes never run it at once (the second finds it locked),
 * and a process killed mid-send blocks no rerun. A run that leaves messages unsent records when
 * the scheduler tries again (DigestRun.nextAttemptAt, with backoff, until retryUntil).
 * `dryRun` builds the messages and writes previews without sending; `redirectTo` sends every
 * message to one address (a preview in a real mailbox) without recording delivery.
 */
export async function runWeeklyDigest(deps: DigestDeps): Promise<DigestOutcome> {
  const now = deps.now ?? new Date();
  const week = deps.week ?? weekJustEnding(now.getTime(), deps.settings.timeZone);
  const clock = deps.clock ?? (() => new Date());
  const job = (lease: Lease) => recordLeasedJobRun(deps.db, 'weekly-digest', () => runLeased({ ...deps, now, week, clock }, lease), clock);
  const locked = await withLock(deps.db, DIGEST_LOCK, job, { ...deps.lease, waitMs: deps.waitMs });
  if (!locked) return { status: 'locked', week };
  return locked.result.outcome as DigestOutcome;
}

type Leased = DigestDeps & { now: Date; week: string; clock: () => Date };
type JobSummary = { week: string; outcome: object; sent: number; failed: number };

async function runPreview(deps: Leased): Promise<JobSummary> {
  const drafts = buildDigest(await gatherDigestInput(deps.db, deps.settings, deps.week, deps.now, false));
  const previews = await writePreviews(path.join(deps.settings.outboxDir, 'preview', deps.week), drafts);
  if (deps.redirectTo) for (const d of drafts) await deps.mailer.send({ from: deps.settings.mailFrom, to: deps.redirectTo, subject: `[preview for ${d.recipient}] ${d.subject}`, html: renderHtml(d.email), text: renderText(d.email), messageId: `<preview.${Date.now()}.${Math.random().toString(36).slice(2)}@rollscope>`, fileName: `preview/${deps.week}/sent-${d.kind}-${d.recipient}.eml` });
  const outcome = { status: 'dry-run' as const, week: deps.week, drafts: drafts.map((d, i) => ({ kind: d.kind, recipient: d.recipient, subject: d.subject, preview: previews[i]! })) };
  return { week: deps.week, outcome, sent: deps.redirectTo ? drafts.length : 0, failed: 0 };
}

async function runLeased(deps: Leased, lease: Lease): Promise<JobSummary> {
  if (deps.dryRun || deps.redirectTo) return runPreview(deps);
  const { db } = deps;
  const startedAt = deps.clock();
  await markInterruptedDigestRuns(db, startedAt);
  // The run is recorded before any work, so a failure anywhere (a database timeout while ranking) is retried.
  const retryUntil = deps.retryUntil ?? new Date(startedAt.getTime() + DEFAULT_RETRY_WINDOW_MS);
  const run = await db.prisma.digestRun.create({ data: { week: deps.week, trigger: deps.trigger ?? 'manual', startedAt, status: 'running', retryUntil } });
  try {
    const drafts = buildDigest(await gatherDigestInput(db, deps.settings, deps.week, deps.now, true));
    const delivery = await deliverDigest({ db, mailer: deps.mailer, week: deps.week, from: deps.settings.mailFrom, drafts, runId: run.id, retry: deps.retry, beforeSend: lease.confirm, clock: deps.clock });
    const status = delivery.failed === 0 ? 'succeeded' : delivery.sent + delivery.skipped > 0 ? 'partial' : 'failed';
    const nextAttemptAt = await finishDigestRun(db, run, { status, finishedAt: deps.clock(), sent: delivery.sent, failed: delivery.failed, skipped: delivery.skipped, backoff: deps.backoff });
    const outcome = { status: 'sent', week: deps.week, runId: run.id, delivery, complete: status === 'succeeded', nextAttemptAt };
    return { week: deps.week, outcome, sent: delivery.sent, failed: delivery.failed };
  } catch (error) {
    await finishDigestRun(db, run, { status: 'failed', finishedAt: deps.clock(), error: errorLine(error), backoff: deps.backoff });
    throw error;
  }
}
