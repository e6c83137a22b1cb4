import { z } from 'zod';
import { inChunks } from '../../sql';
import { addDays } from '../../time/day';
import { defineKind, windowDaysSchema, type Finding } from '../kind';
import { readRunsOfDays } from '../run-days';

type Raw = { host: string; env: string; startedAt: string | Date; finishedAt: string | Date | null; rolloutId: string; stageKey: string; day: string };
type HostRun = { env: string; start: number; end: number; day: string; rolloutId: string; stageKey: string };

/** Runs that clash with long runs further away are missed: the days read around a range. */
const MARGIN_DAYS = 2;

/**
 * For each run of one host, a run of the other environment that ran within `slackMs` of it (their
 * [start, end] come that close), or null. Sorted by start with a running maximum of the ends, so a
 * host with many runs costs n log n.
 */
export function findClashes(runs: readonly HostRun[], slackMs: number): (HostRun | null)[] {
  const sorted = (env: string) => {
    const list = runs.filter((r) => r.env === env).sort((a, b) => a.start - b.start);
    const latest: HostRun[] = [];
    for (const r of list) latest.push(latest.length && latest.at(-1)!.end >= r.end ? latest.at(-1)! : r);
    return { list, latest };
  };
  const byEnv = { test: sorted('test'), online: sorted('online') };
  return runs.map((r) => {
    const other = r.env === 'test' ? byEnv.online : r.env === 'online' ? byEnv.test : null;
    if (!other) return null;
    // The other runs that started no later than this one ended (plus the slack): the first `lo`.
    let lo = 0;
    for (let hi = other.list.length; lo < hi; ) {
      const mid = (lo + hi) >> 1;
      if (other.list[mid]!.start <= r.end + slackMs) lo = mid + 1;
      else hi = mid;
    }
    const candidate = lo > 0 ? other.latest[lo - 1]! : null;
    return candidate && candidate.end + slackMs >= r.start ? candidate : null;
  });
}

const example = (r: HostRun) => ({ rolloutId: r.rolloutId, stage: r.stageKey, at: new Date(r.start).toISOString() });

/**
 * A host must not run test and online containers at the same time (within `overlapMinutes`). It
 * breaks on each day it started a run that clashed with the other environment's work.
 */
export const mixedHost = defineKind({
  kind: 'mixed-host',
  scope: 'host',
  configSchema: z.object({ overlapMinutes: z.number().int().min(0).max(24 * 60).default(60), windowDays: windowDaysSchema }),
  windowDays: (c) => c.windowDays,
  joinsOutcomes: true,
  async evaluateDays(ctx, c, range) {
    const rows = await readRunsOfDays<Raw>(ctx.db, { from: addDays(range.from, -MARGIN_DAYS), to: addDays(range.to, MARGIN_DAYS) }, {
      columns: '"host","env","startedAt","finishedAt","rolloutId","stageKey","day"',
      where: `"env" IN ('test','online') AND "host" IS NOT NULL`,
      args: [],
    });
    const byHost = new Map<string, HostRun[]>();
    for (const r of rows) {
      const start = new Date(r.startedAt).getTime();
      const end = r.finishedAt === null ? start : new Date(r.finishedAt).getTime();
      const run = { env: r.env, start, end, day: r.day, rolloutId: r.rolloutId, stageKey: r.stageKey };
      const list = byHost.get(r.host);
      if (list) list.push(run);
      else byHost.set(r.host, [run]);
    }
    const findings: Finding[] = [];
    for (const [host, list] of byHost) {
      const partners = findClashes(list, c.overlapMinutes * 60_000);
      const clashing = list.flatMap((r, i) => (partners[i] && r.day >= range.from && r.day <= range.to ? [{ run: r, partner: partners[i]! }] : []));
      if (clashing.length === 0) continue;
      clashing.sort((a, b) => a.run.start - b.run.start);
      // One clash per test run involved (the test side of each clashing pair).
      const tests = new Set(clashing.map((x) => (x.run.env === 'test' ? x.run : x.partner)));
      const examples = [...tests].slice(0, 5).map((t) => {
        const pair = clashing.find((x) => x.run === t || x.partner === t)!;
        return { test: example(t), online: example(pair.run === t ? pair.partner : pair.run) };
      });
      findings.push({
        subjectType: 'host',
        subjectId: host,
        at: new Date(clashing.at(-1)!.run.start),
        since: new Date(clashing[0]!.run.start),
        days: [...new Set(clashing.map((x) => x.run.day))],
        rollouts: [...new Set(clashing.map((x) => x.run.rolloutId))],
        evidence: { overlapMinutes: c.overlapMinutes, clashes: tests.size, examples },
      });
    }
    return findings;
  },
  /** A planned test (online) rollout fails on hosts that ran online (test) work within the overlap. */
  async preflight({ db, now }, c, req) {
    const other = req.env === 'test' ? 'online' : req.env === 'online' ? 'test' : null;
    if (!other || req.hosts.length === 0) return { result: 'skip', reasons: ['neither a test nor an online rollout on named hosts'] };
    const since = new Date(now.getTime() - c.overlapMinutes * 60_000);
    const busy = (await inChunks(req.hosts, 500, (hosts) => db.prisma.hostEnvSeen.findMany({ where: { host: { in: hosts }, env: other, lastSeen: { gte: since } } }))).sort((a, b) => a.host.localeCompare(b.host));
    if (busy.length === 0) return { result: 'pass', reasons: [] };
    const shown = busy.slice(0, 10).map((b) => `${b.host} (last ${other} work ${b.lastSeen.toISOString()})`);
    return { result: 'fail', reasons: [`${busy.length} of ${req.hosts.length} hosts ran ${other} work within ${c.overlapMinutes} minutes: ${shown.join(', ')}${busy.length > 10 ? ', …' : ''}`] };
  },
});
