import { afterEach, describe, expect, it } from 'vitest';
import { parseAlertsConfig } from '../../../lib/alerts/config';
import { runAlerts } from '../../../lib/alerts/run-alerts';
import { createTestDb, EXPECTED_KIND } from '../../helpers/db';
import { startHttpReceiver, type TestReceiver } from '../../helpers/http-receiver';
import { ingestRuns } from '../../helpers/ingest';
import { createClass, DAY_MS, failOnDay, FAST_RETRY, sendDeps, SETTINGS, START } from './alerts-fixture';

const open: { close: () => Promise<void> }[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((x) => x.close()));
});

async function setup() {
  const t = await createTestDb();
  const receiver = await startHttpReceiver();
  open.push(t, receiver);
  // Channels only in the fallback: every owner's alerts come here.
  const config = parseAlertsConfig({ fallback: [{ kind: 'webhook', url: receiver.url('/hook') }] }, 'test');
  const run = (at: number, target = 0) =>
    runAlerts({ db: t.db, config, send: sendDeps(), now: new Date(at), settings: { ...SETTINGS, targets: { stageSuccessRate: target } }, retry: FAST_RETRY });
  return { t, receiver, run };
}
const bodies = (r: TestReceiver) => r.received.map((x) => x.body as { trigger: string; subject: string; activation: number; labels: string[]; reason: string });
const at = (day: number, hour: number) => new Date(START + day * DAY_MS + hour * 3_600_000).toISOString();

describe(`alert triggers (${EXPECTED_KIND})`, () => {
  it('a stage under its first-pass target for K days in a row alerts once, and clears after a day on target', async () => {
    const { t, receiver, run } = await setup();
    for (let d = 0; d < 3; d += 1) {
      await ingestRuns(t.db, [
        { rollout: `ok-${d}`, stage: 'test-build', at: at(d, 9) },
        { rollout: `bad-${d}`, stage: 'test-build', at: at(d, 10), message: 'flaky test' },
      ]);
      await run(START + (d + 1) * DAY_MS + 60_000, 0.9);
    }
    expect(bodies(receiver).map((b) => [b.trigger, b.subject, b.activation])).toEqual([['stage-first-pass', 'test-build', 1]]);
    expect(bodies(receiver)[0]!.reason).toBe('days in a row under the first-pass target 90.0% (latest 50.0%): 3 (threshold 3)');
    await ingestRuns(t.db, [{ rollout: 'ok-3', stage: 'test-build', at: at(3, 9) }]);
    expect(await run(START + 4 * DAY_MS + 60_000, 0.9)).toMatchObject({ activated: 0, deactivated: 1 });
    expect(receiver.received).toHaveLength(1);
  });

  it('an admission rule opening violations alerts once per opening', async () => {
    const { t, receiver, run } = await setup();
    await t.db.prisma.admissionRule.create({ data: { id: 'pinned-images', title: 'Images are pinned', kind: 'k', severity: 'warning', mode: 'warn', scope: 'rollout', ownerId: 'release' } });
    const v = { ruleId: 'pinned-images', subjectType: 'rollout', firstSeen: new Date(START), lastSeen: new Date(START) };
    await t.db.prisma.admissionViolation.createMany({ data: [{ ...v, subjectId: 'r1' }, { ...v, subjectId: 'r2' }] });
    expect(await run(START + DAY_MS)).toMatchObject({ activated: 1 });
    expect(await run(START + DAY_MS + 600_000)).toMatchObject({ activated: 0, deactivated: 0 });
    await t.db.prisma.admissionViolation.updateMany({ data: { status: 'resolved' } });
    expect(await run(START + 2 * DAY_MS)).toMatchObject({ deactivated: 1 });
    await t.db.prisma.admissionViolation.updateMany({ where: { subjectId: 'r2' }, data: { status: 'open' } });
    await run(START + 3 * DAY_MS);
    expect(bodies(receiver).map((b) => [b.subject, b.activation, b.reason])).toEqual([
      ['pinned-images', 1, 'open violations: 2 (threshold 1)'],
      ['pinned-images', 2, 'open violations: 1 (threshold 1)'],
    ]);
  });

  it('labels a class regressed after resolve and escalating; an ignored class never alerts', async () => {
    const { t, receiver, run } = await setup();
    const classId = await createClass(t.db);
    const ignored = await createClass(t.db);
    await t.db.prisma.errorClass.update({ where: { id: ignored }, data: { status: 'ignored' } });
    await failOnDay(t.db, 0, 2, classId);
    await failOnDay(t.db, 20, 5, ignored);
    await t.db.prisma.errorClass.update({ where: { id: classId }, data: { status: 'resolved', resolvedAt: new Date(START + DAY_MS) } });
    await failOnDay(t.db, 7, 4, classId);
    await run(START + 8 * DAY_MS - 1000);
    expect(bodies(receiver).map((b) => [b.subject, b.labels])).toEqual([[String(classId), ['regressed after resolve', 'escalating']]]);
    await run(START + 21 * DAY_MS - 1000);
    expect(receiver.received).toHaveLength(1);
  });
});

describe(`tracker links in alerts (${EXPECTED_KIND})`, () => {
  it('a class made by a class rule without its own link carries the rule\'s link', async () => {
    const { t, receiver, run } = await setup();
    const classId = await createClass(t.db);
    await t.db.prisma.classRule.create({ data: { position: 0, matchKind: 'template', pattern: 'disk full on <*>', trackerUrl: 'https://t.example.com/rule/5', classId, createdBy: 'x' } });
    await failOnDay(t.db, 0, 3, classId);
    await run(START + DAY_MS - 1000);
    expect(receiver.received[0]!.body).toMatchObject({ trackerUrl: 'https://t.example.com/rule/5', tracker: 'Tracker issue: https://t.example.com/rule/5' });
  });
});
