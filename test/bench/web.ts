// npm run bench:web [-- --records 1000000 --days 90 --loads 20]
// A benchmark, not a test: fills a fresh SQLite database with demo stage runs (default 1,000,000
// over 90 days), classifies and ranks every week, starts the production build, and prints each
// page's server response time (median and p95 over repeated loads, after warm-up) next to a static
// file served by the same server in the same run.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { createSession, SESSION_COOKIE } from '../../lib/auth/sessions';
import { createUser } from '../../lib/auth/users';
import { classifyAndRank } from '../../lib/rank/classify-and-rank';
import { addDays } from '../../lib/time/day';
import { isoWeekOfDay } from '../../lib/time/iso-week';
import { startNextServer } from '../helpers/next-server';
import { buildDemoDatabase } from './demo-db';

const { values } = parseArgs({ options: { records: { type: 'string', default: '1000000' }, days: { type: 'string', default: '90' }, loads: { type: 'string', default: '20' } } });
const work = mkdtempSync(path.join(os.tmpdir(), 'rollscope-bench-web-'));
const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
const percentile = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.ceil((p / 100) * xs.length) - 1)]!;

try {
  const end = new Date('2026-11-21T00:00:00Z');
  const base = { days: Number(values.days) };
  const t0 = performance.now();
  const { url, db, records } = await buildDemoDatabase({ dir: work, records: Number(values.records), days: base.days, seed: 7, end });
  const settings = { timeZone: 'UTC', categoriesFile: null, routingFile: null };
  const weeks = [...new Set(Array.from({ length: base.days }, (_, i) => isoWeekOfDay(addDays('2026-11-20', -i))))].reverse();
  for (const week of weeks) await classifyAndRank({ db, settings, week, now: end });
  const admin = await createUser(db, { email: 'bench@example.com', name: 'bench', role: 'admin', password: 'bench-password-1' });
  const { token } = await createSession(db, admin.id);
  const top = await db.prisma.rankingEntry.findFirstOrThrow({ where: { snapshot: { week: weeks.at(-1)! } }, orderBy: { rank: 'asc' } });
  await db.close();
  console.log(`data: ${fmt(records)} stage runs over ${base.days} days, ${weeks.length} weeks ranked, in ${((performance.now() - t0) / 1000).toFixed(0)} s`);

  const server = await startNextServer({ DATABASE_URL: url });
  try {
    const { origin } = server;
    const pages = ['/icon.svg', '/', '/errors', `/errors/${top.classId}`, '/stages', '/stages/image-pull', '/admission', '/quarantine', '/digests', '/settings'];
    const loads = Number(values.loads);
    const results: { page: string; median: number; p95: number }[] = [];
    for (const page of pages) {
      const times: number[] = [];
      for (let i = 0; i < loads + 3; i += 1) {
        const start = performance.now();
        const res = await fetch(`${origin}${page}`, { headers: { cookie: `${SESSION_COOKIE}=${token}` }, redirect: 'manual' });
        await res.arrayBuffer();
        if (res.status !== 200) throw new Error(`${page} answered ${res.status}`);
        if (i >= 3) times.push(performance.now() - start);
      }
      results.push({ page, median: percentile(times, 50), p95: percentile(times, 95) });
    }
    const staticP95 = results[0]!.p95;
    console.log(`\n| Page | median ms | p95 ms | p95 ÷ static |\n| --- | --- | --- | --- |`);
    for (const r of results) console.log(`| ${r.page === '/icon.svg' ? '/icon.svg (static file)' : r.page} | ${r.median.toFixed(1)} | ${r.p95.toFixed(1)} | ${(r.p95 / staticP95).toFixed(1)} |`);
    const worst = results.slice(1).reduce((a, r) => (r.p95 > a.p95 ? r : a));
    console.log(`\nslowest page: ${worst.page}, p95 ${worst.p95.toFixed(0)} ms (target < 300 ms)`);
  } finally {
    server.stop();
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}
