import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseParams } from '../../../lib/http/params';
import { decodeSegments, searchPageSchema } from '../../../lib/http/place-schemas';
import { matchRoute } from '../../../lib/http/routes';
import { screenRequest } from '../../../lib/http/screen';
import { hostHref, rolloutHref, searchHref, serviceHref, subjectHref } from '../../../lib/places/links';

const screen = (url: string) => {
  const u = new URL(url, 'http://localhost');
  return screenRequest({ pathname: u.pathname, search: u.search });
};
// Any text the ingest stores: no NUL, no lone surrogate (fast-check's default strings have neither).
// Except "." and "..": URLs read them as dot segments even percent-encoded (WHATWG URL), so no path
// can name them — a known limit of the place pages (an id of only dots has no page of its own).
const storable = fc.string({ unit: 'grapheme', minLength: 1, maxLength: 60 }).filter((s) => s !== '.' && s !== '..');

describe('the place pages and search at the edge', () => {
  it('lets through a rollout, host or service of any storable text, percent-encoded into one segment', () => {
    fc.assert(fc.property(storable, (id) => {
      for (const href of [rolloutHref(id), hostHref(id), serviceHref(id), searchHref(id)]) {
        expect(screen(href), href).toBeNull();
        expect(matchRoute(new URL(href, 'http://x').pathname)?.route.path).toMatch(/^\/(rollouts|hosts|services|search)/);
      }
    }));
    expect(matchRoute(rolloutHref('a/b%c'))).toMatchObject({ route: { path: '/rollouts/[id]' }, segments: { id: 'a%2Fb%25c' } });
  });

  it('answers 400 naming the parameter for a query too long or holding a NUL, a bad period, an id too long', () => {
    const cases: [string, string, string][] = [
      [`/search?q=${'x'.repeat(257)}`, 'q', 'is longer than 256 characters'],
      ['/search?q=a%00b', 'q', 'contains a NUL character'],
      ['/search?q=a&q=b', 'q', 'is given 2 times'],
      [`/rollouts/${'r'.repeat(201)}`, 'id', 'is longer than 200 characters'],
      [`/hosts/${'h'.repeat(256)}`, 'host', 'is longer than 255 characters'],
      ['/hosts/web-1?week=2026-W99', 'week', 'is not an ISO week'],
      ['/services/feed-api?week=2026-W47&from=2026-11-01', 'week', 'give either week or from/to'],
      ['/services/feed-api?from=2026-01-01&to=2026-12-31', 'to', 'at most 92'],
    ];
    for (const [url, param, message] of cases) {
      const answer = screen(url);
      expect(answer?.status, url).toBe(400);
      expect(answer?.body, url).toContain(`<code>${param}</code>`);
      expect(answer?.body, url).toContain(message);
    }
  });

  it('takes an empty query as none, and any other storable text as it is', () => {
    expect(parseParams(searchPageSchema, { q: '' })).toEqual({ ok: true, data: {} });
    fc.assert(fc.property(fc.string({ maxLength: 256 }).filter((s) => !/[\u0000\ud800-\udfff]/.test(s) && s !== ''), (q) => {
      expect(parseParams(searchPageSchema, { q })).toEqual({ ok: true, data: { q } });
    }));
  });

  it("links a violation's subject to its page", () => {
    expect(subjectHref('rollout', 'r 1/%')).toBe('/rollouts/r%201%2F%25');
    expect(subjectHref('host', 'web-1')).toBe('/hosts/web-1');
    expect(subjectHref('service', 'svc/β')).toBe('/services/svc%2F%CE%B2');
    expect(subjectHref('stage', 'image-pull')).toBe('/stages/image-pull');
    expect(subjectHref('error-class', '12')).toBe('/errors/12');
    expect(subjectHref('dependency', 'x')).toBeNull();
  });
});

describe('decodeSegments', () => {
  it('decodes each segment exactly once, and keeps a malformed one as it is', () => {
    fc.assert(fc.property(storable, (id) => {
      expect(decodeSegments({ id: encodeURIComponent(id) })).toEqual({ id });
    }));
    expect(decodeSegments({ id: '%2541', host: 'a%20b' })).toEqual({ id: '%41', host: 'a b' });
    expect(decodeSegments({ id: '%E0%A4%A' })).toEqual({ id: '%E0%A4%A' });
  });
});
