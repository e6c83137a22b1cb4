import { z } from 'zod';
import { defineKind, type Finding } from '../kind';

type Build = { host: string; rolloutId: string; at: Date };

/**
 * A service's pre-release (image build) host is fixed by its first successful image build (the
 * `images.buildStage` of the rules file); a later build on another host breaks the rule. Checked
 * on the runs of each ingestion, against the fixed hosts kept in ServiceBuildHost.
 */
export const fixedPrereleaseHost = defineKind({
  kind: 'fixed-prerelease-host',
  scope: 'service',
  configSchema: z.object({ windowDays: z.number().int().min(1).max(90).default(7) }),
  windowDays: (c) => c.windowDays,
  joinsOutcomes: true,
  async checkRuns({ db }, _c, runs) {
    const builds = (await runs.imageRuns()).filter((b) => b.stageKey === runs.images.buildStage && b.host !== null);
    if (builds.length === 0) return [];
    const services = [...new Set(builds.map((b) => b.service))];
    const fixed = new Map((await db.prisma.serviceBuildHost.findMany({ where: { service: { in: services } } })).map((s) => [s.service, s]));
    const offending = new Map<string, Build[]>();
    for (const b of builds) {
      const f = fixed.get(b.service);
      if (!f || b.host === f.host || b.at <= f.firstBuildAt) continue;
      const list = offending.get(b.service) ?? [];
      list.push({ host: b.host!, rolloutId: b.rolloutId, at: b.at });
      offending.set(b.service, list);
    }
    const findings: Finding[] = [];
    for (const [service, list] of offending) {
      const f = fixed.get(service)!;
      findings.push({
        subjectType: 'service',
        subjectId: service,
        at: list.at(-1)!.at,
        since: list[0]!.at,
        rollouts: list.map((b) => b.rolloutId),
        evidence: {
          fixedHost: f.host,
          fixedSince: f.firstBuildAt.toISOString(),
          otherHosts: [...new Set(list.map((b) => b.host))],
          builds: list.slice(-10).map((b) => ({ host: b.host, rolloutId: b.rolloutId, at: b.at.toISOString() })),
          buildCount: list.length,
        },
      });
    }
    return findings;
  },
  async preflight({ db }, _c, req) {
    // The hosts of a pre-release rollout are where its image is built.
    if (req.env !== 'prerelease') return { result: 'skip', reasons: ['not a pre-release rollout'] };
    const fixed = await db.prisma.serviceBuildHost.findUnique({ where: { service: req.service } });
    if (!fixed) return { result: 'pass', reasons: [`${req.service} has no image build yet: this one fixes its pre-release host`] };
    const others = req.hosts.filter((h) => h !== fixed.host);
    if (others.length === 0) return { result: 'pass', reasons: [] };
    return { result: 'fail', reasons: [`${req.service} builds its images on ${fixed.host} (fixed since ${fixed.firstBuildAt.toISOString()}); planned on ${others.slice(0, 5).join(', ')}`] };
  },
});
