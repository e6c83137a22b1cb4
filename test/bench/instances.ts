// npm run soak:instances -- --database postgresql://user@host:5432/postgres [--minutes 3]
// Several instances on one PostgreSQL database (issue #14): on a fresh database it runs two
// production web servers and two schedulers (one as "another host", in its own UTS namespace),
// every job on an every-minute schedule and mail to a real SMTP server; posts every ingestion
// batch to both web servers at once; loads the pages on both, signed in; SIGKILLs one scheduler
// while it runs a job and watches the other take over once the lease expires. At the end it
// prints records sent vs stored, runs per scheduled occurrence per job, e-mails received vs
// recorded, page loads per server with p95, the read API compared across servers and the leases
// left; it exits 1 on any loss, duplicate, double run, differing answer or lease left blocking.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { createIngestToken } from '../../lib/auth/ingest-tokens';
import { createSession, SESSION_COOKIE } from '../../lib/auth/sessions';
import { createUser } from '../../lib/auth/users';
import { loadChainConfig } from '../../lib/chain/config';
import { syncChain } from '../../lib/chain/sync';
import { openDb } from '../../lib/db';
import { computeRolloutsPerDay, writeDemoFiles } from '../../lib/demo/write-files';
import { applyMigrations } from '../../prisma/tools/migrations';
import { startNextServer } from '../helpers/next-server';
import { startSmtpServer } from '../helpers/smtp';
import { freshPgDatabase } from '../helpers/pg-database';
import { printReport } from './instances-print';
import { killHoldingJob } from './instances-kill';
import { compareAnswers, failures, ingestEverywhere, loadPages, loops } from './instances-load';
import { claimsOf, startScheduler, type SchedulerProc } from './instances-procs';

const { values } = parseArgs({ options: { minutes: { type: 'string', default: '3' }, database: { type: 'string' } } });
const minutes = Number(values.minutes);
if (!(minutes >= 2 && minutes <= 60)) throw new Error('--minutes: a number of minutes from 2 to 60');
if (!values.database?.startsWith('postgres')) throw new Error('--database: a postgresql:// URL of a server to create the soak database on');
const DURATION_MS = minutes * 60_000;
// Small, for two cores shared by four servers: each record is posted twice (once to each web server).
const RECORDS_PER_MINUTE = 20_000;
const BATCH = 1_000;
const EVERY_MINUTE = '* * * * *';
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Demo records as NDJSON bodies of BATCH lines, and the keys they hold. */
async function makeBatches(dir: string) {
  const base = { seed: 14, days: 14, services: 40, stages: loadChainConfig(null).stages.map((s) => s.key), end: new Date() };
  const { files } = await writeDemoFiles({ ...base, rolloutsPerDay: computeRolloutsPerDay(RECORDS_PER_MINUTE * minutes * 0.6, base), dir: path.join(dir, 'input'), format: 'ndjson' });
  const lines = (await Promise.all(files.map((f) => readFile(f, 'utf8')))).flatMap((t) => t.split('\n').filter(Boolean));
  const keys = new Set(lines.map((l) => {
    const r = JSON.parse(l) as { id?: string; rollout: string; stage: string; attempt?: number };
    return r.id ?? `${r.rollout}/${r.stage}/${r.attempt ?? 1}`;
  }));
  const batches = Array.from({ length: Math.ceil(lines.length / BATCH) }, (_, i) => lines.slice(i * BATCH, (i + 1) * BATCH).join('\n'));
  return { batches, keys, lines: lines.length };
}

const work = await mkdtemp(path.join(os.tmpdir(), 'rollscope-instances-'));
const database = freshPgDatabase(values.database, `rollscope_instances_${process.pid}`);
const stops: (() => Promise<unknown> | void)[] = [];
try {
  await applyMigrations(database.url);
  const db = await openDb(database.url);
  stops.push(() => db.close());
  await syncChain(db, loadChainConfig(null));
  const viewer = await createUser(db, { email: 'instances-viewer@example.com', name: 'Soak viewer', role: 'viewer', password: 'soak-password-123' });
  const cookie = `${SESSION_COOKIE}=${(await createSession(db, viewer.id)).token}`;
  const [ingestToken, readToken] = [await createIngestToken(db, 'instances'), await createIngestToken(db, 'instances-read', 'read')];
  const smtp = await startSmtpServer();
  stops.push(() => smtp.close());
  const alertsFile = path.join(work, 'alerts.json');
  await writeFile(alertsFile, JSON.stringify({ fallback: [{ kind: 'email', name: 'oncall', to: 'oncall@example.com' }] }));
  const input = await makeBatches(work);
  const env = {
    DATABASE_URL: database.url, ROLLSCOPE_DATA_DIR: work, SMTP_URL: smtp.url, NEXT_TELEMETRY_DISABLED: '1', ROLLSCOPE_ALERTS_FILE: alertsFile,
    IMPORT_CRON: EVERY_MINUTE, ADMISSION_CRON: EVERY_MINUTE, DIGEST_CRON: EVERY_MINUTE, ALERTS_CRON: EVERY_MINUTE,
  };
  console.log(`instances: ${minutes} min on PostgreSQL; ${input.lines.toLocaleString('en-US')} records in ${input.batches.length} batches, each posted to both web servers`);
  const servers = [{ label: 'web-1', ...(await startNextServer(env)) }, { label: 'web-2', ...(await startNextServer(env)) }];
  for (const s of servers) stops.push(() => s.stop());
  const procs: SchedulerProc[] = [startScheduler('scheduler-1', env, null), startScheduler('scheduler-2', env, 'scheduler-2.soak')];
  stops.push(() => procs.forEach((p) => p.child.exitCode === null && p.child.kill('SIGTERM')));

  const started = Date.now();
  const background = servers.map((s) => loadPages(s.origin, s.label, cookie));
  const ingestion = ingestEverywhere(servers, ingestToken, input.batches, DURATION_MS * 0.6);
  // Once the first digest went out (a later occurrence has nothing left to send), scheduler-2 is killed mid-job.
  while (Date.now() - started < DURATION_MS * 0.4 || (await db.prisma.digestRun.count({ where: { status: 'succeeded' } })) === 0) await sleep(1000);
  const kill = await killHoldingJob(db, procs[1]!, { prefer: 'weekly-digest', deadline: Date.now() + 90_000, watchMs: 150_000 });
  // Back after the takeover, as an operator would bring it back: its catch-up must not run anything twice.
  procs.push(startScheduler('scheduler-2 (restarted)', env, 'scheduler-2.soak'));
  const sent = await ingestion;
  await sleep(Math.max(0, DURATION_MS - (Date.now() - started)));
  loops.stop = true;
  await Promise.all(background);
  const answers = await compareAnswers(servers, readToken);
  // Stopped as in production (SIGTERM): a scheduler stops between jobs and releases its leases.
  for (const p of procs.filter((x) => x.child.exitCode === null)) p.child.kill('SIGTERM');
  await Promise.all(procs.map((p) => p.exit));
  const failed = await printReport({ db, input, sent, smtp, kill, answers, claims: claimsOf(procs), elapsedMs: Date.now() - started });
  for (const f of failures.slice(0, 20)) console.log(`failure: ${f}`);
  process.exitCode = failed || failures.length > 0 ? 1 : 0;
} finally {
  loops.stop = true;
  for (const stop of stops.reverse()) await stop();
  await database.drop();
  await rm(work, { recursive: true, force: true });
}
