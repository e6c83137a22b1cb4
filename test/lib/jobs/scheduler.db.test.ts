import { afterEach, describe, expect, it } from 'vitest';
import { openDb } from '../../../lib/db';
import { getDigestWeekSummary } from '../../../lib/digest/list-digests';
import { createScheduler, findMissedDigest } from '../../../lib/jobs/scheduler';
import { RETRY_BACKOFF } from '../../../lib/jobs/backoff';
import { SCHEDULED_JOB_NAMES } from '../../../lib/jobs/job-names';
import { createScheduledJobs } from '../../../lib/jobs/scheduled-jobs';
import { createMailer } from '../../../lib/mail/mailer';
import { EXPECTED_KIND, type TestDb } from '../../helpers/db';
import { ALL_RECIPIENTS, WEEK, createDigestDb, digestSettings } from '../../helpers/digest-fixture';
import { startSmtpServer, type TestSmtp } from '../../helpers/smtp';

const open: { close: () => Promise<void> }[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((x) => x.close()));
});

async function setup(timeZone = 'Europe/Berlin') {
  const t: TestDb = await createDigestDb();
  const smtp: TestSmtp = await startSmtpServer();
  open.push(t, smtp);
  const settings = { ...digestSettings({ timeZone }), importCron: '0 1 * * *', digestCron: '0 17 * * 5', admissionCron: '30 1 * * *', admissionFile: null, inboxDir: `${digestSettings().outboxDir}/inbox`, chainFile: null, maxLineBytes: 65536 };
  const mailer = createMailer({ smtpUrl: smtp.url, outboxDir: settings.outboxDir });
  const scheduler = createScheduler({ db: t.db, mailer, settings, retry: { attempts: 2, baseDelayMs: 5 } });
  open.push({ close: scheduler.stop });
  return { t, smtp, settings, mailer, scheduler };
}

describe('the scheduler, with a controlled clock', () => {
  it(`sends the digest at Friday 17:00 in the configured zone, not at 17:00 UTC, for that week (${EXPECTED_KIND})`, async () => {
    const { t, smtp, scheduler } = await setup('Europe/Berlin');
    await scheduler.tick(new Date('2026-11-19T16:00:00Z'));
    await scheduler.tick(new Date('2026-11-20T15:59:00Z'));
    expect(smtp.received).toHaveLength(0);
    await scheduler.tick(new Date('2026-11-20T16:00:00Z'));
    expect(smtp.recipients()).toEqual(ALL_RECIPIENTS);
    await scheduler.tick(new Date('2026-11-20T17:00:00Z'));
    expect(smtp.received).toHaveLength(ALL_RECIPIENTS.length);
    expect(await t.db.prisma.digestRun.findMany({ select: { week: true, trigger: true, status: true } })).toEqual([{ week: '2026-W47', trigger: 'schedule', status: 'succeeded' }]);
    const job = await t.db.prisma.jobRun.findFirstOrThrow({ where: { job: 'weekly-digest' } });
    expect(job).toMatchObject({ status: 'succeeded' });
  });

  it(`schedules exactly the jobs /metrics reports on (${EXPECTED_KIND})`, async () => {
    const { t, settings, mailer } = await setup();
    const { jobs } = createScheduledJobs({ db: t.db, mailer, settings, log: () => undefined, backoff: RETRY_BACKOFF, clock: () => new Date(), retryWindowMs: 1 });
    expect(jobs.map((j) => j.name).sort()).toEqual([...SCHEDULED_JOB_NAMES].sort());
  });

  it(`logs a digest written to the outbox folder as "written to outbox", never as sent (${EXPECTED_KIND})`, async () => {
    const { t, settings } = await setup('Europe/Berlin');
    const lines: string[] = [];
    const outbox = createMailer({ smtpUrl: null, outboxDir: settings.outboxDir });
    const scheduler = createScheduler({ db: t.db, mailer: outbox, settings, log: (l) => lines.push(l) });
    await scheduler.tick(new Date('2026-11-20T16:00:00Z'));
    expect(lines).toContain(`digest for 2026-W47: ${ALL_RECIPIENTS.length} written to outbox, 0 already written to outbox, 0 failed`);
    expect(lines.some((l) => /\bsent\b/.test(l))).toBe(false);
  });

  it(`catches up a digest missed while down, for the week it was due, once (${EXPECTED_KIND})`, async () => {
    const { t, smtp, settings, scheduler } = await setup('Europe/Berlin');
    // Down all Friday; started on Monday morning.
    const monday = new Date('2026-11-23T07:00:00Z');
    expect(await findMissedDigest(t.db, settings, monday)).toBe('2026-W47');
    expect(await scheduler.catchUp(monday)).toMatchObject({ status: 'sent', week: '2026-W47' });
    expect(smtp.recipients()).toEqual(ALL_RECIPIENTS);
    expect(await t.db.prisma.digestRun.findFirstOrThrow()).toMatchObject({ trigger: 'catch-up', week: '2026-W47' });
    expect(await scheduler.catchUp(new Date('2026-11-23T08:00:00Z'))).toBeNull();
    expect(smtp.received).toHaveLength(ALL_RECIPIENTS.length);
  });

  it(`two schedulers on one database send each message once (${EXPECTED_KIND})`, async () => {
    const { t, smtp, settings, mailer, scheduler } = await setup('Europe/Berlin');
    const second = await openDb(t.url);
    open.push(second);
    const other = createScheduler({ db: second, mailer, settings, retry: { attempts: 2, baseDelayMs: 5 } });
    open.push({ close: other.stop });
    const friday = new Date('2026-11-20T16:00:00Z');
    await Promise.all([scheduler.tick(friday), other.tick(friday)]);
    expect(smtp.recipients()).toEqual(ALL_RECIPIENTS);
    expect(await t.db.prisma.digestMessage.count({ where: { status: 'sent' } })).toBe(ALL_RECIPIENTS.length);
  });

  it(`refuses a bad cron expression or time zone with a clear message (${EXPECTED_KIND})`, async () => {
    const { t, mailer, settings } = await setup();
    expect(() => createScheduler({ db: t.db, mailer, settings: { ...settings, digestCron: '0 17 * * Fri-day' } })).toThrow(/DIGEST_CRON: "0 17 \* \* Fri-day" is not a valid cron expression/);
    expect(() => createScheduler({ db: t.db, mailer, settings: { ...settings, timeZone: 'Mars/Base' } })).toThrow(/ROLLSCOPE_TIMEZONE: "Mars\/Base" is not an IANA time zone/);
  });
});

const MIN = 60_000;
const FRIDAY_DUE = new Date('2026-11-20T16:00:00Z');
const plus = (minutes: number, from = FRIDAY_DUE) => new Date(from.getTime() + minutes * MIN);

/** A scheduler on a clock the test moves; `tickTo` ticks every minute up to an instant, like node-cron would. */
async function healingSetup(opts: { digestRetryHours?: number; digestCron?: string } = {}) {
  const t: TestDb = await createDigestDb();
  const smtp: TestSmtp = await startSmtpServer();
  open.push(t, smtp);
  const settings = { ...digestSettings(), importCron: '0 1 * * *', digestCron: opts.digestCron ?? '0 17 * * 5', admissionCron: '30 1 * * *', admissionFile: null, inboxDir: `${digestSettings().outboxDir}/inbox`, chainFile: null, maxLineBytes: 65536, digestRetryHours: opts.digestRetryHours ?? 24 };
  const mailer = createMailer({ smtpUrl: smtp.url, outboxDir: settings.outboxDir });
  const lines: string[] = [];
  let now = FRIDAY_DUE;
  const make = () => {
    const s = createScheduler({ db: t.db, mailer, settings, retry: { attempts: 2, baseDelayMs: 5 }, clock: () => now, log: (l) => lines.push(l) });
    open.push({ close: s.stop });
    return s;
  };
  const scheduler = make();
  const tickTo = async (s: typeof scheduler, until: Date) => {
    for (let m = now.getTime() + MIN; m <= until.getTime(); m += MIN) {
      now = new Date(m);
      await s.tick(now);
    }
  };
  const tickAt = async (s: typeof scheduler, at: Date) => {
    now = at;
    await s.tick(at);
  };
  const runs = () => t.db.prisma.digestRun.findMany({ orderBy: { id: 'asc' }, select: { trigger: true, status: true, startedAt: true, nextAttemptAt: true, retryUntil: true } });
  /** After `after` messages were accepted, the server drops every connection at DATA (down) until `up()`. */
  const goDownAfter = (after: number) => {
    const push = smtp.received.push.bind(smtp.received);
    smtp.received.push = (...mails) => {
      const n = push(...mails);
      if (n >= after) smtp.options.dropFirst = 1_000_000;
      return n;
    };
    if (after === 0) smtp.options.dropFirst = 1_000_000;
  };
  const up = () => {
    smtp.received.push = Array.prototype.push.bind(smtp.received);
    smtp.options.dropFirst = 0;
  };
  return { t, smtp, settings, lines, scheduler, make, tickTo, tickAt, runs, goDownAfter, up, now: () => now };
}

describe('the scheduler heals itself', () => {
  it(`retries a partial digest (SMTP down mid-run) after 5, then 10 minutes, and sends the rest once SMTP is back, each message once (${EXPECTED_KIND})`, async () => {
    const h = await healingSetup();
    h.goDownAfter(4);
    await h.tickAt(h.scheduler, FRIDAY_DUE);
    expect(h.smtp.received).toHaveLength(4);
    expect(await h.runs()).toEqual([{ trigger: 'schedule', status: 'partial', startedAt: FRIDAY_DUE, nextAttemptAt: plus(5), retryUntil: plus(24 * 60) }]);
    expect(await getDigestWeekSummary(h.t.db, WEEK, plus(1))).toMatchObject({ state: 'retrying', nextAttemptAt: plus(5), counts: { sent: 4, failed: ALL_RECIPIENTS.length - 4, pending: 0 } });

    await h.tickTo(h.scheduler, plus(4));
    expect(await h.runs()).toHaveLength(1);
    await h.tickTo(h.scheduler, plus(5));
    expect((await h.runs()).map((r) => [r.trigger, r.status, r.startedAt, r.nextAttemptAt])).toEqual([
      ['schedule', 'partial', FRIDAY_DUE, plus(5)],
      ['retry', 'partial', plus(5), plus(15)],
    ]);

    h.up();
    await h.tickTo(h.scheduler, plus(14));
    expect(h.smtp.received).toHaveLength(4);
    await h.tickTo(h.scheduler, plus(15));
    expect(h.smtp.recipients()).toEqual(ALL_RECIPIENTS);
    expect((await h.runs()).at(-1)).toMatchObject({ trigger: 'retry', status: 'succeeded', nextAttemptAt: null });
    expect(await getDigestWeekSummary(h.t.db, WEEK, plus(16))).toMatchObject({ state: 'complete', counts: { sent: ALL_RECIPIENTS.length, failed: 0, pending: 0 }, runs: 3 });
    await h.tickTo(h.scheduler, plus(60));
    expect(await h.runs()).toHaveLength(3);
    expect(h.smtp.received).toHaveLength(ALL_RECIPIENTS.length);
    expect(h.lines).toContain(`digest for ${WEEK}: 4 sent, 0 already sent, ${ALL_RECIPIENTS.length - 4} failed; unsent messages retried at 2026-11-20 16:05 UTC`);
  });

  it(`stops retrying at the deadline and says so, and the retry plan survives a restart (${EXPECTED_KIND})`, async () => {
    const h = await healingSetup({ digestRetryHours: 1 });
    h.goDownAfter(0);
    await h.tickAt(h.scheduler, FRIDAY_DUE);
    await h.tickTo(h.scheduler, plus(10));
    // A restart between two attempts: the next one is read from the database.
    const restarted = h.make();
    expect(await restarted.catchUp(plus(10))).toBeNull();
    await h.tickTo(restarted, plus(90));
    // 16:00, +5, +10 → 16:15, +20 → 16:35; the next (+40 → 17:15) would start after the 17:00 deadline.
    expect((await h.runs()).map((r) => [r.startedAt, r.status, r.nextAttemptAt])).toEqual([
      [FRIDAY_DUE, 'failed', plus(5)],
      [plus(5), 'failed', plus(15)],
      [plus(15), 'failed', plus(35)],
      [plus(35), 'failed', null],
    ]);
    const summary = await getDigestWeekSummary(h.t.db, WEEK, plus(90));
    expect(summary).toMatchObject({ state: 'gave-up', retryUntil: plus(60), nextAttemptAt: null, counts: { sent: 0, failed: ALL_RECIPIENTS.length } });
    expect(h.lines.some((l) => l.endsWith('retries gave up (deadline 2026-11-20 17:00 UTC)'))).toBe(true);
    h.up();
    await h.tickTo(restarted, plus(120));
    expect(h.smtp.received).toHaveLength(0);
  });

  it(`retries a scheduled job that failed on a database error with backoff, also across a restart (${EXPECTED_KIND})`, async () => {
    // A digest schedule that has not occurred lately, so no catch-up gets in the way.
    const h = await healingSetup({ digestCron: '0 17 29 2 *' });
    const checkAt = new Date('2026-11-21T00:30:00Z'); // 01:30 in Berlin
    const jobRuns = () => h.t.db.prisma.jobRun.findMany({ where: { job: 'admission-check' }, orderBy: { id: 'asc' }, select: { status: true, startedAt: true } });
    await h.t.db.prisma.$executeRawUnsafe('ALTER TABLE "AdmissionRule" RENAME TO "AdmissionRuleAway"');
    await h.tickAt(h.scheduler, checkAt);
    await h.tickTo(h.scheduler, plus(5, checkAt));
    expect((await jobRuns()).map((r) => [r.status, r.startedAt])).toEqual([['failed', checkAt], ['failed', plus(5, checkAt)]]);
    expect(h.lines.some((l) => /^admission-check failed: .*AdmissionRule.*; retry 2 at 2026-11-21 00:45 UTC$/.test(l))).toBe(true);

    const restarted = h.make();
    await restarted.catchUp(plus(7, checkAt));
    expect(h.lines).toContain('admission-check: its last run failed; retry 2 at 2026-11-21 00:45 UTC');
    await h.t.db.prisma.$executeRawUnsafe('ALTER TABLE "AdmissionRuleAway" RENAME TO "AdmissionRule"');
    await h.tickTo(restarted, plus(14, checkAt));
    expect(await jobRuns()).toHaveLength(2);
    await h.tickTo(restarted, plus(24 * 60 - 1, checkAt));
    expect((await jobRuns()).map((r) => [r.status, r.startedAt])).toEqual([['failed', checkAt], ['failed', plus(5, checkAt)], ['succeeded', plus(15, checkAt)]]);
  });

  it(`runs an occurrence late that it skipped while a long job held up the ticks, once (${EXPECTED_KIND})`, async () => {
    const h = await healingSetup({ digestCron: '0 17 29 2 *' });
    const checkAt = new Date('2026-11-21T00:30:00Z'); // ADMISSION_CRON 01:30 in Berlin
    await h.tickAt(h.scheduler, plus(-1, checkAt));
    // The ticks from 00:30 to 00:44 never came (node-cron skips a minute while the last tick runs).
    await h.tickAt(h.scheduler, plus(15, checkAt));
    await h.tickTo(h.scheduler, plus(60, checkAt));
    expect((await h.t.db.prisma.jobRun.findMany({ where: { job: 'admission-check' } })).map((r) => [r.status, r.startedAt])).toEqual([['succeeded', plus(15, checkAt)]]);
  });

  it(`retries a scheduled digest that failed on a database error, from the run it recorded first (${EXPECTED_KIND})`, async () => {
    const h = await healingSetup();
    await h.t.db.prisma.$executeRawUnsafe('ALTER TABLE "RankingEntry" RENAME TO "RankingEntryAway"');
    await h.tickAt(h.scheduler, FRIDAY_DUE);
    expect(await h.runs()).toEqual([{ trigger: 'schedule', status: 'failed', startedAt: FRIDAY_DUE, nextAttemptAt: plus(5), retryUntil: plus(24 * 60) }]);
    await h.t.db.prisma.$executeRawUnsafe('ALTER TABLE "RankingEntryAway" RENAME TO "RankingEntry"');
    await h.tickTo(h.scheduler, plus(5));
    expect(h.smtp.recipients()).toEqual(ALL_RECIPIENTS);
    expect((await h.runs()).map((r) => [r.trigger, r.status])).toEqual([['schedule', 'failed'], ['retry', 'succeeded']]);
  });
});
