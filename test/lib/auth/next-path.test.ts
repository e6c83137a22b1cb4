import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { safeNextPath } from '../../../lib/auth/next-path';

const SITE = 'https://rollscope.example';
// Where the sign-in page can be when the browser resolves the redirect.
const BASES = [`${SITE}/login`, `${SITE}/login?next=%2Ferrors`, `${SITE}/a/b/c/`];

/** How a browser would read `target` as a Location: the WHATWG parser against the current page. */
function staysOnSite(target: string): boolean {
  return BASES.every((base) => {
    try {
      return new URL(target, base).origin === SITE;
    } catch {
      return false;
    }
  });
}

function decodeOrNull(text: string): string | null {
  try {
    return decodeURIComponent(text);
  } catch {
    return null;
  }
}

// Characters that open redirects are made of, so that generated strings hit the interesting cases often.
const HOSTILE = ['/', '\\', '\t', '\n', '\r', ' ', '\u0000', '\u007f', '\u00a0', '%', '2', 'f', 'F', '5', 'c', 'C', '0', '9', ':', '.', '@', '?', '#', 'e', 'v', 'i', 'l', 'h', 't', 'p', 's', 'j', 'a', 'x', 'ï'];
const hostile = fc.array(fc.constantFrom(...HOSTILE), { maxLength: 24 }).map((cs) => cs.join(''));
const anyNext = fc.oneof(hostile, fc.string({ unit: 'binary', maxLength: 40 }), hostile.map((s) => `/${s}`), fc.webUrl(), fc.webUrl().map((u) => u.replace(/^https?:/, '')));

const segment = fc.stringMatching(/^[A-Za-z0-9_~-][A-Za-z0-9._~-]{0,11}$/).filter((s) => s !== '.' && s !== '..');
const query = fc.array(fc.tuple(fc.stringMatching(/^[a-z_]{1,8}$/), fc.stringMatching(/^[A-Za-z0-9_-]{0,10}$/)), { maxLength: 3 }).map((pairs) => (pairs.length ? `?${pairs.map(([k, v]) => `${k}=${v}`).join('&')}` : ''));
const hash = fc.option(fc.stringMatching(/^[A-Za-z0-9_-]{1,10}$/), { nil: undefined }).map((h) => (h ? `#${h}` : ''));
const ordinaryPath = fc.tuple(fc.array(segment, { maxLength: 5 }), query, hash).map(([segments, q, h]) => `/${segments.join('/')}${q}${h}`);

describe('safeNextPath', () => {
  it('accepts nothing that a browser would resolve to another site', () => {
    fc.assert(
      fc.property(anyNext, (next) => {
        const result = safeNextPath(next);
        expect(staysOnSite(result)).toBe(true);
        expect(result).toMatch(/^\/(?![/\\])/);
        expect(result).not.toMatch(/[\u0000-\u001f\u007f\\]/);
        // Decoded once (by anything downstream), it still names no other host.
        const decoded = decodeOrNull(result);
        if (decoded !== null) expect(staysOnSite(decoded.replace(/[\t\n\r]/g, ''))).toBe(true);
        // Its own output is accepted unchanged: what was checked is what is followed.
        expect(safeNextPath(result)).toBe(result);
      }),
      { numRuns: 5000 },
    );
  });

  it('keeps ordinary paths with their query and hash', () => {
    fc.assert(
      fc.property(ordinaryPath, (path) => {
        expect(safeNextPath(path)).toBe(path);
      }),
      { numRuns: 1000 },
    );
  });

  it.each([
    'https://evil.example/phish',
    '//evil.example',
    '/\\evil.example/',
    '\\\\evil.example',
    '/\t/evil.example',
    '/%09/evil.example',
    '/%2F%2Fevil.example',
    '/%2f/evil.example',
    '/%5Cevil.example',
    '/.//evil.example',
    ' //evil.example',
    '\n/\n/evil.example',
    'javascript:alert(1)',
    '/\u0000/evil.example',
    'evil.example',
    '',
  ])('refuses %j', (next) => {
    expect(safeNextPath(next)).toBe('/');
  });

  it('refuses what is not one string, and keeps site paths with their query', () => {
    expect(safeNextPath(undefined)).toBe('/');
    expect(safeNextPath(['/errors', '//evil.example'])).toBe('/');
    expect(safeNextPath('/x'.repeat(2000))).toBe('/');
    expect(safeNextPath('/errors?week=2026-W47&stage=image-pull#top')).toBe('/errors?week=2026-W47&stage=image-pull#top');
    expect(safeNextPath('/stages/../errors')).toBe('/errors');
    expect(safeNextPath('//evil.example', '/errors')).toBe('/errors');
  });
});
