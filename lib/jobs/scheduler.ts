import cron, { type ScheduledTask } from 'node-cron';
import { loadAdmissionRules } from '../admission/config';
import { runAdmissionCheck } from '../admission/check';
import type { Db } from '../db';
import type { Settings } from '../env';
import { runWeeklyDigest, type DigestOutcome } from '../digest/run-weekly-digest';
import { runInboxImport } from '../ingest/inbox';
import type { Mailer } from '../mail/mailer';
import { weekJustEnding } from '../time/iso-week';
import { recordJobRun } from './job-runs';
import { withLock } from './lock';
import { previousOccurrence, validateSchedule } from './schedule';

export type SchedulerSettings = Pick<Settings, 'importCron' | 'digestCron' | 'admissionCron' | 'admissionFile' | 'timeZone' | 'inboxDir' | 'chainFile' | 'maxLineBytes'> & Parameters<typeof runWeeklyDigest>[0]['settings'];
export type Scheduler = {
  /** Runs the jobs whose schedule matches this minute. */
  tick: (now: Date) => Promise<void>;
  /** Runs the last scheduled digest if it never completed (the scheduler was down at the time). */
  catchUp: (now: Date) => Promise<DigestOutcome | null>;
  start: () => Promise<void>;
  stop: () => Promise<void>;
};

/** The week whose scheduled digest (the last one due at or before `now`) has not completed, or null. */
export async function findMissedDigest(db: Db, settings: Pick<Settings, 'digestCron' | 'timeZone'>, now: Date): Promise<string | null> {
  const due = previousOccurrence(settings.digestCron, settings.timeZone, now);
  if (!due) return null;
  const week = weekJustEnding(due.getTime(), settings.timeZone);
  const done = await db.prisma.digestRun.findFirst({ where: { week, status: { in: ['succeeded', 'partial'] } } });
  return done ? null : week;
}

/**
 * The scheduler: one node-cron task ticks every minute and runs the jobs whose cron expression
 * (in ROLLSCOPE_TIMEZONE) matches that minute — the daily inbox import, the daily admission check
 * and the weekly digest —
 * each under a database lock and recorded in JobRun. Driven by `tick(now)`, so tests use a clock.
 */
export function createScheduler(deps: { db: Db; mailer: Mailer; settings: SchedulerSettings; log?: (line: string) => void; retry?: Parameters<typeof runWeeklyDigest>[0]['retry'] }): Scheduler {
  const { db, settings } = deps;
  const log = deps.log ?? (() => undefined);
  validateSchedule('IMPORT_CRON', settings.importCron, settings.timeZone);
  validateSchedule('DIGEST_CRON', settings.digestCron, settings.timeZone);
  validateSchedule('ADMISSION_CRON', settings.admissionCron, settings.timeZone);
  const policy = loadAdmissionRules(settings.admissionFile);
  const importAt = cron.createTask(settings.importCron, () => undefined, { timezone: settings.timeZone });
  const digestAt = cron.createTask(settings.digestCron, () => undefined, { timezone: settings.timeZone });
  const admissionAt = cron.createTask(settings.admissionCron, () => undefined, { timezone: settings.timeZone });
  let ticker: ScheduledTask | null = null;

  const digest = async (now: Date, trigger: 'schedule' | 'catch-up', week: string) => {
    log(`digest (${trigger}) for ${week}: starting`);
    const outcome = await runWeeklyDigest({ db, mailer: deps.mailer, settings, now, week, trigger, retry: deps.retry });
    if (outcome.status === 'locked') log(`digest for ${week}: another scheduler is running it`);
    if (outcome.status === 'sent') log(`digest for ${week}: ${outcome.delivery.sent} sent, ${outcome.delivery.skipped} already sent, ${outcome.delivery.failed} failed`);
    return outcome;
  };
  const inbox = async () => {
    const ran = await withLock(db, 'inbox-import', () => recordJobRun(db, 'inbox-import', () => runInboxImport({ db, settings })));
    if (!ran) return log('inbox import: another scheduler is running it');
    const r = ran.result;
    log(`inbox import: ${r.files} file(s), ${r.accepted} accepted, ${r.duplicates} duplicates, ${r.rejected} rejected${r.failedFiles.length ? `; see failed/: ${r.failedFiles.join(', ')}` : ''}`);
  };
  const admission = async (now: Date) => {
    const ran = await withLock(db, 'admission-check', () => recordJobRun(db, 'admission-check', () => runAdmissionCheck({ db, policy, now, timeZone: settings.timeZone })));
    if (!ran) return log('admission check: another scheduler is running it');
    const r = ran.result;
    log(`admission check: ${r.rules} rules, ${r.findings} findings; ${r.opened} opened, ${r.reopened} reopened, ${r.resolved} resolved`);
  };
  const guard = (name: string, job: () => Promise<unknown>) => job().catch((error: Error) => log(`${name} failed: ${error.message}`));

  const scheduler: Scheduler = {
    tick: async (now) => {
      if (importAt.match(now)) await guard('inbox import', inbox);
      if (admissionAt.match(now)) await guard('admission check', () => admission(now));
      if (digestAt.match(now)) await guard('digest', () => digest(now, 'schedule', weekJustEnding(now.getTime(), settings.timeZone)));
    },
    catchUp: async (now) => {
      const week = await findMissedDigest(db, settings, now);
      return week ? digest(now, 'catch-up', week) : null;
    },
    start: async () => {
      log(`scheduler started (${settings.timeZone}): inbox import "${settings.importCron}", admission check "${settings.admissionCron}", digest "${settings.digestCron}", mail via ${deps.mailer.kind} ${deps.mailer.describe}`);
      ticker = cron.schedule('* * * * *', (ctx) => scheduler.tick(ctx.triggeredAt), { noOverlap: true, name: 'rollscope-minute' });
      await guard('digest catch-up', () => scheduler.catchUp(new Date()));
    },
    stop: async () => {
      await ticker?.stop();
      await Promise.all([importAt.destroy(), digestAt.destroy(), admissionAt.destroy(), ticker?.destroy()]);
    },
  };
  return scheduler;
}
