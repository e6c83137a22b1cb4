import { z } from 'zod';
import { dayWindow, defineKind, windowDaysSchema, type Finding } from '../kind';
import { inChunks } from '../../sql';

/** A host must not run test and online containers at the same time (within `overlapMinutes`). */
export const mixedHost = defineKind({
  kind: 'mixed-host',
  scope: 'host',
  configSchema: z.object({ overlapMinutes: z.number().int().min(0).max(24 * 60).default(60), windowDays: windowDaysSchema }),
  windowDays: (c) => c.windowDays,
  joinsOutcomes: true,
  async evaluate(ctx, c) {
    const { db } = ctx;
    const { from } = dayWindow(ctx, c.windowDays);
    const runs = await db.prisma.stageRun.findMany({
      where: { day: { gte: from }, env: { in: ['test', 'online'] }, host: { not: null } },
      select: { host: true, env: true, startedAt: true, finishedAt: true, rolloutId: true, stageKey: true },
    });
    const byHost = new Map<string, typeof runs>();
    for (const r of runs) {
      const list = byHost.get(r.host!);
      if (list) list.push(r);
      else byHost.set(r.host!, [r]);
    }
    const slack = c.overlapMinutes * 60_000;
    const findings: Finding[] = [];
    for (const [host, list] of byHost) {
      const tests = list.filter((r) => r.env === 'test');
      const online = list.filter((r) => r.env === 'online');
      if (tests.length === 0 || online.length === 0) continue;
      const clash = tests.flatMap((t) => {
        const tEnd = (t.finishedAt ?? t.startedAt).getTime() + slack;
        const o = online.find((x) => x.startedAt.getTime() <= tEnd && (x.finishedAt ?? x.startedAt).getTime() + slack >= t.startedAt.getTime());
        return o ? [{ test: { rolloutId: t.rolloutId, stage: t.stageKey, at: t.startedAt.toISOString() }, online: { rolloutId: o.rolloutId, stage: o.stageKey, at: o.startedAt.toISOString() } }] : [];
      });
      if (clash.length === 0) continue;
      const rollouts = clash.flatMap((x) => [x.test.rolloutId, x.online.rolloutId]);
      findings.push({ subjectType: 'host', subjectId: host, rollouts, evidence: { overlapMinutes: c.overlapMinutes, clashes: clash.length, examples: clash.slice(0, 5) } });
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
