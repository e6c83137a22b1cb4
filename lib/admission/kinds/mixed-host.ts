import { z } from 'zod';
import { inChunks, inStringList, stringListArg } from '../../sql';
import { addDays } from '../../time/day';
import { defineKind, windowDaysSchema, type DayRange, type Finding } from '../kind';
import { forEachRunsOfDays } from '../run-days';

type Raw = { host: string; env: string; startedAt: string | Date; finishedAt: string | Date | null; rolloutId: string; stageKey: string; day: string };
export type HostRun = { env: string; start: number; end: number; day: string; rolloutId: string; stageKey: string };

/** Runs that clash with long runs further away are missed: the days read around a range. */
const MARGIN_DAYS = 2;
/** Hosts whose runs are read per pass over the days' id ranges. */
const HOSTS_PER_READ = 2_000;

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
 * The findings of the hosts' runs (in id order per host) on the days of `range`: each host with a
 * run started in the range that clashed with the other environment's work.
 */
export function hostFindings(byHost: ReadonlyMap<string, HostRun[]>, overlapMinutes: number, range: DayRange): Finding[] {
  const findings: Finding[] = [];
  for (const [host, list] of byHost) {
    const partners = findClashes(list, overlapMinutes * 60_000);
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
      evidence: { overlapMinutes, clashes: tests.size, examples },
    });
  }
  return findings;
}

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
    const days = { from: addDays(range.from, -MARGIN_DAYS), to: addDays(range.to, MARGIN_DAYS) };
    const both = `"env" IN ('test','online') AND "host" IS NOT NULL`;
    // A clash needs a host that ran both environments in the days read: those hosts are found by the
    // database (a grouped read), and only their runs are read — not every run of the range's weeks.
    const envs = new Map<string, Set<string>>();
    await forEachRunsOfDays<{ host: string; env: string }>(ctx.db, days, { columns: '"host","env"', where: both, args: [], groupBy: '"host","env"' }, (rows) => {
      for (const r of rows) (envs.get(r.host) ?? envs.set(r.host, new Set()).get(r.host)!).add(r.env);
    });
    const mixed = [...envs].flatMap(([host, seen]) => (seen.size > 1 ? [host] : []));
    const byHost = new Map<string, HostRun[]>();
    for (let i = 0; i < mixed.length; i += HOSTS_PER_READ) {
      const hosts = mixed.slice(i, i + HOSTS_PER_READ);
      await forEachRunsOfDays<Raw>(ctx.db, days, {
        columns: '"host","env","startedAt","finishedAt","rolloutId","stageKey","day"',
        where: `${both} AND ${inStringList(ctx.db.kind, '"host"')}`,
        args: [stringListArg(ctx.db.kind, hosts)],
      }, (rows) => {
        for (const r of rows) {
          const start = new Date(r.startedAt).getTime();
          const end = r.finishedAt === null ? start : new Date(r.finishedAt).getTime();
          const run = { env: r.env, start, end, day: r.day, rolloutId: r.rolloutId, stageKey: r.stageKey };
          const list = byHost.get(r.host);
          if (list) list.push(run);
          else byHost.set(r.host, [run]);
        }
      });
    }
    return hostFindings(byHost, c.overlapMinutes, range);
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
