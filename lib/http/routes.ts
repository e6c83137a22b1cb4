import type { z } from 'zod';
import { signInLinkPageSchema } from '../auth/user-schemas';
import { classFiltersSchema } from '../triage/list-classes';
import { rangeSchema } from '../metrics/stages';
import {
  classPageSchema, digestsPageSchema, forbiddenPageSchema, idSegmentSchema, noParamsSchema, quarantinePageSchema,
  stageSegmentSchema, stagesPageSchema,
} from './page-schemas';
import { admissionPageSchema, admissionRulePageSchema, ruleSegmentSchema } from './admission-schemas';
import { newRulePageSchema } from './rule-form';
import { classesQuerySchema, kpisQuerySchema, rolloutsQuerySchema, stagesQuerySchema, violationsQuerySchema } from '../read-api/params';
import { trendsPageSchema } from './trend-schemas';
import { hostSegmentSchema, placePeriodSchema, rolloutSegmentSchema, searchPageSchema, serviceSegmentSchema } from './place-schemas';

type ObjectSchema = z.ZodObject<z.ZodRawShape>;

/**
 * One app route: its path as under app/ without route groups (`/errors/[id]`), whether it answers
 * people (HTML) or machines (JSON), and the schemas of its path segments and URL parameters. Bodies
 * of the API routes are parsed by their lib handlers (lib/ingest/http.ts, lib/admission/http.ts).
 */
export type RouteSpec = { path: string; kind: 'page' | 'api'; segments: ObjectSchema | null; search: ObjectSchema };

const page = (path: string, search: ObjectSchema = noParamsSchema, segments: ObjectSchema | null = null): RouteSpec => ({
  path, kind: 'page', segments, search,
});
const api = (path: string, search: ObjectSchema = noParamsSchema): RouteSpec => ({ path, kind: 'api', segments: null, search });

/** Every route of app/ (test/lib/http/routes.test.ts fails when a page.tsx or route.ts is missing here). */
export const ROUTES: readonly RouteSpec[] = [
  page('/'),
  page('/errors', classFiltersSchema),
  page('/errors/[id]', classPageSchema, idSegmentSchema),
  page('/errors/rules'),
  page('/errors/rules/new', newRulePageSchema),
  page('/errors/rules/[id]', noParamsSchema, idSegmentSchema),
  page('/trends', trendsPageSchema),
  page('/stages', stagesPageSchema),
  page('/stages/[key]', rangeSchema, stageSegmentSchema),
  page('/admission', admissionPageSchema),
  page('/admission/[id]', admissionRulePageSchema, ruleSegmentSchema),
  page('/quarantine', quarantinePageSchema),
  page('/rollouts/[id]', noParamsSchema, rolloutSegmentSchema),
  page('/hosts/[host]', placePeriodSchema, hostSegmentSchema),
  page('/services/[name]', placePeriodSchema, serviceSegmentSchema),
  page('/search', searchPageSchema),
  page('/digests', digestsPageSchema),
  page('/digests/[id]', noParamsSchema, idSegmentSchema),
  page('/settings'),
  page('/account'),
  page('/forbidden', forbiddenPageSchema),
  // The sign-in page parses its `next` itself: any value that is not a path of this site becomes "/".
  page('/login'),
  page('/login/link', signInLinkPageSchema),
  api('/api/health'),
  api('/api/errors/export', classFiltersSchema),
  api('/api/ingest'),
  // OTLP/HTTP's fixed path (exporters append /v1/traces to their endpoint), not under /api.
  api('/v1/traces'),
  api('/api/hooks/github'),
  api('/api/hooks/gitlab'),
  api('/api/admission/check'),
  api('/metrics'),
  api('/api/v1/openapi.json'),
  api('/api/v1/stages', stagesQuerySchema),
  api('/api/v1/kpis', kpisQuerySchema),
  api('/api/v1/classes', classesQuerySchema),
  api('/api/v1/rollouts', rolloutsQuerySchema),
  api('/api/v1/violations', violationsQuerySchema),
];

export type RouteMatch = { route: RouteSpec; segments: Record<string, string> };

/**
 * The route a path belongs to, with its dynamic segments as they stand in the path (still
 * percent-encoded), or null. As in Next's router, a static segment wins over a dynamic one
 * (`/errors/rules` is the rules page, not the class "rules").
 */
export function matchRoute(pathname: string): RouteMatch | null {
  const parts = pathname.replace(/\/+$/, '').split('/').slice(1);
  let best: (RouteMatch & { fixed: number }) | null = null;
  for (const route of ROUTES) {
    const pattern = route.path === '/' ? [] : route.path.split('/').slice(1);
    if (pattern.length !== parts.length) continue;
    const segments: Record<string, string> = {};
    let fixed = 0;
    const fits = pattern.every((p, i) => {
      const dynamic = /^\[(\w+)\]$/.exec(p);
      if (dynamic) segments[dynamic[1]!] = parts[i]!;
      else fixed += 1;
      return dynamic !== null || p === parts[i];
    });
    if (fits && (best === null || fixed > best.fixed)) best = { route, segments, fixed };
  }
  return best && { route: best.route, segments: best.segments };
}
