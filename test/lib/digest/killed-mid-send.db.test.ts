import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { buildDigest } from '../../../lib/digest/build-digest';
import { deliverDigest } from '../../../lib/digest/deliver';
import { getDigestWeekSummary } from '../../../lib/digest/list-digests';
import { INTERRUPTED } from '../../../lib/jobs/job-runs';
import { acquireLock, LeaseLostError } from '../../../lib/jobs/lock';
import { createScheduler } from '../../../lib/jobs/scheduler';
import { createMailer } from '../../../lib/mail/mailer';
import { classifyAndRank } from '../../../lib/rank/classify-and-rank';
import { EXPECTED_KIND, type TestDb } from '../../helpers/db';
import { ALL_RECIPIENTS, MANAGER, WEEK, createDigestDb, digestSettings } from '../../helpers/digest-fixture';
import { startSmtpServer, type TestSmtp } from '../../helpers/smtp';

const ROOT = path.resolve(import.meta.dirname, '..', '..', '..');
const open: { close: () => Promise<void> }[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((x) => x.close()));
});

async function setup() {
  const t: TestDb = await createDigestDb();
  const smtp: TestSmtp = await startSmtpServer();
  open.push(t, smtp);
  return { t, smtp };
}

/** `npm run digest` as its own process (node, not the tsx wrapper, so the pid is the one holding the lease). */
function runDigestCli(t: TestDb, smtp: TestSmtp) {
  const env = {
    ...process.env,
    DATABASE_URL: t.url,
    SMTP_URL: smtp.url,
    ROLLSCOPE_TIMEZONE: 'Europe/Berlin',
    MANAGER_EMAILS: MANAGER,
    ROLLSCOPE_DATA_DIR: mkdtempSync(path.join(os.tmpdir(), 'rollscope-cli-digest-')),
  };
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'lib/cli/digest.ts'), '--week', WEEK], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (b: Buffer) => (output += b.toString()));
  child.stderr.on('data', (b: Buffer) => (output += b.toString()));
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  return { child, exit, output: () => output };
}

const DOWN = 1_000_000;

/**
 * Runs the digest CLI, lets the server accept `sent` messages, then drops every connection (the
 * next send fails and is retried), and kills the process with SIGKILL during those retries.
 */
async function killMidSend(t: TestDb, smtp: TestSmtp, sent: number) {
  let down = false;
  const push = smtp.received.push.bind(smtp.received);
  smtp.received.push = (...mails) => {
    const n = push(...mails);
    if (n >= sent) [down, smtp.options.dropFirst] = [true, DOWN];
    return n;
  };
  const cli = runDigestCli(t, smtp);
  // Killed once the server has dropped a send: the process is then between retries of the next message.
  await expect.poll(() => down && (smtp.options.dropFirst ?? 0) < DOWN, { timeout: 45_000, interval: 20 }).toBe(true);
  cli.child.kill('SIGKILL');
  expect(await cli.exit).toEqual({ code: null, signal: 'SIGKILL' });
  smtp.received.push = Array.prototype.push.bind(smtp.received);
  smtp.options.dropFirst = 0;
  // What the killed process left: its lease (unexpired) and a run still "running".
  const lock = await t.db.prisma.jobLock.findUniqueOrThrow({ where: { name: 'weekly-digest' } });
  expect(lock.holder).toContain(`:${cli.child.pid}:`);
  expect(lock.expiresAt.getTime()).toBeGreaterThan(Date.now());
  expect(await t.db.prisma.digestRun.findFirstOrThrow()).toMatchObject({ status: 'running' });
  return cli.child.pid!;
}

describe(`a digest killed mid-send (${EXPECTED_KIND})`, () => {
  it(`is finished at once by a rerun of npm run digest, every recipient getting exactly one message (${EXPECTED_KIND})`, async () => {
    const { t, smtp } = await setup();
    await killMidSend(t, smtp, 3);
    expect(smtp.received).toHaveLength(3);

    const rerun = runDigestCli(t, smtp);
    expect(await rerun.exit, rerun.output()).toEqual({ code: 0, signal: null });
    expect(rerun.output()).toContain(`${ALL_RECIPIENTS.length - 3} sent, 3 already sent before, 0 failed`);
    expect(smtp.recipients()).toEqual(ALL_RECIPIENTS);
    const runs = await t.db.prisma.digestRun.findMany({ orderBy: { id: 'asc' } });
    expect(runs.map((r) => [r.status, r.error])).toEqual([['failed', INTERRUPTED], ['succeeded', null]]);
    expect((await t.db.prisma.jobRun.findMany({ orderBy: { id: 'asc' } })).map((r) => r.status)).toEqual(['failed', 'succeeded']);
    expect(await t.db.prisma.jobLock.count()).toBe(0);
  });

  it(`is finished at once by the scheduler's catch-up at start (${EXPECTED_KIND})`, async () => {
    const { t, smtp } = await setup();
    await killMidSend(t, smtp, 5);
    const settings = { ...digestSettings(), importCron: '0 1 * * *', digestCron: '0 17 29 2 *', admissionCron: '30 1 * * *', admissionFile: null, inboxDir: `${digestSettings().outboxDir}/inbox`, chainFile: null, maxLineBytes: 65536 };
    const scheduler = createScheduler({ db: t.db, mailer: createMailer({ smtpUrl: smtp.url, outboxDir: settings.outboxDir }), settings });
    open.push({ close: scheduler.stop });
    expect(await getDigestWeekSummary(t.db, WEEK)).toMatchObject({ state: 'retrying', interrupted: true });
    expect(await scheduler.catchUp(new Date())).toMatchObject({ status: 'sent', complete: true, delivery: { sent: ALL_RECIPIENTS.length - 5, skipped: 5, failed: 0 } });
    expect(smtp.recipients()).toEqual(ALL_RECIPIENTS);
    expect((await t.db.prisma.digestRun.findMany({ orderBy: { id: 'asc' } })).map((r) => [r.trigger, r.status])).toEqual([['manual', 'failed'], ['retry', 'succeeded']]);
    expect(await getDigestWeekSummary(t.db, WEEK)).toMatchObject({ state: 'complete', counts: { sent: ALL_RECIPIENTS.length, failed: 0, pending: 0 } });
  });
});

describe(`a digest whose lease is lost (${EXPECTED_KIND})`, () => {
  it(`stops before its next send, so two holders never both send (${EXPECTED_KIND})`, async () => {
    const { t, smtp } = await setup();
    const settings = digestSettings();
    const { ranking } = await classifyAndRank({ db: t.db, settings, week: WEEK });
    const owners = await t.db.prisma.owner.findMany();
    const stages = await t.db.prisma.stage.findMany({ select: { key: true, name: true, ownerId: true } });
    const drafts = buildDigest({ ranking, owners, stages, violations: [], admission: [], managers: [MANAGER], baseUrl: settings.baseUrl, targets: settings.targets });
    const lease = (await acquireLock(t.db, 'weekly-digest'))!;
    let delivered = 0;
    const delivery = deliverDigest({
      db: t.db, mailer: createMailer({ smtpUrl: smtp.url, outboxDir: settings.outboxDir }), week: WEEK, from: settings.mailFrom, drafts, runId: null,
      beforeSend: lease.confirm,
      onMessage: async () => {
        delivered += 1;
        // Another host took the lease over (this one looked hung to it).
        if (delivered === 2) await t.db.prisma.jobLock.update({ where: { name: 'weekly-digest' }, data: { holder: 'elsewhere:1:00000000' } });
      },
    });
    await expect(delivery).rejects.toBeInstanceOf(LeaseLostError);
    expect(smtp.received).toHaveLength(2);
    expect(await t.db.prisma.digestMessage.count({ where: { status: 'sent' } })).toBe(2);
    await lease.release();
  });
});
