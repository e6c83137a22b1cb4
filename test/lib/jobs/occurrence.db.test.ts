import { spawn } from 'node:child_process';
import path from 'node:path';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { openDb } from '../../../lib/db';
import { createScheduler } from '../../../lib/jobs/scheduler';
import { createMailer } from '../../../lib/mail/mailer';
import { EXPECTED_KIND, type TestDb } from '../../helpers/db';
import { ALL_RECIPIENTS, createDigestDb, digestSettings } from '../../helpers/digest-fixture';
import { startSmtpServer } from '../../helpers/smtp';

const open: { close: () => Promise<void> }[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((x) => x.close()));
});

const MIN = 60_000;
// Friday 17:00 in Berlin: the digest's minute; the import and the admission check run every minute.
const T0 = new Date('2026-11-20T16:00:00Z');
const plus = (minutes: number) => new Date(T0.getTime() + minutes * MIN);


/** `n` schedulers, each with its own connection, on one database and one SMTP server; the clock is the test's. */
async function schedulers(n: number, crons: { importCron?: string; admissionCron?: string; digestCron?: string } = {}) {
  const t: TestDb = await createDigestDb();
  const smtp = await startSmtpServer();
  open.push(t, smtp);
  const base = digestSettings();
  const settings = { ...base, importCron: '* * * * *', digestCron: '0 17 * * 5', admissionCron: '* * * * *', ...crons, admissionFile: null, inboxDir: `${base.outboxDir}/inbox`, chainFile: null, maxLineBytes: 65536 };
  const mailer = createMailer({ smtpUrl: smtp.url, outboxDir: settings.outboxDir });
  const lines: string[] = [];
  let now = T0;
  const made = [];
  for (let i = 0; i < n; i += 1) {
    const db = i === 0 ? t.db : await openDb(t.url);
    if (i > 0) open.push(db);
    const s = createScheduler({ db, mailer, settings, clock: () => now, log: (l) => lines.push(`#${i} ${l}`), retry: { attempts: 1, baseDelayMs: 1 } });
    open.push({ close: s.stop });
    made.push(s);
  }
  const runsOf = (job: string) => t.db.prisma.jobRun.findMany({ where: { job }, orderBy: { id: 'asc' }, select: { status: true, startedAt: true } });
  return { t, smtp, lines, made, runsOf, setNow: (at: Date) => (now = at) };
}

describe('several schedulers on one database', () => {
  it(`run each occurrence of each job once, whichever ticks first and however the ticks interleave (${EXPECTED_KIND})`, async () => {
    const s = await schedulers(3);
    // Per minute: which schedulers tick, and whether they tick at once or one after the other.
    const minute = fc.record({ order: fc.shuffledSubarray([0, 1, 2], { minLength: 1 }), together: fc.boolean() });
    const plan = fc.sample(fc.array(minute, { minLength: 4, maxLength: 4 }), { numRuns: 1, seed: 14 })[0]!;
    for (const [m, { order, together }] of [{ order: [1, 0, 2], together: false }, ...plan].entries()) {
      s.setNow(plus(m));
      if (together) await Promise.all(order.map((i) => s.made[i]!.tick(plus(m))));
      else for (const i of order) await s.made[i]!.tick(plus(m));
    }
    const minutes = plan.length + 1;
    for (const job of ['inbox-import', 'admission-check']) {
      const runs = await s.runsOf(job);
      expect(runs.map((r) => r.status)).toEqual(Array(minutes).fill('succeeded'));
      expect(runs.map((r) => r.startedAt.getTime())).toEqual(Array.from({ length: minutes }, (_, m) => plus(m).getTime()));
    }
    expect((await s.runsOf('weekly-digest')).map((r) => r.status)).toEqual(['succeeded']);
    expect(await s.t.db.prisma.digestRun.count()).toBe(1);
    expect(s.smtp.recipients()).toEqual(ALL_RECIPIENTS);
    expect(s.lines).toContain('#0 admission-check (due 2026-11-20 16:00 UTC): already run by another scheduler');
    expect(await s.t.db.prisma.jobLock.count()).toBe(0);
  });

  it(`catch up a digest missed while all were down once, started together or one after the other (${EXPECTED_KIND})`, async () => {
    const s = await schedulers(3, { importCron: '0 1 * * *', admissionCron: '30 1 * * *' });
    // Down all Friday; all started on Monday morning, two at once and one a little later.
    const monday = new Date('2026-11-23T07:00:00Z');
    s.setNow(monday);
    await Promise.all([s.made[0]!.catchUp(monday), s.made[1]!.catchUp(monday)]);
    await s.made[2]!.catchUp(new Date(monday.getTime() + 1000));
    expect(await s.t.db.prisma.digestRun.findMany({ select: { week: true, trigger: true, status: true } })).toEqual([{ week: '2026-W47', trigger: 'catch-up', status: 'succeeded' }]);
    expect(s.smtp.recipients()).toEqual(ALL_RECIPIENTS);
    expect(await s.t.db.prisma.jobLock.count()).toBe(0);
  });

  it(`take over the occurrence of a scheduler killed mid-job once its lease expires, and leave no lease behind (${EXPECTED_KIND})`, async () => {
    // The admission check daily at 01:30 in Berlin; nothing else due in these minutes.
    const s = await schedulers(1, { importCron: '0 1 * * *', admissionCron: '30 1 * * *', digestCron: '0 17 29 2 *' });
    const due = new Date('2026-11-21T00:30:00Z');
    const at = (minutes: number) => new Date(due.getTime() + minutes * MIN);
    const ttlMs = 1500;
    const script = path.join(import.meta.dirname, 'hold-occurrence.ts');
    const holder = spawn(process.execPath, ['--import', 'tsx', script, s.t.url, 'admission-check', due.toISOString(), String(ttlMs)], { stdio: ['ignore', 'pipe', 'inherit'] });
    const exited = new Promise((resolve) => holder.once('exit', resolve));
    await new Promise<void>((resolve) => holder.stdout.on('data', (d: Buffer) => d.toString().includes('holding') && resolve()));
    const scheduler = s.made[0]!;
    const tick = async (m: number) => (s.setNow(at(m)), scheduler.tick(at(m)));
    await tick(0);
    expect(s.lines).toContain('#0 admission-check (due 2026-11-21 00:30 UTC): another scheduler has it; looked at again in a minute');
    holder.kill('SIGKILL');
    await exited;
    // Within its lease the dead holder still blocks (on its own host it could be alive); after it, not.
    await tick(1);
    expect((await s.runsOf('admission-check')).map((r) => r.status)).toEqual(['running']);
    await new Promise((resolve) => setTimeout(resolve, ttlMs + 100));
    await tick(2);
    await tick(3);
    expect((await s.runsOf('admission-check')).map((r) => [r.status, r.startedAt])).toEqual([['failed', due], ['succeeded', at(2)]]);
    expect(s.lines).toContain('#0 admission-check (due 2026-11-21 00:30 UTC): ran here');
    expect(await s.t.db.prisma.jobLock.count()).toBe(0);
  });
});
