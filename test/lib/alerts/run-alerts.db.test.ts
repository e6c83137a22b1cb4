import { afterEach, describe, expect, it } from 'vitest';
import { nextState } from '../../../lib/alerts/hysteresis';
import { DEFAULT_CLASS_THRESHOLDS } from '../../../lib/alerts/config';
import { runAlerts } from '../../../lib/alerts/run-alerts';
import { createTestDb, EXPECTED_KIND } from '../../helpers/db';
import { startHttpReceiver } from '../../helpers/http-receiver';
import { configFor, createClass, DAY_MS, failOnDay, FAST_RETRY, sendDeps, SETTINGS, START } from './alerts-fixture';

const open: { close: () => Promise<void> }[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((x) => x.close()));
});

// Failed rollouts per day over a month: an activation (day 5), a long stretch between the thresholds
// (1 a day keeps the week at ≥ 3), a deactivation, a rise that stays under them, a re-activation.
const MONTH = [0, 0, 1, 0, 2, 4, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 2, 0, 2, 0, 2, 0, 0, 0, 3, 1];

describe(`alerts over a simulated month (${EXPECTED_KIND})`, () => {
  it('sends one alert per activation, none between the thresholds, a new one after re-activation', async () => {
    const t = await createTestDb();
    const receiver = await startHttpReceiver();
    open.push(t, receiver);
    const classId = await createClass(t.db);
    const config = configFor(receiver);
    let active = false;
    const expected: number[] = [];
    for (let d = 0; d < MONTH.length; d += 1) {
      await failOnDay(t.db, d, MONTH[d]!, classId);
      const now = new Date(START + (d + 1) * DAY_MS - 1000);
      const result = await runAlerts({ db: t.db, config, send: sendDeps(), now, settings: SETTINGS, retry: FAST_RETRY });
      // The reference: the pure model on the figures the month implies.
      const week = MONTH.slice(Math.max(0, d - 6), d + 1).reduce((a, b) => a + b, 0);
      const next = nextState(active, { day: MONTH[d]!, week }, DEFAULT_CLASS_THRESHOLDS);
      if (next.transition === 'activated') expected.push(d);
      expect(result, `day ${d}`).toMatchObject({ activated: next.transition === 'activated' ? 1 : 0, deactivated: next.transition === 'deactivated' ? 1 : 0, failed: 0 });
      active = next.active;
    }
    expect(expected).toEqual([5, 28]);
    const hooks = receiver.received.filter((r) => r.path === '/hook');
    expect(hooks.map((h) => h.body.activation)).toEqual([1, 2]);
    expect(receiver.received.filter((r) => r.path.startsWith('/slack'))).toHaveLength(2);
    const state = await t.db.prisma.alertState.findUniqueOrThrow({ where: { trigger_subject: { trigger: 'class-failures', subject: String(classId) } } });
    expect(state).toMatchObject({ active: true, activation: 2 });
  });

  it('says why (figures and thresholds), links to the page and says when no tracker issue is linked', async () => {
    const t = await createTestDb();
    const receiver = await startHttpReceiver();
    open.push(t, receiver);
    const classId = await createClass(t.db);
    await failOnDay(t.db, 0, 3, classId);
    await runAlerts({ db: t.db, config: configFor(receiver), send: sendDeps(), now: new Date(START + DAY_MS - 1000), settings: SETTINGS, retry: FAST_RETRY });
    const json = receiver.received.find((r) => r.path === '/hook')!;
    expect(json.headers['content-type']).toBe('application/json');
    expect(json.headers['idempotency-key']).toBe(json.body.id);
    expect(json.body).toMatchObject({
      type: 'rollscope.alert', trigger: 'class-failures', subject: String(classId), activation: 1, labels: ['new'],
      url: `http://rollscope.test/errors/${classId}`, trackerUrl: null, figures: { day: 3, week: 3 },
      thresholds: DEFAULT_CLASS_THRESHOLDS, owner: { id: 'build' },
      reason: 'failed rollouts in the last 24 hours: 3 (threshold 3)',
    });
    expect(json.body.tracker).toMatch(/No tracker issue is linked/);
    const slack = receiver.received.find((r) => r.path.startsWith('/slack'))!.body as { text: string; blocks: { type: string; text?: { type: string; text: string } }[] };
    expect(slack.text).toContain(`Failure class #${classId}: disk full on <*> [new]: failed rollouts in the last 24 hours: 3 (threshold 3)`);
    expect(slack.text).toContain('No tracker issue is linked');
    expect(slack.blocks[0]).toEqual({ type: 'section', text: { type: 'mrkdwn', text: `*<http://rollscope.test/errors/${classId}|Failure class #${classId}: disk full on &lt;*&gt;>* [new]` } });
    expect(slack.blocks.map((b) => b.type)).toEqual(['section', 'section', 'context']);
  });
});
