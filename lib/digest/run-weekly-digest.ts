import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { getAdmissionOutcomes } from '../admission/outcomes';
import type { Db } from '../db';
import type { Settings } from '../env';
import { withLock } from '../jobs/lock';
import { recordJobRun } from '../jobs/job-runs';
import type { Mailer } from '../mail/mailer';
import { classifyAndRank } from '../rank/classify-and-rank';
import { weekJustEnding } from '../time/iso-week';
import { renderHtml, renderText } from './blocks';
import { buildDigest, type DigestDraft, type DigestInput } from './build-digest';
import { deliverDigest, type DeliveryResult, type RetryPolicy } from './deliver';

export type DigestSettings = Pick<Settings, 'timeZone' | 'categoriesFile' | 'routingFile' | 'mailFrom' | 'baseUrl' | 'managerEmails' | 'targets' | 'outboxDir'>;
export type DigestOutcome =
  | { status: 'locked'; week: string }
  | { status: 'dry-run'; week: string; drafts: { kind: string; recipient: string; subject: string; preview: string }[] }
  | { status: 'sent'; week: string; runId: number; delivery: DeliveryResult };

export const DIGEST_LOCK = 'weekly-digest';

/** Everything the e-mails are built from: the week's ranking, who owns what, open violations. */
async function gatherDigestInput(db: Db, settings: DigestSettings, week: string, now: Date): Promise<DigestInput> {
  const { ranking } = await classifyAndRank({ db, settings, week, now });
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

/**
 * The Friday digest for week `week` (default: the week just ending at `now` in the configured zone,
 * see weekJustEnding): classify, rank, build every message and deliver each exactly once. Runs
 * under a database lock, so two schedulers never run it at once; the second finds it locked.
 * `dryRun` builds the messages and writes previews without sending; `redirectTo` sends every
 * message to one address (a preview in a real mailbox) without recording delivery.
 */
export async function runWeeklyDigest(deps: {
  db: Db;
  mailer: Mailer;
  settings: DigestSettings;
  now?: Date;
  week?: string;
  trigger?: 'schedule' | 'catch-up' | 'manual';
  dryRun?: boolean;
  redirectTo?: string;
  retry?: RetryPolicy;
}): Promise<DigestOutcome> {
  const now = deps.now ?? new Date();
  const week = deps.week ?? weekJustEnding(now.getTime(), deps.settings.timeZone);
  const locked = await withLock(deps.db, DIGEST_LOCK, () => recordJobRun(deps.db, 'weekly-digest', async () => runLocked({ ...deps, now, week }), () => new Date()), { now });
  if (!locked) return { status: 'locked', week };
  return locked.result.outcome as DigestOutcome;
}

async function runLocked(deps: Parameters<typeof runWeeklyDigest>[0] & { now: Date; week: string }): Promise<{ week: string; outcome: object; sent: number; failed: number }> {
  const input = await gatherDigestInput(deps.db, deps.settings, deps.week, deps.now);
  const drafts = buildDigest(input);
  if (deps.dryRun || deps.redirectTo) {
    const previews = await writePreviews(path.join(deps.settings.outboxDir, 'preview', deps.week), drafts);
    if (deps.redirectTo) for (const d of drafts) await deps.mailer.send({ from: deps.settings.mailFrom, to: deps.redirectTo, subject: `[preview for ${d.recipient}] ${d.subject}`, html: renderHtml(d.email), text: renderText(d.email), messageId: `<preview.${Date.now()}.${Math.random().toString(36).slice(2)}@rollscope>`, fileName: `preview/${deps.week}/sent-${d.kind}-${d.recipient}.eml` });
    const outcome = { status: 'dry-run' as const, week: deps.week, drafts: drafts.map((d, i) => ({ kind: d.kind, recipient: d.recipient, subject: d.subject, preview: previews[i]! })) };
    return { week: deps.week, outcome, sent: deps.redirectTo ? drafts.length : 0, failed: 0 };
  }
  const run = await deps.db.prisma.digestRun.create({ data: { week: deps.week, trigger: deps.trigger ?? 'manual', startedAt: new Date(), status: 'running' } });
  try {
    const delivery = await deliverDigest({ db: deps.db, mailer: deps.mailer, week: deps.week, from: deps.settings.mailFrom, drafts, runId: run.id, retry: deps.retry });
    const status = delivery.failed === 0 ? 'succeeded' : delivery.sent + delivery.skipped > 0 ? 'partial' : 'failed';
    await deps.db.prisma.digestRun.update({ where: { id: run.id }, data: { status, finishedAt: new Date(), sent: delivery.sent, failed: delivery.failed, skipped: delivery.skipped } });
    return { week: deps.week, outcome: { status: 'sent', week: deps.week, runId: run.id, delivery }, sent: delivery.sent, failed: delivery.failed };
  } catch (error) {
    await deps.db.prisma.digestRun.update({ where: { id: run.id }, data: { status: 'failed', finishedAt: new Date(), error: (error as Error).message } });
    throw error;
  }
}
