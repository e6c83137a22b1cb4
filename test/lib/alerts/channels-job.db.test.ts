import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { addChannelSchema } from '../../../lib/alerts/channel-schemas';
import { addAlertChannel, removeAlertChannel } from '../../../lib/alerts/channels';
import { createAlertsJob } from '../../../lib/alerts/job';
import { EMPTY_ALERTS_CONFIG } from '../../../lib/alerts/config';
import type { Db } from '../../../lib/db';
import { createScheduler } from '../../../lib/jobs/scheduler';
import { createMailer } from '../../../lib/mail/mailer';
import { createTestDb, EXPECTED_KIND } from '../../helpers/db';
import { digestSettings } from '../../helpers/digest-fixture';
import { startHttpReceiver } from '../../helpers/http-receiver';
import { createClass, DAY_MS, failOnDay, START } from './alerts-fixture';

/** The real alerts evaluation delivering to channels added in Settings, with and without an alerts file. */
const open: { close: () => Promise<void> }[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((x) => x.close()));
});
const base = () => ({
  ...digestSettings({ timeZone: 'UTC' }), importCron: '0 1 * * *', digestCron: '0 17 * * 5', admissionCron: '30 1 * * *',
  admissionFile: null, inboxDir: '/tmp/none', chainFile: null, maxLineBytes: 65536, alertsCron: '*/10 * * * *',
});
const add = (db: Db, fields: Record<string, unknown>) =>
  addAlertChannel(db, addChannelSchema.parse(fields), { actor: 'admin@example.com', config: EMPTY_ALERTS_CONFIG, file: null });

describe(`alerts to channels added in Settings (${EXPECTED_KIND})`, () => {
  it('without an alerts file: idle (no lease, no JobRun) until a channel is added, then delivers to it', async () => {
    const t = await createTestDb();
    const receiver = await startHttpReceiver();
    open.push(t, receiver);
    await failOnDay(t.db, 0, 3, await createClass(t.db));
    const lines: string[] = [];
    const settings = { ...base(), alertsFile: null, targets: { ...base().targets, stageSuccessRate: 0 } };
    const mailer = createMailer({ smtpUrl: null, outboxDir: settings.outboxDir });
    const scheduler = createScheduler({ db: t.db, mailer, settings, log: (l) => lines.push(l) });
    open.push({ close: scheduler.stop });
    await scheduler.tick(new Date(START + DAY_MS - 20 * 60_000));
    expect(await t.db.prisma.jobRun.count({ where: { job: 'alerts' } })).toBe(0);
    expect(await t.db.prisma.alertState.count()).toBe(0);
    expect(lines.filter((l) => l.startsWith('alerts:'))).toEqual([]);
    // Added while the scheduler runs: the next run reads it.
    await add(t.db, { owner: 'build', kind: 'webhook', name: 'ops', url: receiver.url('/db/DBSECRET') });
    await scheduler.tick(new Date(START + DAY_MS - 10 * 60_000));
    expect(receiver.received.map((r) => [r.path, r.body.trigger])).toEqual([['/db/DBSECRET', 'class-failures']]);
    expect(await t.db.prisma.alertMessage.findMany({ select: { channel: true, status: true } })).toEqual([{ channel: 'build/ops', status: 'sent' }]);
    expect(await t.db.prisma.jobRun.findFirstOrThrow({ where: { job: 'alerts' } })).toMatchObject({ status: 'succeeded' });
    expect(lines.join('\n')).toMatch(/alerts: .*1 activated.*1 alert delivered/);
    expect(lines.join('\n')).not.toContain('DBSECRET');
  });

  it('with a file: the file\'s and the database\'s channels both get the alert; a removed channel gets nothing new', async () => {
    const t = await createTestDb();
    const receiver = await startHttpReceiver();
    open.push(t, receiver);
    const classId = await createClass(t.db);
    await failOnDay(t.db, 0, 3, classId);
    const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'rollscope-alerts-')), 'alerts.json');
    writeFileSync(file, JSON.stringify({ owners: { build: [{ kind: 'slack', name: 'chat', url: receiver.url('/file/hook') }] } }));
    const db = await add(t.db, { owner: 'build', kind: 'webhook', name: 'ops', url: receiver.url('/db/hook') });
    const settings = { ...base(), alertsFile: file, targets: { ...base().targets, stageSuccessRate: 0 } };
    const job = createAlertsJob(settings, { db: t.db, mailer: createMailer({ smtpUrl: null, outboxDir: '/tmp/x' }) });
    expect(await job.enabled()).toBe(true);
    const first = await job.run(new Date(START + DAY_MS - 60_000));
    expect(first).toMatchObject({ activated: 1, sent: 2, failed: 0 });
    expect(receiver.received.map((r) => r.path).sort()).toEqual(['/db/hook', '/file/hook']);
    // A rerun sends nothing again (exactly-once keys include the channel id).
    expect(await job.run(new Date(START + DAY_MS))).toMatchObject({ sent: 0 });
    // Deactivate (quiet days), remove the database channel, activate again: only the file's channel gets it.
    await job.run(new Date(START + 9 * DAY_MS));
    await removeAlertChannel(t.db, { id: db.id }, { actor: 'admin@example.com' });
    await failOnDay(t.db, 9, 3, classId);
    expect(await job.run(new Date(START + 10 * DAY_MS - 60_000))).toMatchObject({ activated: 1, sent: 1 });
    expect(receiver.received.map((r) => r.path).sort()).toEqual(['/db/hook', '/file/hook', '/file/hook']);
  });

  it('a job without a file and without channels is not enabled', async () => {
    const t = await createTestDb({ chain: false });
    open.push(t);
    const job = createAlertsJob({ ...base(), alertsFile: null }, { db: t.db, mailer: createMailer({ smtpUrl: null, outboxDir: '/tmp/x' }) });
    expect(await job.enabled()).toBe(false);
  });
});
