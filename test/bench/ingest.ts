// npm run bench:ingest [-- --records 1000000 --http-records 200000]
// A benchmark, not a test: generates demo records, ingests them into a fresh SQLite database through
// the CLI (`npm run ingest`), without and with the classification after each file, and prints records/s end to end, the insert step's rate against the
// raw better-sqlite3 ceiling measured in the same run on the same rows and table, peak memory, and
// the HTTP path's records/s (POST /api/ingest on the production server).
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { loadChainConfig } from '../../lib/chain/config';
import { computeRolloutsPerDay, writeDemoFiles } from '../../lib/demo/write-files';
import type { IngestSummary } from '../../lib/ingest/ingest';
import { applyMigrations } from '../../prisma/tools/migrations';
import { measureCeiling } from './ingest-ceiling';
import { measureHttpPath } from './ingest-http';

const ROOT = path.resolve(import.meta.dirname, '..', '..');
const { values } = parseArgs({ options: { records: { type: 'string', default: '1000000' }, 'http-records': { type: 'string', default: '200000' } } });
const target = Number(values.records);
const work = await mkdtemp(path.join(os.tmpdir(), 'rollscope-bench-'));
const stages = loadChainConfig(null).stages.map((s) => s.key);
const fmt = (n: number) => Math.round(n).toLocaleString('en-US');

try {
  const base = { seed: 42, days: 30, services: 200, stages, end: new Date('2026-11-01T00:00:00Z') };
  const demo = { ...base, rolloutsPerDay: computeRolloutsPerDay(target, base) };
  const input = path.join(work, 'input');
  const written = await writeDemoFiles({ ...demo, dir: input, format: 'ndjson' });
  console.log(`input: ${fmt(written.records)} records in ${written.files.length} NDJSON files`);

  // Twice, each on a fresh database: without classification (the figure before it moved to ingest) and with it.
  const ingestOnce = async (name: string, flags: string[]) => {
    const dbUrl = `file:${path.join(work, `${name}.db`)}`;
    await applyMigrations(dbUrl);
    const started = performance.now();
    const out = await run('npm', ['run', '--silent', 'ingest', '--', input, '--json', ...flags], { DATABASE_URL: dbUrl });
    const wall = (performance.now() - started) / 1000;
    return { wall, report: JSON.parse(out.trim().split('\n').at(-1)!) as { summaries: IngestSummary[]; peakRssBytes: number } };
  };
  const plain = await ingestOnce('plain', ['--no-classify']);
  const { wall, report } = await ingestOnce('cli', []);
  const accepted = report.summaries.reduce((a, s) => a + s.accepted, 0);
  const storeSeconds = report.summaries.reduce((a, s) => a + s.storeSeconds, 0);
  const insertRate = accepted / storeSeconds;
  // The admission pass and the classification after each file: part of `wall`.
  const admissionSeconds = report.summaries.reduce((a, s) => a + (s.admission?.seconds ?? 0), 0);
  const classifySeconds = report.summaries.reduce((a, s) => a + (s.classification?.seconds ?? 0), 0);
  const classified = report.summaries.reduce((a, s) => a + (s.classification?.events ?? 0), 0);

  const ceiling = await measureCeiling({ dir: work, demo });
  console.log(`CLI end to end, without classification (--no-classify): ${fmt(accepted)} records in ${plain.wall.toFixed(1)} s = ${fmt(accepted / plain.wall)} records/s`);
  console.log(`CLI end to end: ${fmt(accepted)} records in ${wall.toFixed(1)} s = ${fmt(accepted / wall)} records/s (process start to exit); ${(wall / plain.wall).toFixed(2)}× the time without classification`);
  console.log(`classification after each file: ${fmt(classified)} failures in ${classifySeconds.toFixed(1)} s, ${((classifySeconds / wall) * 100).toFixed(1)}% of end to end`);
  console.log(`insert step: ${fmt(insertRate)} records/s; raw better-sqlite3 ceiling on the same rows and table: ${fmt(ceiling)} rows/s; ratio ${(insertRate / ceiling).toFixed(2)}`);
  console.log(`admission pass after each file: ${admissionSeconds.toFixed(1)} s in all, ${((admissionSeconds / wall) * 100).toFixed(1)}% of end to end`);
  console.log(`peak RSS of the ingest process: ${fmt(report.peakRssBytes / 1024 / 1024)} MB`);

  // --http-records 0 leaves the HTTP path out (it builds and starts the production server).
  if (Number(values['http-records']) === 0) process.exit(0);
  const http = await measureHttpPath({ dir: work, demo: { ...base, rolloutsPerDay: computeRolloutsPerDay(Number(values['http-records']), base) } });
  console.log(`HTTP path: ${fmt(http.records)} records in ${http.requests} requests of ${fmt(http.perRequest)} records, ${http.seconds.toFixed(1)} s = ${fmt(http.records / http.seconds)} records/s`);
} finally {
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
