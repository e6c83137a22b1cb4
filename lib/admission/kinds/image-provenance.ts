import { z } from 'zod';
import type { Db } from '../../db';
import { defineKind, type Finding } from '../kind';

/** What is wrong with an image about to run (or running) online, or null when nothing is. */
async function provenanceProblems(db: Db, uses: { service: string; image: string; at: Date }[]): Promise<(string | null)[]> {
  const images = [...new Set(uses.map((u) => u.image))];
  const services = [...new Set(uses.map((u) => u.service))];
  const seen = new Map<string, { buildHost: string | null; builtAt: Date | null; pushedAt: Date | null }>();
  for (let i = 0; i < images.length; i += 500) {
    for (const s of await db.prisma.imageSeen.findMany({ where: { image: { in: images.slice(i, i + 500) } } })) seen.set(s.image, s);
  }
  const fixed = new Map((await db.prisma.serviceBuildHost.findMany({ where: { service: { in: services } } })).map((s) => [s.service, s.host]));
  return uses.map((u) => {
    const s = seen.get(u.image);
    if (!s?.builtAt) return `image ${u.image} was never built`;
    const host = fixed.get(u.service);
    if (host && s.buildHost !== host) return `image ${u.image} was built on ${s.buildHost ?? 'an unknown host'}, not on ${u.service}'s pre-release host ${host}`;
    if (!s.pushedAt || s.pushedAt > u.at) return `image ${u.image} was not pushed to the registry before it ran`;
    return null;
  });
}

/**
 * An image running online must have been built on the service's pre-release host and pushed to the
 * registry first (from the runs' `attrs.image`, see `images` in the rules file). Checked on the runs
 * of each ingestion; online runs that name no image are not judged.
 */
export const imageProvenance = defineKind({
  kind: 'image-provenance',
  scope: 'rollout',
  configSchema: z.object({ windowDays: z.number().int().min(1).max(90).default(7) }),
  windowDays: (c) => c.windowDays,
  joinsOutcomes: true,
  async checkRuns({ db }, _c, runs) {
    const uses = await runs.imageUses();
    const problems = await provenanceProblems(db, uses);
    const bad = new Map<string, { rolloutId: string; image: string; problem: string; at: Date }[]>();
    uses.forEach((u, i) => {
      const problem = problems[i];
      if (!problem) return;
      const list = bad.get(u.service) ?? [];
      list.push({ rolloutId: u.rolloutId, image: u.image, problem, at: u.at });
      bad.set(u.service, list);
    });
    const findings: Finding[] = [];
    for (const [service, list] of bad) {
      findings.push({
        subjectType: 'service',
        subjectId: service,
        at: list.at(-1)!.at,
        rollouts: list.map((b) => b.rolloutId),
        evidence: { rollouts: list.length, examples: list.slice(-10).map((b) => ({ rolloutId: b.rolloutId, image: b.image, problem: b.problem, at: b.at.toISOString() })) },
      });
    }
    return findings;
  },
  async preflight({ db, now }, _c, req) {
    if (req.env !== 'online') return { result: 'skip', reasons: ['not an online rollout'] };
    if (!req.image) return { result: 'skip', reasons: ['the request names no image'] };
    const [problem] = await provenanceProblems(db, [{ service: req.service, image: req.image, at: now }]);
    return problem ? { result: 'fail', reasons: [problem] } : { result: 'pass', reasons: [] };
  },
});
