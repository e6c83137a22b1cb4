// npm run soak -- [--minutes 5] [--database postgresql://user@host:5432/postgres]
// A reliability run, not a test: on a fresh database (SQLite by default; a new database on the given
// PostgreSQL server otherwise) it runs the production server and, at the same time, ingestions over
// the CLI (one of them killed with SIGKILL and run again) and over HTTP with overlapping files, page
// loads of every page by a signed-in viewer, a stream of hostile requests, a health check, and a
// weekly digest killed mid-send and run again against a real SMTP server. At the end it prints what
// was served and what was lost; it exits 1 when anything that counts as a loss is not zero.
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import fc from 'fast-check';
import { createIngestToken } from '../../lib/auth/ingest-tokens';
import { createSession, SESSION_COOKIE } from '../../lib/auth/sessions';
import { createUser } from '../../lib/auth/users';
import { loadChainConfig } from '../../lib/chain/config';
import { syncChain } from '../../lib/chain/sync';
import { openDb, type Db } from '../../lib/db';
import { computeRolloutsPerDay, writeDemoFiles } from '../../lib/demo/write-files';
import { digestMessageId } from '../../lib/digest/deliver';
import { ROUTES } from '../../lib/http/routes';
import { weekJustEnding } from '../../lib/time/iso-week';
import { applyMigrations } from '../../prisma/tools/migrations';
import { startNextServer } from '../helpers/next-server';
import { freshPgDatabase } from '../helpers/pg-database';
import { startSmtpServer } from '../helpers/smtp';

const ROOT = path.resolve(import.meta.dirname, '..', '..');
const { values } = parseArgs({ options: { minutes: { type: 'string', default: '5' }, database: { type: 'string' } } });
const minutes = Number(values.minutes);
if (!(minutes > 0 && minutes <= 240)) throw new Error('--minutes: a number of minutes from 0.5 to 240');
const DURATION_MS = minutes * 60_000;
// Sized for two cores: the ingestions take most of the run, leaving the server room for page loads.
const RECORDS_PER_MINUTE = 25_000;
const HTTP_BATCH = 2_000;
const PAGE_LOADERS = 2;
const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

type Tally = { latencies: number[]; statuses: Map<number, number> };
const tallies = new Map<string, Tally>();
function count(label: string, status: number, ms: number): void {
  let t = tallies.get(label);
  if (!t) tallies.set(label, (t = { latencies: [], statuses: new Map() }));
  t.latencies.push(ms);
  t.statuses.set(status, (t.statuses.get(status) ?? 0) + 1);
}
const p95 = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * 0.95))] ?? 0;

/** A fresh database: a SQLite file in `dir`, or a new database on the PostgreSQL server of `server`. */
async function freshDatabase(dir: string, server: string | undefined): Promise<{ url: string; drop: () => Promise<void> }> {
  if (!server) return { url: `file:${path.join(dir, 'soak.db')}`, drop: async () => undefined };
  return freshPgDatabase(server, `rollscope_soak_${process.pid}`);
}

/** Demo files for the run, split between the CLI and HTTP with one file sent both ways; the record keys all of them hold. */
async function makeInput(dir: string) {
  const stages = loadChainConfig(null).stages.map((s) => s.key);
  const base = { seed: 7, days: 14, services: 60, stages, end: new Date() };
  const { files } = await writeDemoFiles({ ...base, rolloutsPerDay: computeRolloutsPerDay(RECORDS_PER_MINUTE * minutes, base), dir: path.join(dir, 'input'), format: 'ndjson' });
  const keys = new Set<string>();
  for (const f of files) {
    for (const line of (await readFile(f, 'utf8')).split('\n').filter(Boolean)) {
      const r = JSON.parse(line) as { id?: string; rollout: string; stage: string; attempt?: number };
      keys.add(r.id ?? `${r.rollout}/${r.stage}/${r.attempt ?? 1}`);
    }
  }
  const cli = files.filter((_, i) => i % 2 === 0);
  const http = files.filter((_, i) => i % 2 === 1);
  if (cli[0]) http.push(cli[0]);
  if (http[0]) cli.push(http[0]);
  // The CLI ingestion killed mid-way reads all CLI files as one, several store transactions long.
  const cliAll = path.join(dir, 'input', 'all-cli.ndjson');
  await writeFile(cliAll, (await Promise.all(cli.map((f) => readFile(f, 'utf8')))).join(''));
  return { cli, cliAll, http, keys, lines: await countLines([...cli, ...http]) };
}

async function countLines(files: string[]): Promise<number> {
  let n = 0;
  for (const f of files) n += (await readFile(f, 'utf8')).split('\n').filter(Boolean).length;
  return n;
}

function runCli(script: string, args: string[], env: Record<string, string>) {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, script), ...args], { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  const exit = new Promise<{ code: number | null; signal: string | null; out: string }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal, out })));
  return { child, exit };
}

const loops = { stop: false };
const failures: string[] = [];

/**
 * The CLI side: first all CLI files as one input, killed with SIGKILL once its first store
 * transaction committed; then one file after another, paced over most of the run.
 */
async function ingestOverCli(files: string[], all: string, env: Record<string, string>, db: Db): Promise<boolean> {
  const doomed = runCli('lib/cli/ingest.ts', [all], env);
  const storedByIt = async () => {
    const batch = await db.prisma.ingestBatch.findFirst({ where: { source: all, status: 'running' }, select: { id: true } });
    return batch ? db.prisma.stageRun.count({ where: { batchId: batch.id } }) : 0;
  };
  while (doomed.child.exitCode === null && (await storedByIt()) === 0) await sleep(5);
  const killed = doomed.child.kill('SIGKILL') && (await doomed.exit).signal === 'SIGKILL';
  const gap = (DURATION_MS * 0.6) / Math.max(1, files.length);
  for (const file of files) {
    const started = Date.now();
    const r = await runCli('lib/cli/ingest.ts', [file], env).exit;
    if (r.code !== 0) failures.push(`npm run ingest ${path.basename(file)} exited ${r.code ?? r.signal}: ${r.out.slice(-500)}`);
    await sleep(Math.max(0, gap - (Date.now() - started)));
  }
  return killed;
}

/** The HTTP side: NDJSON bodies of HTTP_BATCH records, paced like the CLI; a 503 is retried after its Retry-After. */
async function ingestOverHttp(origin: string, token: string, files: string[]): Promise<number> {
  let sent = 0;
  const gap = (DURATION_MS * 0.6) / Math.max(1, files.length);
  for (const file of files) {
    const started = Date.now();
    const lines = (await readFile(file, 'utf8')).split('\n').filter(Boolean);
    for (let i = 0; i < lines.length; i += HTTP_BATCH) {
      for (let attempt = 1; ; attempt += 1) {
        const t0 = performance.now();
        const res = await fetch(`${origin}/api/ingest`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/x-ndjson' }, body: lines.slice(i, i + HTTP_BATCH).join('\n') });
        count('POST /api/ingest', res.status, performance.now() - t0);
        const body = (await res.json()) as { rejected?: number };
        if (res.status === 503 && attempt < 10) await sleep(Number(res.headers.get('retry-after') ?? 5) * 1000);
        else {
          if (res.status !== 200 || body.rejected) failures.push(`POST /api/ingest (${path.basename(file)}, from line ${i + 1}) answered ${res.status}, ${body.rejected ?? '?'} rejected`);
          break;
        }
      }
      sent += Math.min(HTTP_BATCH, lines.length - i);
    }
    await sleep(Math.max(0, gap - (Date.now() - started)));
  }
  return sent;
}

/** Every page as a signed-in viewer, in a loop; ids of classes, rules and digest messages are picked from the data as it grows. */
async function loadPages(origin: string, cookie: string, db: Db): Promise<void> {
  let ids = { errorClass: null as number | null, rule: null as string | null, message: null as number | null, at: 0 };
  while (!loops.stop) {
    if (Date.now() - ids.at > 10_000) {
      const [c, r, m] = await Promise.all([db.prisma.errorClass.findFirst({ select: { id: true } }), db.prisma.admissionRule.findFirst({ select: { id: true } }), db.prisma.digestMessage.findFirst({ select: { id: true } })]);
      ids = { errorClass: c?.id ?? null, rule: r?.id ?? null, message: m?.id ?? null, at: Date.now() };
    }
    const pages: [string, string][] = [
      ['/', '/'], ['/errors', '/errors'], ['/stages', '/stages'], ['/stages/[key]', '/stages/image-pull'], ['/admission', '/admission'],
      ['/quarantine', '/quarantine'], ['/digests', '/digests'], ['/settings', '/settings'], ['/forbidden', '/forbidden'],
      ...(ids.errorClass ? [['/errors/[id]', `/errors/${ids.errorClass}`] as [string, string]] : []),
      ...(ids.rule ? [['/admission/[id]', `/admission/${encodeURIComponent(ids.rule)}`] as [string, string]] : []),
      ...(ids.message ? [['/digests/[id]', `/digests/${ids.message}`] as [string, string]] : []),
    ];
    for (const [label, url] of pages) {
      if (loops.stop) return;
      const t0 = performance.now();
      const res = await fetch(`${origin}${url}`, { headers: { cookie }, redirect: 'manual' });
      await res.arrayBuffer();
      count(`GET ${label}`, res.status, performance.now() - t0);
    }
  }
}

// The longest value keeps a URL of four of them within the 16 KiB of headers a client reads back in a redirect.
const HOSTILE_VALUES = ['9999-12-31', '0001-01-01', '8999-12-31', '2026-13-01', '2026-00-00', '99999999999999999999', '-1', 'NaN', '%00', '\u0000', '<script>', "' OR 1=1", 'x'.repeat(1500)];

/** Generated bad and extreme URL parameters and path segments for every route; none may answer 5xx. */
async function sendHostile(origin: string, cookie: string): Promise<void> {
  const value = fc.oneof(fc.constantFrom(...HOSTILE_VALUES), fc.string({ maxLength: 20 }), fc.integer().map(String));
  const routes = ROUTES.filter((r) => r.kind === 'page' || r.path === '/api/errors/export');
  while (!loops.stop) {
    const route = routes[Math.floor(Math.random() * routes.length)]!;
    const [v1, v2] = fc.sample(value, 2);
    const params = new URLSearchParams(Object.keys(route.search.shape).slice(0, 3).map((k, i) => [k, i % 2 ? v1! : v2!]));
    params.append('from', v1!);
    const pathname = route.path.replace(/\[\w+\]/g, () => encodeURIComponent(v2!));
    const t0 = performance.now();
    const url = `${origin}${pathname}?${params}`;
    const res = await fetch(url, { headers: { cookie }, redirect: 'manual' }).catch((error: Error) => {
      failures.push(`GET ${url.slice(0, 200)}: no answer (${error.cause ?? error.message})`);
      return null;
    });
    await res?.arrayBuffer().catch(() => undefined);
    count('hostile', res?.status ?? 0, performance.now() - t0);
    await sleep(20);
  }
}

async function pollHealth(origin: string): Promise<void> {
  while (!loops.stop) {
    const t0 = performance.now();
    const res = await fetch(`${origin}/api/health`, { signal: AbortSignal.timeout(10_000) }).catch(() => null);
    count('GET /api/health', res?.status ?? 0, performance.now() - t0);
    await sleep(250);
  }
}

/** The weekly digest over SMTP, killed with SIGKILL while the server refuses a message, then run again: every message exactly once. */
async function digestKilledMidSend(env: Record<string, string>, smtp: Awaited<ReturnType<typeof startSmtpServer>>, db: Db, week: string) {
  const first = runCli('lib/cli/digest.ts', ['--week', week], env);
  while (smtp.received.length < 2 && first.child.exitCode === null) await sleep(20);
  // Refuse every message from now on: the digest is then between retries when it is killed, never mid-acceptance.
  smtp.options.dropFirst = 1_000_000;
  await sleep(1_500);
  const killed = first.child.kill('SIGKILL');
  await first.exit;
  smtp.options.dropFirst = 0;
  const rerun = await runCli('lib/cli/digest.ts', ['--week', week], env).exit;
  if (rerun.code !== 0) failures.push(`npm run digest (rerun) exited ${rerun.code ?? rerun.signal}: ${rerun.out.slice(-500)}`);
  const rows = await db.prisma.digestMessage.findMany({ where: { week }, select: { recipient: true, kind: true, status: true } });
  const expected = new Set(rows.map((m) => digestMessageId(week, m.recipient, m.kind)));
  const received = smtp.received.map((m) => m.messageId ?? '').filter((id) => expected.has(id));
  const unique = new Set(received);
  return { killed, messages: rows.length, duplicates: received.length - unique.size, missing: [...expected].filter((id) => !unique.has(id)).length };
}

const work = await mkdtemp(path.join(os.tmpdir(), 'rollscope-soak-'));
const database = await freshDatabase(work, values.database);
const stops: (() => Promise<unknown> | void)[] = [];
try {
  await applyMigrations(database.url);
  const db = await openDb(database.url);
  stops.push(() => db.close());
  await syncChain(db, loadChainConfig(null));
  const viewer = await createUser(db, { email: 'soak-viewer@example.com', name: 'Soak viewer', role: 'viewer', password: 'soak-password-123' });
  const cookie = `${SESSION_COOKIE}=${(await createSession(db, viewer.id)).token}`;
  const token = await createIngestToken(db, 'soak');
  const smtp = await startSmtpServer();
  stops.push(() => smtp.close());
  const input = await makeInput(work);
  console.log(`soak: ${minutes} min on ${db.kind}; ${fmt(input.lines)} records in ${input.cli.length} CLI and ${input.http.length} HTTP files (${fmt(input.keys.size)} distinct)`);
  const env = { DATABASE_URL: database.url, ROLLSCOPE_DATA_DIR: work, SMTP_URL: smtp.url, NEXT_TELEMETRY_DISABLED: '1' };
  const server = await startNextServer(env);
  stops.push(() => server.stop());

  const started = Date.now();
  const background = [pollHealth(server.origin), sendHostile(server.origin, cookie), ...Array.from({ length: PAGE_LOADERS }, () => loadPages(server.origin, cookie, db))];
  const ingestion = Promise.all([ingestOverCli(input.cli, input.cliAll, env, db), ingestOverHttp(server.origin, token, input.http)]);
  await sleep(DURATION_MS * 0.4);
  const digest = await digestKilledMidSend(env, smtp, db, weekJustEnding(Date.now(), 'UTC'));
  const [ingestionKilled, httpSent] = await ingestion;
  await sleep(Math.max(0, DURATION_MS - (Date.now() - started)));
  loops.stop = true;
  await Promise.all(background);

  const stored = await db.prisma.stageRun.count();
  const batches = await db.prisma.ingestBatch.groupBy({ by: ['status'], _count: { _all: true }, _sum: { rejected: true } });
  const byStatus = Object.fromEntries(batches.map((b) => [b.status, b._count._all]));
  const rejected = batches.reduce((a, b) => a + (b._sum.rejected ?? 0), 0);
  const all = [...tallies.values()];
  const served = all.reduce((a, t) => a + t.latencies.length, 0);
  const statuses = new Map<number, number>();
  for (const t of all) for (const [s, n] of t.statuses) statuses.set(s, (statuses.get(s) ?? 0) + n);
  const errors5xx = [...statuses].filter(([s]) => s >= 500 || s === 0).reduce((a, [, n]) => a + n, 0);

  console.log(`\nrequests served: ${fmt(served)} in ${((Date.now() - started) / 1000).toFixed(0)} s; by status: ${[...statuses].sort(([a], [b]) => a - b).map(([s, n]) => `${s || 'no answer'} ×${fmt(n)}`).join(', ')}`);
  console.log('\n| Request | Count | p95 ms | max ms | Statuses |\n| --- | --- | --- | --- | --- |');
  for (const [label, t] of [...tallies].sort(([a], [b]) => a.localeCompare(b))) {
    console.log(`| ${label} | ${fmt(t.latencies.length)} | ${fmt(p95(t.latencies))} | ${fmt(Math.max(...t.latencies))} | ${[...t.statuses].map(([s, n]) => `${s}×${n}`).join(' ')} |`);
  }
  const losses = {
    'answers 5xx or none': errors5xx,
    'records stored vs distinct records sent (missing)': input.keys.size - stored,
    'records rejected': rejected,
    'ingestions still running': byStatus.running ?? 0,
    'killed ingestions not marked abandoned': ingestionKilled ? 1 - (byStatus.abandoned ?? 0) : 0,
    'digest e-mails duplicated': digest.duplicates,
    'digest e-mails missing': digest.missing,
    'failed commands and requests': failures.length,
  };
  console.log(`\nrecords: ${fmt(input.lines)} sent (${fmt(httpSent)} over HTTP, the rest over the CLI), ${fmt(input.keys.size)} distinct, ${fmt(stored)} stored; batches ${JSON.stringify(byStatus)} (the first CLI ingestion ${ingestionKilled ? 'killed with SIGKILL mid-input' : 'finished before it could be killed'}, its input ingested again file by file)`);
  console.log(`digest: ${digest.messages} messages, the first run killed mid-send (${digest.killed ? 'SIGKILL' : 'had finished before the kill'}), then run again`);
  console.log('\n| Loss | Count |\n| --- | --- |');
  for (const [what, n] of Object.entries(losses)) console.log(`| ${what} | ${n} |`);
  for (const f of failures) console.log(`failure: ${f}`);
  process.exitCode = Object.values(losses).some((n) => n !== 0) ? 1 : 0;
} finally {
  loops.stop = true;
  for (const stop of stops.reverse()) await stop();
  await database.drop();
  await rm(work, { recursive: true, force: true });
}
