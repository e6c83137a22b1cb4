import cron, { type ScheduledTask } from 'node-cron';
import { loadAdmissionRules } from '../admission/config';
import { createAlertsJob, type AlertsJobSettings } from '../alerts/job';
import { runAdmissionCheck } from '../admission/check';
import type { Db } from '../db';
import { hasDigestRun } from '../digest/digest-runs';
import { runWeeklyDigest, type DigestDeps } from '../digest/run-weekly-digest';
import type { Settings } from '../env';
import type { InputJsonObject } from '../generated/sqlite/internal/prismaNamespace';
import { runInboxImport } from '../ingest/inbox';
import { deliveredWord, type Mailer } from '../mail/mailer';
import { runRetention } from '../retention/run-retention';
import { weekJustEnding } from '../time/iso-week';
import type { Backoff } from './backoff';
import { recordLeasedJobRun } from './job-runs';
import type { ScheduledJobName } from './job-names';
import { withLock } from './lock';
import { validateSchedule } from './schedule';
import type { SchedulerSettings } from './scheduler';

/** The scheduler's jobs: each runs under its lease, is recorded in JobRun, and logs one line. */
export type Attempt = { trigger: 'schedule' | 'retry'; scheduledAt: Date };
// 'busy': another process holds the digest's lease, maybe for another week; look again next minute.
// 'deferred': nothing to do here (the digest's own retry plan in the database takes over).
export type RunResult = 'busy' | 'deferred' | void;
export type Job = { name: ScheduledJobName; cron: string; at: ScheduledTask; run: (now: Date, attempt: Attempt) => Promise<RunResult> };
type Ctx = { db: Db; mailer: Mailer; settings: SchedulerSettings & Partial<AlertsJobSettings> & Partial<Pick<Settings, 'retentionDays'>>; log: (line: string) => void; retry?: DigestDeps['retry']; backoff: Backoff; clock: () => Date; retryWindowMs: number };

/** Nightly, after the inbox import (01:00) and the admission check (01:30) have read the day's runs. */
const RETENTION_CRON = '30 3 * * *';

export const iso = (ms: number) => new Date(ms).toISOString().slice(0, 16).replace('T', ' ');

export function createScheduledJobs(ctx: Ctx) {
  const { db, settings, log, clock } = ctx;
  const policy = loadAdmissionRules(settings.admissionFile);
  const task = (expression: string) => cron.createTask(expression, () => undefined, { timezone: settings.timeZone });

  const digest = async (now: Date, trigger: DigestDeps['trigger'] & string, week: string, retryUntil: Date) => {
    log(`digest (${trigger}) for ${week}: starting`);
    const outcome = await runWeeklyDigest({ db, mailer: ctx.mailer, settings, now, week, trigger, retry: ctx.retry, retryUntil, backoff: ctx.backoff, clock });
    if (outcome.status === 'locked') log(`digest for ${week}: another process is running the digest`);
    if (outcome.status !== 'sent') return outcome;
    const d = outcome.delivery;
    const next = outcome.complete ? '' : outcome.nextAttemptAt ? `; unsent messages retried at ${iso(outcome.nextAttemptAt.getTime())} UTC` : `; retries gave up (deadline ${iso(retryUntil.getTime())} UTC)`;
    const done = deliveredWord(ctx.mailer.kind);
    log(`digest for ${week}: ${d.sent} ${done}, ${d.skipped} already ${done}, ${d.failed} failed${next}`);
    return outcome;
  };
  // Held by another process: that one runs this occurrence (and retries it if it fails).
  const leased = async <T extends InputJsonObject>(name: string, work: () => Promise<T>, done: (r: T) => string): Promise<RunResult> => {
    const ran = await withLock(db, name, () => recordLeasedJobRun(db, name, work, clock));
    log(`${name}: ${ran ? done(ran.result) : 'another process is running it'}`);
  };
  const weeklyDigest = async (now: Date, attempt: Attempt): Promise<RunResult> => {
    const week = weekJustEnding(attempt.scheduledAt.getTime(), settings.timeZone);
    // Once the week has a run, its retries are planned in the database (DigestRun.nextAttemptAt).
    if (attempt.trigger === 'retry' && (await hasDigestRun(db, week))) return 'deferred';
    const outcome = await digest(now, attempt.trigger, week, new Date(attempt.scheduledAt.getTime() + ctx.retryWindowMs));
    return outcome.status === 'locked' ? 'busy' : undefined;
  };
  // Alerts always registered: channels may be added in Settings while the scheduler runs. A run
  // without the file and without such channels does nothing (no lease, no JobRun, no log line).
  const alertsCron = settings.alertsCron ?? '*/10 * * * *';
  validateSchedule('ALERTS_CRON', alertsCron, settings.timeZone);
  const alerts = createAlertsJob({ ...settings, alertsFile: settings.alertsFile ?? null, alertsCron }, ctx);
  const alertsRun = async (now: Date): Promise<RunResult> => {
    if (!(await alerts.enabled())) return;
    // The lease is confirmed before each send.
    const ran = await withLock(db, 'alerts', (lease) => recordLeasedJobRun(db, 'alerts', () => alerts.run(now, lease.confirm), clock));
    log(`alerts: ${ran ? alerts.describe(ran.result) : 'another process is running it'}`);
  };
  // Registered always; without ROLLSCOPE_RETENTION_DAYS it does nothing (no lease, no JobRun, no log line).
  const retentionRun = async (now: Date): Promise<RunResult> => {
    const retentionDays = settings.retentionDays ?? null;
    if (retentionDays === null) return;
    // The lease is confirmed before each batch.
    const work = (confirm: () => Promise<void>) => runRetention({ db, retentionDays, now, timeZone: settings.timeZone, confirm });
    const ran = await withLock(db, 'retention', (lease) => recordLeasedJobRun(db, 'retention', () => work(lease.confirm), clock));
    const r = ran?.result;
    log(`retention: ${r ? `before ${r.horizon}: ${r.rollouts} rollouts, ${r.stageRuns} stage runs, ${r.errorEvents} error events deleted` : 'another process is running it'}`);
  };
  const jobs: Job[] = [
    { name: 'inbox-import', cron: settings.importCron, at: task(settings.importCron), run: () => leased('inbox-import', () => runInboxImport({ db, settings }), (r) => `${r.files} file(s), ${r.accepted} accepted, ${r.duplicates} duplicates, ${r.rejected} rejected${r.failedFiles.length ? `; see failed/: ${r.failedFiles.join(', ')}` : ''}`) },
    { name: 'admission-check', cron: settings.admissionCron, at: task(settings.admissionCron), run: (now) => leased('admission-check', () => runAdmissionCheck({ db, policy, now, timeZone: settings.timeZone }), (r) => `${r.rules} rules, ${r.findings} findings; ${r.opened} opened, ${r.reopened} reopened, ${r.resolved} resolved`) },
    { name: 'weekly-digest', cron: settings.digestCron, at: task(settings.digestCron), run: weeklyDigest },
    { name: 'alerts', cron: alertsCron, at: task(alertsCron), run: alertsRun },
    { name: 'retention', cron: RETENTION_CRON, at: task(RETENTION_CRON), run: retentionRun },
  ];
  return { jobs, digest };
}
