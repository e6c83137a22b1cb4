import { afterEach, describe, expect, it } from 'vitest';
import { parseAlertsConfig } from '../../../lib/alerts/config';
import { runAlerts } from '../../../lib/alerts/run-alerts';
import { createTestDb, EXPECTED_KIND } from '../../helpers/db';
import { startHttpReceiver } from '../../helpers/http-receiver';
import { startSmtpServer } from '../../helpers/smtp';
import { configFor, createClass, DAY_MS, failOnDay, FAST_RETRY, sendDeps, SETTINGS, START } from './alerts-fixture';

const open: { close: () => Promise<void> }[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((x) => x.close()));
});

async function setup(trackerUrl: string | null = null) {
  const t = await createTestDb();
  const receiver = await startHttpReceiver();
  open.push(t, receiver);
  const classId = await createClass(t.db, trackerUrl);
  await failOnDay(t.db, 0, 4, classId);
  return { t, receiver, classId, now: new Date(START + DAY_MS - 1000) };
}
const messages = async (t: Awaited<ReturnType<typeof setup>>['t']) =>
  t.db.prisma.alertMessage.findMany({ orderBy: { id: 'asc' }, select: { channel: true, status: true, attempts: true, lastError: true, nextAttemptAt: true } });

describe(`alert delivery (${EXPECTED_KIND})`, () => {
  it('is exactly once after a crash between the receiver\'s answer and the mark: the rerun resends only that alert, same id', async () => {
    const { t, receiver, now } = await setup();
    const config = configFor(receiver);
    const crash = async () => { throw new Error('killed'); };
    await expect(runAlerts({ db: t.db, config, send: sendDeps(), now, settings: SETTINGS, retry: FAST_RETRY, beforeMarkSent: crash })).rejects.toThrow('killed');
    expect(receiver.received.map((r) => r.path)).toEqual(['/hook']);
    const again = await runAlerts({ db: t.db, config, send: sendDeps(), now: new Date(now.getTime() + 600_000), settings: SETTINGS, retry: FAST_RETRY });
    expect(again).toMatchObject({ activated: 0, sent: 2, failed: 0 });
    const hooks = receiver.received.filter((r) => r.path === '/hook');
    // Delivered twice to the webhook, with one id: a receiver that honours Idempotency-Key keeps one.
    expect(hooks).toHaveLength(2);
    expect(new Set(hooks.map((h) => h.headers['idempotency-key'])).size).toBe(1);
    expect(receiver.received.filter((r) => r.path.startsWith('/slack'))).toHaveLength(1);
    expect((await messages(t)).map((m) => m.status)).toEqual(['sent', 'sent']);
    // A third run sends nothing.
    await runAlerts({ db: t.db, config, send: sendDeps(), now: new Date(now.getTime() + 1_200_000), settings: SETTINGS, retry: FAST_RETRY });
    expect(receiver.received).toHaveLength(3);
  });

  it('retries while the receiver answers 500, within the run', async () => {
    const { t, receiver, now } = await setup();
    let failures = 2;
    receiver.status = () => (failures-- > 0 ? 500 : 200);
    const result = await runAlerts({ db: t.db, config: configFor(receiver), send: sendDeps(), now, settings: SETTINGS, retry: FAST_RETRY });
    expect(result).toMatchObject({ activated: 1, sent: 2, failed: 0 });
    expect((await messages(t)).map((m) => [m.status, m.attempts])).toEqual([['sent', 3], ['sent', 1]]);
  });

  it('retries a receiver that is down in later runs, after the backoff, never logging the webhook path', async () => {
    const { t, receiver, now } = await setup();
    await receiver.down();
    const config = configFor(receiver);
    const first = await runAlerts({ db: t.db, config, send: sendDeps(), now, settings: SETTINGS, retry: FAST_RETRY });
    expect(first).toMatchObject({ activated: 1, sent: 0, failed: 2 });
    const failed = await messages(t);
    expect(failed.map((m) => [m.status, m.attempts])).toEqual([['failed', 3], ['failed', 3]]);
    expect(failed[1]!.lastError).toMatch(/^POST to 127\.0\.0\.1:\d+: ECONNREFUSED$/);
    expect(failed.every((m) => !m.lastError!.includes('SECRET'))).toBe(true);
    await receiver.up();
    const early = await runAlerts({ db: t.db, config, send: sendDeps(), now: new Date(now.getTime() + 60_000), settings: SETTINGS, retry: FAST_RETRY });
    expect(early).toMatchObject({ sent: 0, failed: 0 });
    const later = await runAlerts({ db: t.db, config, send: sendDeps(), now: new Date(failed[0]!.nextAttemptAt!.getTime() + 1000), settings: SETTINGS, retry: FAST_RETRY });
    expect(later).toMatchObject({ activated: 0, sent: 2, failed: 0 });
    expect(receiver.received.map((r) => r.path)).toEqual(['/hook', '/slack/T000/SECRET']);
  });

  it('sends e-mail to the owner through SMTP, with the tracker issue when the class has one', async () => {
    const { t, receiver, now, classId } = await setup('https://tracker.example.com/issues/42');
    const smtp = await startSmtpServer();
    open.push(smtp);
    const config = parseAlertsConfig({ owners: { build: [{ kind: 'email' }] } }, 'test');
    expect(await runAlerts({ db: t.db, config, send: sendDeps(smtp.url), now, settings: SETTINGS, retry: FAST_RETRY })).toMatchObject({ sent: 1 });
    expect(smtp.recipients()).toEqual(['build-team@example.com']);
    const mail = smtp.received[0]!;
    expect(mail.subject).toBe(`[Rollscope alert] Failure class #${classId}: disk full on <*>`);
    expect(mail.text).toContain('Why: failed rollouts in the last 24 hours: 4 (threshold 3)');
    expect(mail.text).toContain('Tracker issue: https://tracker.example.com/issues/42');
    expect(mail.html).toContain(`href="http://rollscope.test/errors/${classId}"`);
    expect(mail.messageId).toMatch(/^<rollscope-alert-[0-9a-f]{16}\./);
    expect(receiver.received).toHaveLength(0);
  });
});
