import { z } from 'zod';
import { addDays, dayInZone } from '../../time/day';
import { defineKind, type Finding } from '../kind';

/**
 * A service's pre-release (image build) host is fixed by its first image build; a build on any
 * other host within the window breaks the rule.
 */
export const fixedPrereleaseHost = defineKind({
  kind: 'fixed-prerelease-host',
  scope: 'service',
  configSchema: z.object({ buildStage: z.string().default('image-build'), windowDays: z.number().int().min(1).max(90).default(7) }),
  windowDays: (c) => c.windowDays,
  async evaluate({ db, now, timeZone }, c) {
    const from = addDays(dayInZone(now.getTime(), timeZone), -(c.windowDays - 1));
    // Every build ever (a small share of all runs): the first one fixes the host.
    const builds = await db.prisma.stageRun.findMany({ where: { stageKey: c.buildStage, host: { not: null } }, select: { service: true, host: true, startedAt: true, rolloutId: true, day: true }, orderBy: { startedAt: 'asc' } });
    const fixed = new Map<string, { host: string; since: Date }>();
    const offending = new Map<string, { host: string; rolloutId: string; at: string }[]>();
    for (const b of builds) {
      const first = fixed.get(b.service);
      if (!first) {
        fixed.set(b.service, { host: b.host!, since: b.startedAt });
        continue;
      }
      if (b.host !== first.host && b.day >= from) {
        const list = offending.get(b.service) ?? [];
        list.push({ host: b.host!, rolloutId: b.rolloutId, at: b.startedAt.toISOString() });
        offending.set(b.service, list);
      }
    }
    const findings: Finding[] = [];
    for (const [service, runs] of offending) {
      const f = fixed.get(service)!;
      findings.push({ subjectType: 'service', subjectId: service, evidence: { fixedHost: f.host, fixedSince: f.since.toISOString(), builds: runs.slice(-10), otherHosts: [...new Set(runs.map((r) => r.host))] } });
    }
    return findings;
  },
});
