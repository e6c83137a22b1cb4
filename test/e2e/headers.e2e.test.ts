import { beforeAll, describe, expect, inject, it } from 'vitest';
import { createSession, SESSION_COOKIE } from '../../lib/auth/sessions';
import { openDb } from '../../lib/db';
import { USERS } from './setup';

const base = () => inject('baseUrl');
const nonceOf = (csp: string) => /'nonce-([^']+)'/.exec(csp)?.[1] ?? null;
const directive = (csp: string, name: string) => csp.split(/;\s*/).find((d) => d.startsWith(`${name} `)) ?? '';

describe('the security headers on the real server', () => {
  let cookie = '';
  beforeAll(async () => {
    const db = await openDb(inject('databaseUrl'));
    try {
      const admin = await db.prisma.user.findUniqueOrThrow({ where: { email: USERS.admin } });
      cookie = `${SESSION_COOKIE}=${(await createSession(db, admin.id)).token}`;
    } finally {
      await db.close();
    }
  });

  it('gives every page a CSP whose fresh nonce is on each of its scripts, and no inline scripts otherwise', async () => {
    const seen = new Set<string>();
    for (const path of ['/', '/errors', '/stages', '/stages/image-pull', '/admission', '/quarantine', '/digests', '/settings', '/login']) {
      const res = await fetch(`${base()}${path}`, { headers: { cookie } });
      expect(res.status, path).toBe(200);
      const csp = res.headers.get('content-security-policy') ?? '';
      const nonce = nonceOf(csp);
      expect(nonce, path).toMatch(/^[A-Za-z0-9+/]{22}==$/);
      expect(seen.has(nonce!), `${path}: nonce reused`).toBe(false);
      seen.add(nonce!);
      expect(directive(csp, 'script-src')).toBe(`script-src 'self' 'nonce-${nonce}' 'strict-dynamic'`);
      expect(directive(csp, 'frame-ancestors')).toBe("frame-ancestors 'none'");
      const scripts = (await res.text()).match(/<script\b[^>]*>/g) ?? [];
      expect(scripts.length, path).toBeGreaterThan(0);
      for (const tag of scripts) expect(tag, path).toContain(`nonce="${nonce}"`);
      expect(res.headers.get('x-frame-options')).toBe('DENY');
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.headers.get('referrer-policy')).toBe('same-origin');
    }
  });

  it('sends the same protections with JSON, CSV, the 400 page and the 404 page', async () => {
    for (const [path, status] of [['/api/health', 200], ['/api/errors/export', 200], ['/stages?from=2026-02-30', 400], ['/api/errors/export?page=0', 400], ['/no-such-page', 404]] as const) {
      const res = await fetch(`${base()}${path}`, { headers: { cookie } });
      expect(res.status, path).toBe(status);
      expect(res.headers.get('x-content-type-options'), path).toBe('nosniff');
      expect(res.headers.get('x-frame-options'), path).toBe('DENY');
      expect(res.headers.get('content-security-policy'), path).toContain("frame-ancestors 'none'");
    }
  });
});
