import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { buildIsStale } from '../../lib/cli/build-state';
import { generateDemoRecords, type DemoOptions } from '../../lib/demo/generate';
import { applyMigrations } from '../../prisma/tools/migrations';
import { freePort } from '../helpers/net';

const PER_REQUEST = 5000;
const TOKEN = 'bench-token';

/** Starts the production server on a fresh database and POSTs NDJSON bodies to /api/ingest, one at a time. */
export async function measureHttpPath(opts: { root: string; dir: string; demo: DemoOptions }) {
  const next = path.join(opts.root, 'node_modules', '.bin', 'next');
  if (!existsSync(path.join(opts.root, '.next', 'BUILD_ID')) || (await buildIsStale(opts.root))) {
    const built = spawnSync(next, ['build'], { cwd: opts.root, stdio: 'inherit' });
    if (built.status !== 0) throw new Error('next build failed');
  }
  const url = `file:${path.join(opts.dir, 'http.db')}`;
  await applyMigrations(url);
  const port = await freePort();
  const server = spawn(next, ['start', '-p', String(port)], { cwd: opts.root, env: { ...process.env, DATABASE_URL: url, INGEST_TOKENS: TOKEN }, stdio: 'ignore' });
  try {
    const base = `http://127.0.0.1:${port}`;
    await waitForHealth(`${base}/api/health`);
    let body: string[] = [];
    let records = 0;
    let requests = 0;
    let seconds = 0;
    const send = async () => {
      const t0 = performance.now();
      const res = await fetch(`${base}/api/ingest`, { method: 'POST', headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/x-ndjson' }, body: body.join('\n') });
      const summary = (await res.json()) as { accepted: number };
      seconds += (performance.now() - t0) / 1000;
      if (res.status !== 200) throw new Error(`POST /api/ingest answered ${res.status}`);
      records += summary.accepted;
      requests += 1;
      body = [];
    };
    for (const record of generateDemoRecords(opts.demo)) {
      body.push(JSON.stringify(record));
      if (body.length >= PER_REQUEST) await send();
    }
    if (body.length) await send();
    return { records, requests, seconds, perRequest: PER_REQUEST };
  } finally {
    server.kill('SIGTERM');
  }
}

async function waitForHealth(url: string): Promise<void> {
  for (let i = 0; i < 120; i += 1) {
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`${url} did not answer within 60 s`);
}
