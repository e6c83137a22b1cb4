import cron, { type ScheduledTask } from 'node-cron';
import type { Db } from '../db';
import type { Settings } from '../env';
import { findDueDigestRetries, hasDigestRun } from '../digest/digest-runs';
import { DEFAULT_RETRY_WINDOW_MS, type DigestDeps, type DigestOutcome } from '../digest/run-weekly-digest';
import type { Mailer } from '../mail/mailer';
import { weekJustEnding } from '../time/iso-week';
import { RETRY_BACKOFF, type Backoff } from './backoff';
import { errorLine } from './job-runs';
import { loadJobRetry, nextRetry, type JobRetry } from './job-retries';
import { runOccurrence, underOccurrenceLease } from './occurrence';
import { previousOccurrence, validateSchedule } from './schedule';
import { createScheduledJobs, iso, type Attempt, type Job, type RunResult } from './scheduled-jobs';

export type SchedulerSettings = Pick<Settings, 'importCron' | 'digestCron' | 'admissionCron' | 'admissionFile' | 'timeZone' | 'inboxDir' | 'chainFile' | 'maxLineBytes'> & DigestDeps['settings'] & Partial<Pick<Settings, 'digestRetryHours'>>;
export type Scheduler = {
  /** Runs the jobs whose schedule matches this minute, and the retries that are due. */
  tick: (now: Date) => Promise<void>;
  /** At start: rebuilds the retries from the database, sends the last scheduled digest if it never ran, and runs due retries. */
  catchUp: (now: Date) => Promise<DigestOutcome | null>;
  start: () => Promise<void>;
  /** Stops ticking and waits for the tick in progress, at most `graceMs` (default STOP_GRACE_MS). */
  stop: (graceMs?: number) => Promise<void>;
};
type Deps = { db: Db; mailer: Mailer; settings: SchedulerSettings; log?: (line: string) => void; retry?: DigestDeps['retry']; backoff?: Backoff; clock?: () => Date };

const MINUTE = 60_000;
// node-cron skips a minute while the previous tick still runs (a long import): an occurrence missed
// so is run late, up to this late.
const LATE_LIMIT_MS = 120 * MINUTE;
/** How long a stopping scheduler lets the job in progress finish before it gives up its leases. */
export const STOP_GRACE_MS = 30_000;

/** The week whose scheduled digest (the last one due at or before `now`) was never attempted, or null. */
export async function findMissedDigest(db: Db, settings: Pick<Settings, 'digestCron' | 'timeZone'>, now: Date): Promise<string | null> {
  const due = previousOccurrence(settings.digestCron, settings.timeZone, now);
  if (!due) return null;
  const week = weekJustEnding(due.getTime(), settings.timeZone);
  return (await hasDigestRun(db, week)) ? null : week;
}

/**
 * The scheduler: one node-cron task ticks every minute and runs the jobs whose cron expression
 * (in ROLLSCOPE_TIMEZONE) matches that minute — the daily inbox import, the daily admission check
 * and the weekly digest — each under a lease and recorded in JobRun, each occurrence run by one
 * scheduler only when several share the database (lib/jobs/occurrence.ts). A job that fails is retried
 * with backoff until it succeeds or its next occurrence; a digest that left messages unsent is
 * retried (DigestRun.nextAttemptAt) until everything is sent or its deadline. Driven by
 * `tick(now)`, so tests use a clock.
 */
export function createScheduler(deps: Deps): Scheduler {
  const { db, settings } = deps;
  const log = deps.log ?? (() => undefined);
  const backoff = deps.backoff ?? RETRY_BACKOFF;
  const clock = deps.clock ?? (() => new Date());
  const retryWindowMs = (settings.digestRetryHours ?? DEFAULT_RETRY_WINDOW_MS / 3_600_000) * 3_600_000;
  validateSchedule('IMPORT_CRON', settings.importCron, settings.timeZone);
  validateSchedule('DIGEST_CRON', settings.digestCron, settings.timeZone);
  validateSchedule('ADMISSION_CRON', settings.admissionCron, settings.timeZone);
  const retries = new Map<string, JobRetry>();
  // The start's digest catch-up, when it failed before the week had a run to retry (database away).
  let catchUpRetry: JobRetry | null = null;
  let ticker: ScheduledTask | null = null;
  let lastTickAt: number | null = null;
  let ticking: Promise<void> | null = null;
  /** The job's latest occurrence since the last tick (this minute, or one skipped while busy), or null. */
  const occurrence = (job: Job, now: Date): Date | null => {
    const end = Math.floor(now.getTime() / MINUTE) * MINUTE;
    const start = lastTickAt === null || lastTickAt >= end ? end : Math.max(lastTickAt + MINUTE, end - LATE_LIMIT_MS);
    // The latest: a run now covers the ones before it (a scheduler that missed ticks runs the job once).
    for (let m = end; m >= start; m -= MINUTE) if (job.at.match(new Date(m))) return new Date(m);
    return null;
  };

  const { jobs, digest } = createScheduledJobs({ ...deps, log, backoff, clock, retryWindowMs });
  // Every attempt claims its occurrence first (lib/jobs/occurrence.ts): another scheduler may have run it.
  const attempt = async (job: Job, now: Date, a: Attempt): Promise<RunResult> => {
    const prev = retries.get(job.name);
    const due = `${job.name} (due ${iso(a.scheduledAt.getTime())} UTC)`;
    try {
      const claimed = await runOccurrence(db, { job: job.name, scheduledAt: a.scheduledAt, retry: a.trigger === 'retry' && !prev?.takeover }, () => job.run(now, a));
      if (claimed.status === 'served') log(`${due}: already run by another scheduler`);
      if (claimed.status === 'busy') log(`${due}: another scheduler has it; looked at again in a minute`);
      const result = claimed.status === 'ran' ? claimed.result : claimed.status === 'busy' ? 'busy' : undefined;
      if (claimed.status === 'ran' && result === undefined) log(`${due}: ran here`);
      if (result === 'busy') retries.set(job.name, { failures: prev?.failures ?? 0, nextAt: now.getTime() + MINUTE, scheduledAt: a.scheduledAt.getTime(), takeover: true });
      else retries.delete(job.name);
      return result;
    } catch (error) {
      const next = nextRetry(prev, now.getTime(), a.scheduledAt.getTime(), backoff);
      retries.set(job.name, next);
      log(`${job.name} failed: ${errorLine(error)}; retry ${next.failures} at ${iso(next.nextAt)} UTC`);
    }
  };
  const guard = (name: string, work: () => Promise<unknown>) => work().catch((error: unknown) => log(`${name} failed: ${errorLine(error)}`));
  // Decided under the digest's occurrence lease, so two schedulers never both retry (or catch up) one week.
  const retryDigests = async (now: Date) =>
    underOccurrenceLease(db, 'weekly-digest', async () => {
      const [due] = await findDueDigestRetries(db, now);
      return due ? digest(now, 'retry', due.week, due.retryUntil) : null;
    });

  // A job whose run for its latest occurrence failed before a restart is retried as if no restart happened.
  const resumeRetry = async (job: Job, now: Date) => {
    const due = previousOccurrence(job.cron, settings.timeZone, now);
    const retry = due ? await loadJobRetry(db, job.name, due, backoff) : null;
    if (!retry) return;
    retries.set(job.name, retry);
    log(`${job.name}: its last run failed; retry ${retry.failures} at ${iso(retry.nextAt)} UTC`);
  };
  const catchUpDigest = async (now: Date) => {
    try {
      const caughtUp = await underOccurrenceLease(db, 'weekly-digest', async () => {
        const missed = await findMissedDigest(db, settings, now);
        return missed ? digest(now, 'catch-up', missed, new Date(now.getTime() + retryWindowMs)) : null;
      });
      catchUpRetry = null;
      return caughtUp ?? (await retryDigests(now));
    } catch (error) {
      catchUpRetry = nextRetry(catchUpRetry ?? undefined, now.getTime(), now.getTime(), backoff);
      log(`digest catch-up failed: ${errorLine(error)}; tried again at ${iso(catchUpRetry.nextAt)} UTC`);
      return null;
    }
  };

  const scheduler: Scheduler = {
    tick: async (now) => {
      let digestRan = false;
      const due = jobs.map((job) => occurrence(job, now));
      lastTickAt = Math.max(lastTickAt ?? 0, Math.floor(now.getTime() / MINUTE) * MINUTE);
      for (const [i, job] of jobs.entries()) {
        const retry = retries.get(job.name);
        // The digest's retries stop at its deadline; the others' when their next occurrence comes.
        const inWindow = job.name !== 'weekly-digest' || (retry && now.getTime() <= retry.scheduledAt + retryWindowMs);
        let result: RunResult | 'idle' = 'idle';
        const scheduledAt = due[i];
        if (scheduledAt) {
          retries.delete(job.name);
          result = await attempt(job, now, { trigger: 'schedule', scheduledAt });
        } else if (retry && retry.nextAt <= now.getTime() && inWindow) {
          result = await attempt(job, now, { trigger: 'retry', scheduledAt: new Date(retry.scheduledAt) });
        }
        digestRan ||= job.name === 'weekly-digest' && result !== 'idle' && result !== 'deferred';
      }
      if (digestRan) return;
      if (catchUpRetry && catchUpRetry.nextAt <= now.getTime()) await catchUpDigest(now);
      else await guard('digest retry', () => retryDigests(now));
    },
    catchUp: async (now) => {
      for (const job of jobs.filter((j) => j.name !== 'weekly-digest')) await guard(`${job.name} retry state`, () => resumeRetry(job, now));
      return catchUpDigest(now);
    },
    start: async () => {
      log(`scheduler started (${settings.timeZone}): inbox import "${settings.importCron}", admission check "${settings.admissionCron}", digest "${settings.digestCron}", mail via ${deps.mailer.kind} ${deps.mailer.describe}`);
      ticker = cron.schedule('* * * * *', (ctx) => (ticking = scheduler.tick(ctx.triggeredAt)), { noOverlap: true, name: 'rollscope-minute' });
      await guard('catch-up at start', () => scheduler.catchUp(new Date()));
    },
    stop: async (graceMs = STOP_GRACE_MS) => {
      await ticker?.stop();
      let timer: NodeJS.Timeout | undefined;
      const grace = new Promise((resolve) => (timer = setTimeout(resolve, graceMs)));
      await Promise.race([ticking?.catch(() => undefined), grace]);
      clearTimeout(timer);
      await Promise.all([...jobs.map((j) => j.at.destroy()), ticker?.destroy()]);
    },
  };
  return scheduler;
}
