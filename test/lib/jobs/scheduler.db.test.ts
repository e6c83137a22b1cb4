import { afterEach, describe, expect, it } from 'vitest';
import { openDb } from '../../../lib/db';
import { createScheduler, findMissedDigest } from '../../../lib/jobs/scheduler';
import { createMailer } from '../../../lib/mail/mailer';
import type { TestDb } from '../../helpers/db';
import { ALL_RECIPIENTS, createDigestDb, digestSettings } from '../../helpers/digest-fixture';
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
  it('sends the digest at Friday 17:00 in the configured zone, not at 17:00 UTC, for that week', async () => {
    const { t, smtp, scheduler } = await setup('Europe/Berlin');
    await scheduler.tick(new Date('2026-11-19T16:00:00Z'));
    await scheduler.tick(new Date('2026-11-20T17:00:00Z'));
    expect(smtp.received).toHaveLength(0);
    await scheduler.tick(new Date('2026-11-20T16:00:00Z'));
    expect(smtp.recipients()).toEqual(ALL_RECIPIENTS);
    expect(await t.db.prisma.digestRun.findMany({ select: { week: true, trigger: true, status: true } })).toEqual([{ week: '2026-W47', trigger: 'schedule', status: 'succeeded' }]);
    const job = await t.db.prisma.jobRun.findFirstOrThrow({ where: { job: 'weekly-digest' } });
    expect(job).toMatchObject({ status: 'succeeded' });
  });

  it('catches up a digest missed while down, for the week it was due, once', async () => {
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

  it('two schedulers on one database send each message once', async () => {
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

  it('refuses a bad cron expression or time zone with a clear message', async () => {
    const { t, mailer, settings } = await setup();
    expect(() => createScheduler({ db: t.db, mailer, settings: { ...settings, digestCron: '0 17 * * Fri-day' } })).toThrow(/DIGEST_CRON: "0 17 \* \* Fri-day" is not a valid cron expression/);
    expect(() => createScheduler({ db: t.db, mailer, settings: { ...settings, timeZone: 'Mars/Base' } })).toThrow(/ROLLSCOPE_TIMEZONE: "Mars\/Base" is not an IANA time zone/);
  });
});
