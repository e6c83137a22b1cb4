import { afterEach, describe, expect, it } from 'vitest';
import { renderHtml, renderText } from '../../../lib/digest/blocks';
import { buildDigest } from '../../../lib/digest/build-digest';
import { deliverDigest } from '../../../lib/digest/deliver';
import { runWeeklyDigest } from '../../../lib/digest/run-weekly-digest';
import { createMailer } from '../../../lib/mail/mailer';
import { classifyAndRank } from '../../../lib/rank/classify-and-rank';
import { getRankingSnapshot } from '../../../lib/rank/snapshots';
import { EXPECTED_KIND, type TestDb } from '../../helpers/db';
import { ALL_RECIPIENTS, MANAGER, WEEK, createDigestDb, digestSettings } from '../../helpers/digest-fixture';
import { ingestRuns } from '../../helpers/ingest';
import { makeOldSnapshot } from '../../helpers/old-snapshot';
import { startSmtpServer, type TestSmtp } from '../../helpers/smtp';

const FAST_RETRY = { attempts: 3, baseDelayMs: 5 };
const open: (TestDb | TestSmtp)[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((x) => x.close()));
});

async function setup(behaviour: Parameters<typeof startSmtpServer>[0] = {}) {
  const t = await createDigestDb();
  const smtp = await startSmtpServer(behaviour);
  open.push(t, smtp);
  const settings = digestSettings();
  const mailer = createMailer({ smtpUrl: smtp.url, outboxDir: settings.outboxDir });
  const run = () => runWeeklyDigest({ db: t.db, mailer, settings, week: WEEK, now: new Date('2026-11-20T16:00:00Z'), retry: FAST_RETRY });
  return { t, smtp, settings, mailer, run };
}

describe('the weekly digest over SMTP', () => {
  it(`sends owners, team leads and managers the right content, as HTML and text (${EXPECTED_KIND})`, async () => {
    const { t, smtp, run } = await setup();
    const outcome = await run();
    expect(outcome).toMatchObject({ status: 'sent', delivery: { sent: ALL_RECIPIENTS.length, failed: 0, skipped: 0 } });
    expect(smtp.recipients()).toEqual(ALL_RECIPIENTS);

    const registry = smtp.received.find((m) => m.to && !Array.isArray(m.to) && m.to.text === 'registry-team@example.com')!;
    const pull = (await getRankingSnapshot(t.db, WEEK))!.classes.find((c) => c.ownerId === 'registry')!;
    expect(pull.impact).not.toBeNull();
    const gain = `${pull.impact!.expectedGain.toFixed(2)} pt`;
    expect(registry.subject).toBe(`[Rollscope] 2026-W47 · Image Registry: 1 error class, top expected gain ${gain}`);
    expect(registry.from?.value[0]).toMatchObject({ name: 'Rollscope', address: 'rollscope@test.example.com' });
    expect(registry.text).toContain('pull of <*>:<*> timed out after <*>');
    expect(registry.text).toMatch(/Failures \(vs last week\): 2 \(\+1\)/);
    expect(registry.text).toContain('Observed uplift: 50.00 pt (2 of 4)');
    expect(registry.text).toContain(`Expected gain (95% interval): ${gain} (`);
    expect(registry.text).toMatch(/blocked 2 of 4 finished rollouts; later stages passed ~\d+%/);
    expect(registry.text).toContain('Toil: what retries past your classes cost');
    expect(registry.text).toContain('No retries got past your classes this week.');
    expect(registry.text).toContain('pull of registry.example.com/user:2.0 timed out after 45s');
    expect(registry.html).toMatch(/href="https:\/\/rollscope\.example\.com\/errors\/\d+\?week=2026-W47"/);
    expect(registry.text).toContain('Image pull');
    expect(registry.text).toContain('No open admission-rule violations.');
    for (const m of smtp.received) {
      expect(m.html, m.subject).not.toMatch(/<script|<link|src="http|url\(/i);
      expect(m.text, m.subject).toBeTruthy();
    }

    const manager = smtp.received.find((m) => m.subject?.includes('KPIs'))!;
    expect(manager.subject).toBe('[Rollscope] 2026-W47 KPIs: success 25.0% (+25.0 pt), unattended 100.0%, 1 new error class');
    expect(manager.text).toMatch(/End-to-end success: 25\.0% \(1 of 4; \+25\.0 pt; target 95\.0%\)/);
    expect(manager.text).toContain(`Image Registry | Open classes: 1 | Failures: 2 | Expected gain (sum of separate gains): ${gain}`);
    const lead = smtp.received.find((m) => m.subject?.startsWith('[Rollscope] 2026-W47 · SRE lead summary'))!;
    expect(lead.text).toContain('Top 10 overall');
    expect(lead.text).toContain('New: health check GET <*> returned <*> after <*> attempts');
  });

  it(`lists open admission violations in the owning team's e-mail, and the rules with their outcomes in the managers' (${EXPECTED_KIND})`, async () => {
    const { t, smtp, run } = await setup();
    await t.db.prisma.admissionRule.create({ data: { id: 'unattended', title: 'Rollouts run unattended', kind: 'max-manual-interventions', severity: 'warning', mode: 'audit', scope: 'rollout', ownerId: 'registry' } });
    const rollout = await t.db.prisma.rollout.findFirstOrThrow({ where: { day: { gte: '2026-11-16', lte: '2026-11-22' }, outcome: 'failed' } });
    const seen = new Date('2026-11-18T10:00:00Z');
    await t.db.prisma.admissionViolation.create({ data: { ruleId: 'unattended', subjectType: 'rollout', subjectId: rollout.id, firstSeen: seen, lastSeen: seen, rollouts: { create: { rolloutId: rollout.id, ruleId: 'unattended', day: rollout.day, outcome: rollout.outcome } } } });
    await run();
    const registry = smtp.received.find((m) => m.to && !Array.isArray(m.to) && m.to.text === 'registry-team@example.com')!;
    expect(registry.text).toContain('Open admission-rule violations');
    expect(registry.text).toContain('Rollouts run unattended');
    expect(registry.text).toContain(`rollout ${rollout.id}`);
    const manager = smtp.received.find((m) => m.subject?.includes('KPIs'))!;
    expect(manager.text).toContain('Admission rules: failed rollouts, violating vs compliant');
    // 1 violating rollout (failed) of the week's 4 finished; 2 of the other 3 failed.
    expect(manager.text).toMatch(/Rollouts run unattended[\s\S]*audit[\s\S]*1[\s\S]*100\.0% of 1[\s\S]*66\.7% of 3[\s\S]*1 prevented, 0 good blocked/);
  });

  it(`sends nothing new when run again for the same week (${EXPECTED_KIND})`, async () => {
    const { smtp, run } = await setup();
    await run();
    const again = await run();
    expect(again).toMatchObject({ status: 'sent', delivery: { sent: 0, skipped: ALL_RECIPIENTS.length } });
    expect(smtp.received).toHaveLength(ALL_RECIPIENTS.length);
  });

  it(`after a crash between two messages, the next run sends only what was not sent (${EXPECTED_KIND})`, async () => {
    const { t, smtp, settings, mailer, run } = await setup();
    const { ranking } = await import('../../../lib/rank/classify-and-rank').then((m) => m.classifyAndRank({ db: t.db, settings, week: WEEK }));
    const owners = await t.db.prisma.owner.findMany();
    const stages = await t.db.prisma.stage.findMany({ select: { key: true, name: true, ownerId: true } });
    const drafts = buildDigest({ ranking, owners, stages, violations: [], admission: [], managers: [MANAGER], baseUrl: settings.baseUrl, targets: settings.targets });
    let delivered = 0;
    const crash = deliverDigest({ db: t.db, mailer, week: WEEK, from: settings.mailFrom, drafts, runId: null, retry: FAST_RETRY, onMessage: () => {
      delivered += 1;
      if (delivered === 3) throw new Error('process killed');
    } });
    await expect(crash).rejects.toThrow('process killed');
    expect(smtp.received).toHaveLength(3);
    const resumed = await run();
    expect(resumed).toMatchObject({ delivery: { sent: ALL_RECIPIENTS.length - 3, skipped: 3, failed: 0 } });
    expect(smtp.recipients()).toEqual(ALL_RECIPIENTS);
  });

  it(`retries a rejected recipient with backoff, records the failure with the server reply, and sends it on the next run (${EXPECTED_KIND})`, async () => {
    const { t, smtp, run } = await setup({ reject: (address) => address === MANAGER });
    const first = await run();
    expect(first).toMatchObject({ status: 'sent', delivery: { failed: 1, sent: ALL_RECIPIENTS.length - 1 } });
    const failed = await t.db.prisma.digestMessage.findFirstOrThrow({ where: { recipient: MANAGER } });
    expect(failed).toMatchObject({ status: 'failed', attempts: 3 });
    expect(failed.lastError).toMatch(/550 5\.1\.1 mailbox unavailable/);
    expect(await t.db.prisma.digestRun.findFirstOrThrow({ orderBy: { id: 'desc' } })).toMatchObject({ status: 'partial', failed: 1 });
    smtp.options.reject = undefined;
    expect(await run()).toMatchObject({ delivery: { sent: 1, skipped: ALL_RECIPIENTS.length - 1, failed: 0 } });
    expect(smtp.recipients()).toEqual(ALL_RECIPIENTS);
  });

  it(`survives a server that drops the connection: retried, then delivered, nothing lost (${EXPECTED_KIND})`, async () => {
    const { t, smtp, run } = await setup({ dropFirst: 2 });
    const outcome = await run();
    expect(outcome).toMatchObject({ delivery: { sent: ALL_RECIPIENTS.length, failed: 0 } });
    expect(smtp.recipients()).toEqual(ALL_RECIPIENTS);
    const retried = await t.db.prisma.digestMessage.findMany({ where: { attempts: { gt: 1 } } });
    expect(retried.length).toBeGreaterThan(0);
  });

  it(`records a failure when the server keeps dropping the connection, keeping the message for the next run (${EXPECTED_KIND})`, async () => {
    const { t, run } = await setup({ dropFirst: 1000 });
    const outcome = await run();
    expect(outcome).toMatchObject({ status: 'sent', delivery: { sent: 0, failed: ALL_RECIPIENTS.length } });
    const m = await t.db.prisma.digestMessage.findFirstOrThrow({ where: { recipient: MANAGER } });
    expect(m).toMatchObject({ status: 'failed', attempts: 3 });
    expect(m.lastError).toBeTruthy();
    expect(m.html).toContain('Pipeline KPIs');
    expect(await t.db.prisma.digestRun.findFirstOrThrow({ orderBy: { id: 'desc' } })).toMatchObject({ status: 'failed' });
  });
});

describe('expected gain, fix together, toil and "may reveal" in the digest', () => {
  const ownerText = (smtp: TestSmtp, to: string) => smtp.received.find((m) => m.to && !Array.isArray(m.to) && m.to.text === to)!;

  it(`shows the toil a retried class cost and the gain of fixing the top 3 together (${EXPECTED_KIND})`, async () => {
    const { t, smtp, run } = await setup();
    await ingestRuns(t.db, [
      // r5 gets past a pull timeout by a manual retry after 3 h 12 min: toil, no failed rollout.
      { rollout: 'r5', stage: 'image-pull', at: '2026-11-20T09:00:00Z', message: 'pull of registry.example.com/feed:1.4 timed out after 33s', durationMs: 11_520_000 },
      { rollout: 'r5', stage: 'image-pull', attempt: 2, at: '2026-11-20T12:15:00Z', manual: true },
      { rollout: 'r5', stage: 'monitor-attach', at: '2026-11-20T12:30:00Z' },
      // r6 fails on a third class, so there is a top 3.
      { rollout: 'r6', stage: 'config-sync', at: '2026-11-20T13:00:00Z', message: 'config key db.url missing (revision 7)' },
    ], 'Europe/Berlin');
    await run();
    const registry = ownerText(smtp, 'registry-team@example.com');
    expect(registry.text).toMatch(/- 1 \| Error class: pull of <\*>:<\*> timed out after <\*> <https:\/\/rollscope\.example\.com\/errors\/\d+\?week=2026-W47> \| Manual retries: 1 \| Attempts lost: 1 \| Time lost: 3 h 12 min \| Rollouts: 1$/m);
    expect(registry.text).toMatch(/Fixing the top 3 together: \+\d+\.\d\d pt \(their separate gains add up to \d+\.\d\d pt[^)]*\); 1 of them yours/);
    expect(registry.html).toContain('Toil #');
    const ranking = (await getRankingSnapshot(t.db, WEEK))!;
    expect(ranking.fixTogether.map((j) => j.k)).toEqual([3]);
    const lead = smtp.received.find((m) => m.subject?.startsWith('[Rollscope] 2026-W47 · Image Registry lead summary'))!;
    expect(lead.text).toContain("Toil: what retries past your team's classes cost");
    expect(lead.text).toMatch(/Fixing the top 3 together: \+\d+\.\d\d pt .*; 1 of them yours/);
  });

  it(`says which class fixing one may reveal, linked, with its evidence (${EXPECTED_KIND})`, async () => {
    const t = await createDigestDb();
    open.push(t);
    const settings = digestSettings();
    const { ranking } = await classifyAndRank({ db: t.db, settings, week: WEEK });
    const pull = ranking.classes.find((c) => c.ownerId === 'registry')!;
    const health = ranking.classes.find((c) => c.ownerId === 'sre')!;
    pull.impact!.hiddenBehind = [{ classId: health.classId, stageKey: 'health-check', rollouts: 12, of: 15, group: 'release feed@1.4', groups: 2 }];
    const owners = await t.db.prisma.owner.findMany();
    const stages = await t.db.prisma.stage.findMany({ select: { key: true, name: true, ownerId: true } });
    const drafts = buildDigest({ ranking, owners, stages, violations: [], admission: [], managers: [MANAGER], baseUrl: settings.baseUrl, targets: settings.targets });
    const registry = drafts.find((d) => d.recipient === 'registry-team@example.com')!;
    const link = `https://rollscope.example.com/errors/${health.classId}?week=2026-W47`;
    expect(renderText(registry.email)).toContain(
      `fixing it may reveal ${health.template} <${link}>: 12 of the 15 rollouts of release feed@1.4 that got past this class's stage then failed with that class at health-check; seen in 2 services or cohorts`,
    );
    expect(renderHtml(registry.email)).toContain(`fixing it may reveal <a href="${link}"`);
    expect(renderText(drafts.find((d) => d.recipient === 'sre-team@example.com')!.email)).not.toContain('may reveal');
  });

  it(`links a class to its tracker issue where it has one (${EXPECTED_KIND})`, async () => {
    const t = await createDigestDb();
    open.push(t);
    const settings = digestSettings();
    const first = await classifyAndRank({ db: t.db, settings, week: WEEK });
    const pull = first.ranking.classes.find((c) => c.ownerId === 'registry')!;
    await t.db.prisma.errorClass.update({ where: { id: pull.classId }, data: { trackerUrl: 'https://tracker.example.com/REG-12' } });
    const { ranking } = await classifyAndRank({ db: t.db, settings, week: WEEK });
    const owners = await t.db.prisma.owner.findMany();
    const stages = await t.db.prisma.stage.findMany({ select: { key: true, name: true, ownerId: true } });
    const drafts = buildDigest({ ranking, owners, stages, violations: [], admission: [], managers: [MANAGER], baseUrl: settings.baseUrl, targets: settings.targets });
    const registry = drafts.find((d) => d.recipient === 'registry-team@example.com')!;
    expect(renderText(registry.email)).toContain('Tracker issue: https://tracker.example.com/REG-12 <https://tracker.example.com/REG-12>');
    expect(renderHtml(registry.email)).toContain('<a href="https://tracker.example.com/REG-12"');
    expect(renderText(drafts.find((d) => d.recipient === 'sre-team@example.com')!.email)).not.toContain('Tracker issue');
  });

  it(`shows – for a week ranked before expected gain and toil existed, and sends it all the same (${EXPECTED_KIND})`, async () => {
    const { t, smtp, settings, run } = await setup();
    await classifyAndRank({ db: t.db, settings, week: WEEK });
    await makeOldSnapshot(t.db, WEEK);
    expect(await run()).toMatchObject({ status: 'sent', delivery: { sent: ALL_RECIPIENTS.length, failed: 0 } });
    const registry = ownerText(smtp, 'registry-team@example.com');
    expect(registry.subject).toBe('[Rollscope] 2026-W47 · Image Registry: 1 error class');
    expect(registry.text).toContain('Expected gain (95% interval): – | Observed uplift: 50.00 pt (2 of 4)');
    expect(registry.text).toContain('No toil figures: this week was ranked before they existed (–).');
    expect(registry.text).not.toContain('Fixing the top');
    expect(registry.text).not.toMatch(/NaN|undefined|null/);
    const manager = smtp.received.find((m) => m.subject?.includes('KPIs'))!;
    expect(manager.text).toContain('Image Registry | Open classes: 1 | Failures: 2 | Expected gain (sum of separate gains): – |');
  });
});

describe('the outbox and the dry run', () => {
  it(`writes each message as an .eml file when no SMTP server is set, once (${EXPECTED_KIND})`, async () => {
    const t = await createDigestDb();
    open.push(t);
    const settings = digestSettings();
    const mailer = createMailer({ smtpUrl: null, outboxDir: settings.outboxDir });
    const outcome = await runWeeklyDigest({ db: t.db, mailer, settings, week: WEEK });
    expect(outcome).toMatchObject({ delivery: { sent: ALL_RECIPIENTS.length } });
    const stored = await t.db.prisma.digestMessage.findMany();
    expect(stored.every((m) => m.outboxPath?.startsWith(settings.outboxDir) && m.outboxPath.endsWith('.eml'))).toBe(true);
    const { readFileSync } = await import('node:fs');
    const eml = readFileSync(stored.find((m) => m.recipient === MANAGER)!.outboxPath!, 'utf8');
    expect(eml).toMatch(/^To: boss@example\.com$/m);
    expect(eml).toMatch(/Content-Type: multipart\/alternative/);
  });

  it(`a dry run says who would get what and writes previews, sending and recording nothing (${EXPECTED_KIND})`, async () => {
    const { t, smtp, settings, mailer } = await setup();
    const outcome = await runWeeklyDigest({ db: t.db, mailer, settings, week: WEEK, dryRun: true });
    expect(outcome.status).toBe('dry-run');
    if (outcome.status !== 'dry-run') return;
    expect(outcome.drafts.map((d) => d.recipient).sort()).toEqual(ALL_RECIPIENTS);
    expect(outcome.drafts[0]!.preview).toMatch(/outbox-.*\/preview\/2026-W47\/.*\.html$/);
    expect(smtp.received).toHaveLength(0);
    expect(await t.db.prisma.digestMessage.count()).toBe(0);
  });
});

describe('what the dashboard lists of the digests', () => {
  it(`lists the messages of a week with their delivery status, one message in full, and the job history (${EXPECTED_KIND})`, async () => {
    const { t, run } = await setup({ reject: (address) => address === MANAGER });
    await run();
    const { listDigestMessages, getDigestMessage, listJobRuns } = await import('../../../lib/digest/list-digests');
    const { weeks, messages } = await listDigestMessages(t.db);
    expect(weeks).toEqual([WEEK]);
    expect(messages).toHaveLength(ALL_RECIPIENTS.length);
    const failed = messages.find((m) => m.recipient === MANAGER)!;
    expect(failed).toMatchObject({ status: 'failed', attempts: 3 });
    expect(failed.lastError).toMatch(/550/);
    expect((await getDigestMessage(t.db, failed.id))!.html).toContain('Pipeline KPIs');
    const jobs = await listJobRuns(t.db);
    expect(jobs[0]).toMatchObject({ job: 'weekly-digest', status: 'succeeded' });
    // PostgreSQL's jsonb does not keep key order: check the parts.
    for (const part of ['week 2026-W47', 'sent 10', 'failed 1']) expect(jobs[0]!.summary).toContain(part);
  });
});
