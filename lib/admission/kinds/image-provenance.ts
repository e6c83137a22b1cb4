import { z } from 'zod';
import { queryRows } from '../../sql';
import { defineKind, findingsPerService, windowDaysSchema } from '../kind';
import { attrSql } from '../new-runs';

type Provenance = { buildHost: string | null; builtAt: Date | null; pushedAt: Date | null } | null;

/** What is wrong with an image that runs online at `at`, or null when nothing is. */
function problemOf(service: string, image: string, at: Date, seen: Provenance, fixedHost: string | null): string | null {
  if (!seen?.builtAt) return `image ${image} was never built`;
  if (fixedHost && seen.buildHost !== fixedHost) return `image ${image} was built on ${seen.buildHost ?? 'an unknown host'}, not on ${service}'s pre-release host ${fixedHost}`;
  if (!seen.pushedAt || seen.pushedAt > at) return `image ${image} was not pushed to the registry before it ran`;
  return null;
}

type Use = { rolloutId: string; service: string; image: string | number; at: string | Date; buildHost: string | null; builtAt: string | Date | null; pushedAt: string | Date | null; fixedHost: string | null };
const date = (v: string | Date | null) => (v === null ? null : new Date(v));

/**
 * An image running online must have been built on the service's pre-release host and pushed to the
 * registry first (from the runs' `attrs.image`, see `images` in the rules file). Checked on the runs
 * of each ingestion against the admission state; online runs that name no image are not judged.
 */
export const imageProvenance = defineKind({
  kind: 'image-provenance',
  scope: 'rollout',
  configSchema: z.object({ windowDays: windowDaysSchema }),
  windowDays: (c) => c.windowDays,
  joinsOutcomes: true,
  async checkRuns({ db, timeZone }, _c, runs) {
    const image = attrSql(db.kind, runs.images.attr);
    // One row per online rollout and image (its first run), with what the state knows of the image.
    const uses = await queryRows<Use>(
      await db.bulk(),
      `SELECT u."rolloutId", u."service", u."image", u."at", i."buildHost", i."builtAt", i."pushedAt", b."host" AS "fixedHost"
       FROM (SELECT "rolloutId","service",${image} AS "image",MIN("startedAt") AS "at" FROM "StageRun"
             WHERE ${runs.rangeSql()} AND "env" = 'online' AND ${image} IS NOT NULL AND ${image} <> ''
             GROUP BY "rolloutId","service",${image}) u
       LEFT JOIN "ImageSeen" i ON i."image" = u."image"
       LEFT JOIN "ServiceBuildHost" b ON b."service" = u."service"`,
      [runs.fromId, runs.toId],
    );
    const bad = uses.flatMap((u) => {
      const at = new Date(u.at);
      const problem = problemOf(u.service, String(u.image), at, { buildHost: u.buildHost, builtAt: date(u.builtAt), pushedAt: date(u.pushedAt) }, u.fixedHost);
      return problem ? [{ service: u.service, rolloutId: u.rolloutId, image: String(u.image), problem, at }] : [];
    });
    return findingsPerService(timeZone, bad, (_service, list) => ({
      rollouts: list.length,
      examples: list.slice(-10).map((b) => ({ rolloutId: b.rolloutId, image: b.image, problem: b.problem, at: b.at.toISOString() })),
    }));
  },
  async preflight({ db, now }, _c, req) {
    if (req.env !== 'online') return { result: 'skip', reasons: ['not an online rollout'] };
    if (!req.image) return { result: 'skip', reasons: ['the request names no image'] };
    const [seen, fixed] = await Promise.all([db.prisma.imageSeen.findUnique({ where: { image: req.image } }), db.prisma.serviceBuildHost.findUnique({ where: { service: req.service } })]);
    const problem = problemOf(req.service, req.image, now, seen, fixed?.host ?? null);
    return problem ? { result: 'fail', reasons: [problem] } : { result: 'pass', reasons: [] };
  },
});
