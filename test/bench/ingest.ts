// npm run bench:ingest [-- --records 1000000 --http-records 200000 --database postgresql://host/db]
// A benchmark, not a test: generates demo records, ingests them into a fresh database through the
// CLI (`npm run ingest`), without and with the classification after each file, and prints records/s
// end to end, where the time went, the store step's rate against the raw ceiling measured in the same
// run on the same rows and table (better-sqlite3 INSERTs on SQLite, `COPY` on PostgreSQL), peak
// memory, and the HTTP path's records/s (POST /api/ingest on the production server). With
// --database it runs on that PostgreSQL server, in databases of its own (rollscope_bench_ingest_*)
// that it creates and drops.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { loadChainConfig } from '../../lib/chain/config';
import { computeRolloutsPerDay, writeDemoFiles } from '../../lib/demo/write-files';
import type { IngestSummary } from '../../lib/ingest/ingest';
import { applyMigrations } from '../../prisma/tools/migrations';
import { measureCeiling, measurePgCeiling } from './ingest-ceiling';
import { measureHttpPath } from './ingest-http';

const ROOT = path.resolve(import.meta.dirname, '..', '..');
const { values } = parseArgs({ options: { records: { type: 'string', default: '1000000' }, 'http-records': { type: 'string', default: '200000' }, database: { type: 'string' } } });
const server = values.database ?? null;
if (server !== null && !/^postgres(ql)?:\/\//.test(server)) throw new Error(`--database: expected a postgresql:// URL, got "${server}"`);
const target = Number(values.records);
const work = await mkdtemp(path.join(os.tmpdir(), 'rollscope-bench-'));
const stages = loadChainConfig(null).stages.map((s) => s.key);
const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
const created: string[] = [];
const runId = `${process.pid}_${randomBytes(3).toString('hex')}`;

/** A fresh database named `name`: a SQLite file in the work folder, or a new database on the --database server. */
function databaseUrl(name: string): string {
  if (server === null) return `file:${path.join(work, `${name}.db`)}`;
  const url = new URL(server);
  url.pathname = `/rollscope_bench_ingest_${runId}_${name}`;
  created.push(url.pathname.slice(1));
  return url.toString();
}

async function dropCreated(): Promise<void> {
  if (server === null || created.length === 0) return;
  const admin = new pg.Client({ connectionString: server });
  await admin.connect();
  for (const name of created) await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  await admin.end();
}

try {
  const base = { seed: 42, days: 30, services: 200, stages, end: new Date('2026-11-01T00:00:00Z') };
  const demo = { ...base, rolloutsPerDay: computeRolloutsPerDay(target, base) };
  const input = path.join(work, 'input');
  const written = await writeDemoFiles({ ...demo, dir: input, format: 'ndjson' });
  console.log(`input: ${fmt(written.records)} records in ${written.files.length} NDJSON files; database: ${server === null ? 'SQLite' : 'PostgreSQL'}`);

  // Twice, each on a fresh database: without classification (the figure before it moved to ingest) and with it.
  const ingestOnce = async (name: string, flags: string[]) => {
    const dbUrl = databaseUrl(name);
    await applyMigrations(dbUrl);
    const started = performance.now();
    const out = await run('npm', ['run', '--silent', 'ingest', '--', input, '--json', ...flags], { DATABASE_URL: dbUrl });
    const wall = (performance.now() - started) / 1000;
    return { wall, report: JSON.parse(out.trim().split('\n').at(-1)!) as { summaries: IngestSummary[]; peakRssBytes: number } };
  };
  const plain = await ingestOnce('plain', ['--no-classify']);
  const { wall, report } = await ingestOnce('cli', []);
  const sum = (f: (s: IngestSummary) => number) => report.summaries.reduce((a, s) => a + f(s), 0);
  const accepted = sum((s) => s.accepted);
  const storeSeconds = sum((s) => s.storeSeconds);
  const storeRate = accepted / storeSeconds;
  // The admission pass and the classification after each file: part of `wall`.
  const admissionSeconds = sum((s) => s.admission?.seconds ?? 0);
  const classifySeconds = sum((s) => s.classification?.seconds ?? 0);
  const classified = sum((s) => s.classification?.events ?? 0);
  // The rest of each file's time: reading, parsing and validating, the quarantine, the batch record.
  const otherSeconds = sum((s) => s.seconds) - storeSeconds - admissionSeconds - classifySeconds;

  const ceiling = server === null ? await measureCeiling({ dir: work, demo }) : await measurePgCeiling({ url: databaseUrl('ceiling'), demo });
  const ceilingName = server === null ? 'raw better-sqlite3 INSERT' : 'raw COPY';
  const e2e = accepted / wall;
  console.log(`CLI end to end, without classification (--no-classify): ${fmt(accepted)} records in ${plain.wall.toFixed(1)} s = ${fmt(accepted / plain.wall)} records/s`);
  console.log(`CLI end to end: ${fmt(accepted)} records in ${wall.toFixed(1)} s = ${fmt(e2e)} records/s (process start to exit); ${(wall / plain.wall).toFixed(2)}× the time without classification`);
  console.log(`where the time went: store ${storeSeconds.toFixed(1)} s, admission pass ${admissionSeconds.toFixed(1)} s, classification ${classifySeconds.toFixed(1)} s (${fmt(classified)} failures), reading/parsing/validation ${otherSeconds.toFixed(1)} s, process start and exit ${(wall - sum((s) => s.seconds)).toFixed(1)} s`);
  console.log(`store step: ${fmt(storeRate)} records/s; ${ceilingName} ceiling on the same rows and StageRun table: ${fmt(ceiling)} rows/s; store ÷ ceiling ${(storeRate / ceiling).toFixed(2)}`);
  console.log(`end to end ÷ ceiling: ${(e2e / ceiling).toFixed(2)} with classification, ${(accepted / plain.wall / ceiling).toFixed(2)} without`);
  console.log(`peak RSS of the ingest process: ${fmt(report.peakRssBytes / 1024 / 1024)} MB (without classification: ${fmt(plain.report.peakRssBytes / 1024 / 1024)} MB)`);

  // --http-records 0 leaves the HTTP path out (it builds and starts the production server).
  if (Number(values['http-records']) > 0) {
    const http = await measureHttpPath({ url: databaseUrl('http'), demo: { ...base, rolloutsPerDay: computeRolloutsPerDay(Number(values['http-records']), base) } });
    console.log(`HTTP path: ${fmt(http.records)} records in ${http.requests} requests of ${fmt(http.perRequest)} records, ${http.seconds.toFixed(1)} s = ${fmt(http.records / http.seconds)} records/s`);
  }
} finally {
  await dropCreated();
  await rm(work, { recursive: true, force: true });
}

function run(cmd: string, args: string[], env: Record<string, string>): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.on('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(`${cmd} ${args.join(' ')} exited with ${code}`))));
  });
}
