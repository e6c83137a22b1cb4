import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parseSettings } from '../../../lib/env';
import { createScheduler } from '../../../lib/jobs/scheduler';
import { createMailer } from '../../../lib/mail/mailer';
import { createTestDb, EXPECTED_KIND } from '../../helpers/db';
import { digestSettings } from '../../helpers/digest-fixture';
import { startHttpReceiver } from '../../helpers/http-receiver';
import { createClass, DAY_MS, failOnDay, START } from './alerts-fixture';

const open: { close: () => Promise<void> }[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((x) => x.close()));
});

function writeAlertsFile(content: unknown): string {
  const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'rollscope-alerts-')), 'alerts.json');
  writeFileSync(file, JSON.stringify(content));
  return file;
}
const base = () => ({ ...digestSettings({ timeZone: 'UTC' }), importCron: '0 1 * * *', digestCron: '0 17 * * 5', admissionCron: '30 1 * * *', admissionFile: null, inboxDir: '/tmp/none', chainFile: null, maxLineBytes: 65536 });

describe(`the alerts job in the scheduler (${EXPECTED_KIND})`, () => {
  it('runs on ALERTS_CRON under its lease, records a JobRun and logs counts without the webhook URL', async () => {
    const t = await createTestDb();
    const receiver = await startHttpReceiver();
    open.push(t, receiver);
    const classId = await createClass(t.db);
    await failOnDay(t.db, 0, 3, classId);
    const alertsFile = writeAlertsFile({ owners: { build: [{ kind: 'slack', url: receiver.url('/services/T1/B2/SECRET') }] } });
    const lines: string[] = [];
    const settings = { ...base(), alertsFile, alertsCron: '*/10 * * * *', targets: { ...base().targets, stageSuccessRate: 0 } };
    const scheduler = createScheduler({ db: t.db, mailer: createMailer({ smtpUrl: null, outboxDir: settings.outboxDir }), settings, log: (l) => lines.push(l) });
    open.push({ close: scheduler.stop });
    await scheduler.tick(new Date(START + DAY_MS - 5 * 60_000)); // 23:55: not a 10-minute mark
    expect(receiver.received).toHaveLength(0);
    await scheduler.tick(new Date(START + DAY_MS - 10 * 60_000)); // 23:50
    expect(receiver.received).toHaveLength(1);
    expect(await t.db.prisma.jobRun.findFirstOrThrow({ where: { job: 'alerts' } })).toMatchObject({ status: 'succeeded' });
    const line = lines.find((l) => l.startsWith('alerts: '));
    expect(line).toMatch(/1 activated, 0 deactivated; 1 alert delivered \(e-mails written to outbox\), 0 failed/);
    expect(lines.join('\n')).not.toContain('SECRET');
  });

  it('refuses an invalid alerts file at start, naming the file and the field', async () => {
    const t = await createTestDb({ chain: false });
    open.push(t);
    const alertsFile = writeAlertsFile({ owners: { build: [{ kind: 'slack', url: 'ftp://x' }] }, thresholds: { classFailures: { activate: { day: 2, week: 5 }, deactivate: { day: 3, week: 1 } } } });
    const settings = { ...base(), alertsFile, alertsCron: '*/10 * * * *' };
    const make = () => createScheduler({ db: t.db, mailer: createMailer({ smtpUrl: null, outboxDir: '/tmp/x' }), settings });
    expect(make).toThrow(`${alertsFile}: invalid alerts file`);
    expect(make).toThrow(/owners\.build\.0\.url: must be an http\(s\) URL/);
    expect(make).toThrow(/thresholds\.classFailures\.deactivate\.day: must be ≤ activate\.day \(2\)/);
  });

  it('reads ALERTS_CRON and ROLLSCOPE_ALERTS_FILE, and refuses a bad ALERTS_CRON at start', async () => {
    expect(parseSettings({}, '/srv')).toMatchObject({ alertsFile: null, alertsCron: '*/10 * * * *' });
    expect(parseSettings({ ROLLSCOPE_ALERTS_FILE: 'conf/alerts.json', ALERTS_CRON: '*/5 * * * *' }, '/srv')).toMatchObject({ alertsFile: '/srv/conf/alerts.json', alertsCron: '*/5 * * * *' });
    const t = await createTestDb({ chain: false });
    open.push(t);
    const settings = { ...base(), alertsFile: writeAlertsFile({}), alertsCron: 'every ten minutes' };
    expect(() => createScheduler({ db: t.db, mailer: createMailer({ smtpUrl: null, outboxDir: '/tmp/x' }), settings })).toThrow(/ALERTS_CRON/);
  });
});
