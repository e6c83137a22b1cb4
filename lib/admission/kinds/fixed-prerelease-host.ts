import { z } from 'zod';
import { defineKind, findingsPerService, windowDaysSchema } from '../kind';

/**
 * A service's pre-release (image build) host is fixed by its first successful image build (the
 * `images.buildStage` of the rules file); a later build on another host breaks the rule. Checked
 * on the runs of each ingestion, against the fixed hosts kept in ServiceBuildHost.
 */
export const fixedPrereleaseHost = defineKind({
  kind: 'fixed-prerelease-host',
  scope: 'service',
  configSchema: z.object({ windowDays: windowDaysSchema }),
  windowDays: (c) => c.windowDays,
  joinsOutcomes: true,
  async checkRuns({ db, timeZone }, _c, runs) {
    const builds = (await runs.imageRuns()).filter((b) => b.stageKey === runs.images.buildStage && b.host !== null);
    if (builds.length === 0) return [];
    const services = [...new Set(builds.map((b) => b.service))];
    const fixed = new Map((await db.prisma.serviceBuildHost.findMany({ where: { service: { in: services } } })).map((s) => [s.service, s]));
    const offending = builds.filter((b) => {
      const f = fixed.get(b.service);
      return f && b.host !== f.host && b.at > f.firstBuildAt;
    });
    return findingsPerService(timeZone, offending, (service, list) => {
      const f = fixed.get(service)!;
      return {
        fixedHost: f.host,
        fixedSince: f.firstBuildAt.toISOString(),
        otherHosts: [...new Set(list.map((b) => b.host))],
        builds: list.slice(-10).map((b) => ({ host: b.host, rolloutId: b.rolloutId, at: b.at.toISOString() })),
        buildCount: list.length,
      };
    });
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
