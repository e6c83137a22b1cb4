// npm run bench:preflight [-- --records 500000 --hosts 100 --requests 300]
// A benchmark, not a test: fills a fresh SQLite database with demo stage runs (the admission state
// is read from them after each ingestion, as in production), starts the production build and times
// POST /api/admission/check for a rollout on `--hosts` hosts, for an answer that allows and one that
// denies. Prints median, p95 and p99, next to GET /api/health on the same server in the same run
// (the floor of any request), and the same check called in-process (no HTTP).
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { runAdmissionCheck } from '../../lib/admission/check';
import { loadAdmissionRules } from '../../lib/admission/config';
import { preflightCheck } from '../../lib/admission/preflight';
import { createIngestToken } from '../../lib/auth/ingest-tokens';
import { startNextServer } from '../helpers/next-server';
import { buildDemoDatabase } from './demo-db';

const { values } = parseArgs({ options: { records: { type: 'string', default: '500000' }, hosts: { type: 'string', default: '100' }, requests: { type: 'string', default: '300' } } });
const work = mkdtempSync(path.join(os.tmpdir(), 'rollscope-bench-preflight-'));
const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
const percentile = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.ceil((p / 100) * xs.length) - 1)]!;
const WARMUP = 20;

async function time(label: string, n: number, once: () => Promise<void>): Promise<{ label: string; median: number; p95: number; p99: number }> {
  const times: number[] = [];
  for (let i = 0; i < n + WARMUP; i += 1) {
    const start = performance.now();
    await once();
    if (i >= WARMUP) times.push(performance.now() - start);
  }
  return { label, median: percentile(times, 50), p95: percentile(times, 95), p99: percentile(times, 99) };
}

try {
  const now = new Date();
  const base = { days: 30 };
  const t0 = performance.now();
  const { url, db, records, stages } = await buildDemoDatabase({ dir: work, records: Number(values.records), days: base.days, seed: 11, end: now });
  const policy = loadAdmissionRules(null);
  await runAdmissionCheck({ db, policy, now, timeZone: 'UTC' });
  const token = await createIngestToken(db, 'bench');

  // A real service with its fixed build host and its latest pushed image, on hosts that ran online work.
  const fixed = new Map((await db.prisma.serviceBuildHost.findMany()).map((s) => [s.service, s.host]));
  const images = await db.prisma.imageSeen.findMany({ where: { pushedAt: { lte: new Date(now.getTime() - 3_600_000) } }, orderBy: { pushedAt: 'desc' }, take: 100 });
  const image = images.find((i) => i.buildHost === fixed.get(i.service))!;
  const hostCount = Number(values.hosts);
  const online = await db.prisma.hostEnvSeen.findMany({ where: { env: 'online' }, take: hostCount, orderBy: { lastSeen: 'asc' } });
  const hosts = online.map((h) => h.host);
  while (hosts.length < hostCount) hosts.push(`bench-new-${hosts.length}.dc9.example.net`);
  const tested = await db.prisma.hostEnvSeen.findFirstOrThrow({ where: { env: 'test' }, orderBy: { lastSeen: 'desc' } });
  const allowBody = { service: image.service, env: 'online', hosts, image: image.image, stages };
  // The same rollout with one host that ran test work within the hour (and an unknown image): deny.
  const denyBody = { ...allowBody, hosts: [...hosts.slice(1), tested.host], image: `${image.image}-unbuilt` };
  const inProcess = await preflightCheck({ db, policy, now, timeZone: 'UTC' }, { ...allowBody, env: 'online' });
  console.log(`data: ${fmt(records)} stage runs over ${base.days} days, ${fmt(await db.prisma.hostEnvSeen.count())} host/env pairs, ${fmt(await db.prisma.imageSeen.count())} images, in ${((performance.now() - t0) / 1000).toFixed(0)} s`);
  console.log(`request: ${image.service}, ${hostCount} hosts, ${stages.length} planned stages; in-process answer: ${inProcess.decision} (${inProcess.warnings.length} warnings)`);
  const lib = await time('preflightCheck() in-process', Number(values.requests), async () => {
    await preflightCheck({ db, policy, now: new Date(), timeZone: 'UTC' }, { ...allowBody, env: 'online' });
  });
  await db.close();

  const server = await startNextServer({ DATABASE_URL: url });
  try {
    const post = async (body: object, expected: string) => {
      const res = await fetch(`${server.origin}/api/admission/check`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
      const answer = (await res.json()) as { decision?: string; error?: string };
      if (res.status !== 200 || answer.decision !== expected) throw new Error(`expected ${expected}, got ${res.status} ${JSON.stringify(answer).slice(0, 300)}`);
    };
    const n = Number(values.requests);
    const health = await time('GET /api/health (floor)', n, async () => void (await (await fetch(`${server.origin}/api/health`)).arrayBuffer()));
    const allow = await time(`POST /api/admission/check, ${hostCount} hosts, allow`, n, () => post(allowBody, 'allow'));
    const deny = await time(`POST /api/admission/check, ${hostCount} hosts, deny`, n, () => post(denyBody, 'deny'));
    console.log(`\n| Request | median ms | p95 ms | p99 ms | p95 ÷ health p95 |\n| --- | --- | --- | --- | --- |`);
    for (const r of [health, lib, allow, deny]) console.log(`| ${r.label} | ${r.median.toFixed(1)} | ${r.p95.toFixed(1)} | ${r.p99.toFixed(1)} | ${(r.p95 / health.p95).toFixed(1)} |`);
    const worst = Math.max(allow.p95, deny.p95);
    console.log(`\npre-flight p95: ${worst.toFixed(1)} ms (target < 50 ms)`);
  } finally {
    server.stop();
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}
