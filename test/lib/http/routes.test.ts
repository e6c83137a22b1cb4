import { readdirSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseParams } from '../../../lib/http/params';
import { matchRoute, ROUTES } from '../../../lib/http/routes';
import { MAX_QUERY_LENGTH, screenRequest } from '../../../lib/http/screen';

const APP = path.resolve(import.meta.dirname, '..', '..', '..', 'app');

/** Every page.tsx and route.ts under app/, as its URL path (route groups such as (app) left out). */
function appRoutes(dir = APP, parts: string[] = []): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    if (entry.isDirectory()) return appRoutes(path.join(dir, entry.name), /^\(.*\)$/.test(entry.name) ? parts : [...parts, entry.name]);
    return /^(page|route)\.(tsx?|jsx?)$/.test(entry.name) ? [`/${parts.join('/')}`] : [];
  });
}

const screen = (url: string) => {
  const u = new URL(url, 'http://localhost');
  return screenRequest({ pathname: u.pathname, search: u.search });
};

describe('the route table', () => {
  it('covers every page and API route of app/, and lists none that does not exist', () => {
    expect([...ROUTES.map((r) => r.path)].sort()).toEqual(appRoutes().sort());
  });

  it('matches paths to routes with their dynamic segments', () => {
    expect(matchRoute('/')?.route.path).toBe('/');
    expect(matchRoute('/errors/42')).toMatchObject({ route: { path: '/errors/[id]' }, segments: { id: '42' } });
    expect(matchRoute('/stages/image-pull/')).toMatchObject({ route: { path: '/stages/[key]' }, segments: { key: 'image-pull' } });
    expect(matchRoute('/api/health')?.route.kind).toBe('api');
    expect(matchRoute('/nope')).toBeNull();
    expect(matchRoute('/errors/1/2')).toBeNull();
  });

  it('prefers a static segment to a dynamic one, as Next does', () => {
    expect(matchRoute('/errors/rules')?.route.path).toBe('/errors/rules');
    expect(matchRoute('/errors/rules/new')?.route.path).toBe('/errors/rules/new');
    expect(matchRoute('/errors/rules/7')).toMatchObject({ route: { path: '/errors/rules/[id]' }, segments: { id: '7' } });
    expect(matchRoute('/errors/7')?.route.path).toBe('/errors/[id]');
  });
});

describe('screening requests before they reach a route', () => {
  it('answers the requests of the issue with 400 naming the parameter, never letting them through', () => {
    const cases: [string, string][] = [
      ['/stages?from=9999-12-30&to=9999-12-31', 'from'],
      ['/stages?from=0001-01-01&to=8999-12-31', 'from'],
      ['/errors/99999999999999999999', 'id'],
      ['/errors?from=2026-13-01&to=2026-13-05', 'from'],
      ['/stages/image-pull?from=2026-00-00', 'from'],
      ['/stages?from=2026-01-01&to=2026-12-31', 'to'],
      ['/errors?week=9999-W52', 'week'],
      ['/errors?page=99999999', 'page'],
      ['/errors?stage=a&stage=b', 'stage'],
      ['/admission?week=not-a-week', 'week'],
      ['/admission/Not%20A%20Rule', 'id'],
      ['/digests/0', 'id'],
      ['/quarantine?batch=-1', 'batch'],
      ['/errors/rules/new?class=0', 'class'],
      ['/errors/rules/new?class=1&class=2', 'class'],
      ['/errors/rules/abc', 'id'],
      ['/errors/rules/99999999999', 'id'],
    ];
    for (const [url, param] of cases) {
      const answer = screen(url);
      expect(answer?.status, url).toBe(400);
      expect(answer?.contentType, url).toMatch(/^text\/html/);
      expect(answer?.body, url).toContain(`<code>${param}</code>`);
    }
  });

  it('answers API routes with JSON naming the parameter', () => {
    const answer = screen('/api/errors/export?to=2026-02-30&from=2026-02-01')!;
    expect(answer.status).toBe(400);
    expect(JSON.parse(answer.body)).toEqual({ error: expect.stringMatching(/^to: "2026-02-30" is not a calendar day/), details: [{ param: 'to', message: expect.any(String) }] });
  });

  it('lets good requests through, empty form fields and unknown parameters included', () => {
    const good = [
      '/', '/stages?from=2026-11-01&to=2026-11-20&grain=week&stages_sort=failures&stages_dir=desc', '/errors?stage=&service=&week=2026-W47&page=2&utm=x',
      '/errors/42', '/stages/image-pull', '/admission?week=all', '/admission/image-provenance', '/digests/7?x=1', '/quarantine?batch=3&page=2',
      '/api/health', '/api/ingest', '/login?next=%2Ferrors', '/icon.svg', '/no-such-page', '/errors/rules', '/errors/rules/new', '/errors/rules/new?class=12', '/errors/rules/3',
    ];
    for (const url of good) {
      expect(screen(url), url).toBeNull();
    }
  });

  it('refuses a malformed percent-encoding in the path and an over-long query', () => {
    expect(screen('/admission/%E0%A4%A')?.body).toContain('<code>path</code>');
    expect(screen(`/errors?service=${'x'.repeat(MAX_QUERY_LENGTH)}`)?.status).toBe(414);
    expect(screen(`/errors?service=${'x'.repeat(201)}`)?.body).toContain('is longer than 200 characters');
  });

  it('escapes what it echoes, so a parameter cannot write HTML into the error page', () => {
    const answer = screen(`/errors?week=${encodeURIComponent('<script>alert(1)</script>')}`)!;
    expect(answer.body).not.toContain('<script>');
    expect(answer.body).toContain('&#60;script&#62;');
  });

  it('never throws, and what it lets through its route parses again (as the page does)', () => {
    const edges = fc.constantFrom('0000-00-00', '9999-12-31', '2026-02-30', 'NaN', '-1', '1e309', '%', '2026-W53', 'all');
    const value = fc.oneof(fc.string(), fc.string({ unit: 'grapheme' }), fc.integer().map(String), edges);
    const request = fc.record({
      route: fc.constantFrom(...ROUTES),
      segment: value,
      params: fc.array(fc.tuple(fc.oneof(fc.constantFrom('from', 'to', 'week', 'page', 'id', 'batch', 'grain', 'sort', 'stage', 'need', 'stages_sort'), fc.string()), value), { maxLength: 6 }),
    });
    fc.assert(fc.property(request, ({ route, segment, params }) => {
      const pathname = route.path.replace(/\[\w+\]/g, encodeURIComponent(segment) || 'x');
      const search = `?${new URLSearchParams(params).toString()}`;
      // A segment spelling a static route ("rules", "new") is that route's path.
      fc.pre(!ROUTES.some((r) => r !== route && r.path === pathname));
      const answer = screenRequest({ pathname, search });
      expect(matchRoute(pathname)?.route).toBe(route);
      if (answer) {
        expect([400, 414]).toContain(answer.status);
        return;
      }
      expect(parseParams(route.search, new URLSearchParams(search)).ok).toBe(true);
    }), { numRuns: 3000 });
  });
});

describe('the 400 page', () => {
  it('links to the page itself, or for a bad id to the list it came from', () => {
    expect(screen('/stages?grain=hour')?.body).toContain('<a href="/stages">Open /stages with its default values</a>');
    expect(screen('/errors/abc')?.body).toContain('<a href="/errors">Open /errors with its default values</a>');
    expect(screen('/errors/rules/abc')?.body).toContain('<a href="/errors/rules">Open /errors/rules with its default values</a>');
  });
});
