import { afterEach, describe, expect, it } from 'vitest';
import { buildDigest } from '../../../lib/digest/build-digest';
import { deliverDigest } from '../../../lib/digest/deliver';
import { runWeeklyDigest } from '../../../lib/digest/run-weekly-digest';
import { createMailer } from '../../../lib/mail/mailer';
import { EXPECTED_KIND, type TestDb } from '../../helpers/db';
import { ALL_RECIPIENTS, MANAGER, WEEK, createDigestDb, digestSettings } from '../../helpers/digest-fixture';
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
    const { smtp, run } = await setup();
    const outcome = await run();
    expect(outcome).toMatchObject({ status: 'sent', delivery: { sent: ALL_RECIPIENTS.length, failed: 0, skipped: 0 } });
    expect(smtp.recipients()).toEqual(ALL_RECIPIENTS);

    const registry = smtp.received.find((m) => m.to && !Array.isArray(m.to) && m.to.text === 'registry-team@example.com')!;
    expect(registry.subject).toBe('[Rollscope] 2026-W47 · Image Registry: 1 error class, top uplift 50.0 pt');
    expect(registry.from?.value[0]).toMatchObject({ name: 'Rollscope', address: 'rollscope@test.example.com' });
    expect(registry.text).toContain('pull of <*>:<*> timed out after <*>');
    expect(registry.text).toMatch(/Failures \(vs last week\): 2 \(\+1\)/);
    expect(registry.text).toContain('Uplift: 50.00 pt (2 of 4)');
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
    const lead = smtp.received.find((m) => m.subject?.startsWith('[Rollscope] 2026-W47 · SRE lead summary'))!;
    expect(lead.text).toContain('Top 10 overall');
    expect(lead.text).toContain('New: health check GET <*> returned <*> after <*> attempts');
  });

  it(`lists open admission violations in the owning team's e-mail, and the rules with their outcomes in the managers' (${EXPECTED_KIND})`, async () => {
    const { t, smtp, run } = await setup();
    await t.db.prisma.admissionRule.create({ data: { id: 'unattended', title: 'Rollouts run unattended', kind: 'max-manual-interventions', severity: 'warning', mode: 'audit', scope: 'rollout', ownerId: 'registry' } });
    const rollout = await t.db.prisma.rollout.findFirstOrThrow({ where: { day: { gte: '2026-11-16', lte: '2026-11-22' }, outcome: 'failed' } });
    const seen = new Date('2026-11-18T10:00:00Z');
    await t.db.prisma.admissionViolation.create({ data: { ruleId: 'unattended', subjectType: 'rollout', subjectId: rollout.id, firstSeen: seen, lastSeen: seen, rollouts: { create: { rolloutId: rollout.id } } } });
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
