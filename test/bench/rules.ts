// npm run bench:rules [-- --events 1000000]
// A benchmark, not a test: a fresh SQLite database with N error events (bulk-loaded, then classified
// by `npm run classify`), then a class rule created, edited and deleted, each re-classifying the whole
// history. Prints the time of each step and the events moved; target: < 60 s for 1,000,000 events.
import { spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { once } from 'node:events';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { createClassRule, deleteClassRule, updateClassRule } from '../../lib/classify/class-rule-store';
import { loadCategoryConfig, loadRoutingConfig } from '../../lib/classify/rules';
import { openDb } from '../../lib/db';
import { applyMigrations } from '../../prisma/tools/migrations';

const ROOT = path.resolve(import.meta.dirname, '..', '..');
const { values } = parseArgs({ options: { events: { type: 'string', default: '1000000' } } });
const events = Number(values.events);
const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
// Five attempts of one stage per rollout, every one failed: one error event each.
const ATTEMPTS = 5;
const MESSAGES = [
  (i: number) => `pull registry-${i % 3}.example.com/team-${i % 40}/app:${i % 997}: i/o timeout after ${i % 60}s`,
  (i: number) => `health check GET /healthz on 10.${i % 250}.${i % 200}.${i % 7} returned ${500 + (i % 4)} after ${i % 5} attempts`,
  (i: number) => `container ${(i * 2654435761 % 2 ** 32).toString(16)} killed: out of memory (limit ${256 * (1 + (i % 8))}Mi)`,
  (i: number) => `name service register svc-${i % 300}.dc${i % 4}: connection refused by ns-${i % 9}:53`,
  (i: number) => `lb attach pool web-${i % 50} member 10.0.${i % 250}.${i % 100}:8080 timed out after ${i % 30000} ms`,
];

function run(args: string[], env: Record<string, string>): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', ...args], { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'inherit'] });
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`${args.join(' ')} exited with ${code}`))));
  });
}

const work = await mkdtemp(path.join(os.tmpdir(), 'rollscope-bench-rules-'));
try {
  const file = path.join(work, 'failures.ndjson');
  const out = createWriteStream(file);
  const day = Date.UTC(2026, 10, 23);
  for (let i = 0; i < events; i += 1) {
    const rollout = Math.floor(i / ATTEMPTS);
    const line = JSON.stringify({ rollout: `ro-${rollout}`, service: `svc-${rollout % 200}`, stage: 'image-pull', attempt: (i % ATTEMPTS) + 1, status: 'failed', startedAt: new Date(day + (i % 604_800) * 1000).toISOString(), durationMs: 1000, errorMessage: MESSAGES[i % MESSAGES.length]!(i) });
    if (!out.write(`${line}\n`)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
  const url = `file:${path.join(work, 'rules.db')}`;
  await applyMigrations(url);
  const env = { DATABASE_URL: url, NEXT_TELEMETRY_DISABLED: '1' };
  let t0 = performance.now();
  await run([path.join(ROOT, 'lib/cli/ingest.ts'), file, '--no-classify'], env);
  console.log(`loaded ${fmt(events)} error events in ${((performance.now() - t0) / 1000).toFixed(1)} s (npm run ingest -- --no-classify)`);
  t0 = performance.now();
  await run([path.join(ROOT, 'lib/cli/classify.ts'), '--week', '2026-W48'], env);
  console.log(`classified them in ${((performance.now() - t0) / 1000).toFixed(1)} s (npm run classify)`);

  const db = await openDb(url);
  const deps = { db, actor: 'bench', categories: loadCategoryConfig(null), routing: loadRoutingConfig(null), timeZone: 'UTC' };
  const step = async (what: string, work: () => Promise<{ change: { scanned: number; moved: number; seconds: number; rankingSeconds: number } }>) => {
    const started = performance.now();
    const { change } = await work();
    const total = (performance.now() - started) / 1000;
    console.log(`${what}: ${fmt(change.moved)} of ${fmt(change.scanned)} events moved; ${total.toFixed(1)} s in all (history ${change.seconds.toFixed(1)} s, rankings ${change.rankingSeconds.toFixed(1)} s)${total < 60 ? '' : ' — over the 60 s target'}`);
  };
  let ruleId = 0;
  await step('create a rule (template) over the history', async () => {
    const r = await createClassRule(deps, { name: 'Registry 1 pull timeouts', match: { kind: 'template', pattern: 'pull registry-1.example.com/<*>: i/o timeout after <*>' } });
    ruleId = r.rule.id;
    return r;
  });
  await step('edit it (a regular expression)', () => updateClassRule(deps, ruleId, { name: 'Registry 1 pull timeouts', match: { kind: 'regex', pattern: '^pull registry-1\\.example\\.com/team-(1|2)\\d/' } }));
  await step('delete it (events back to the miner)', () => deleteClassRule(deps, ruleId));
  await db.close();
} finally {
  await rm(work, { recursive: true, force: true });
}
