import { describe, expect, it } from 'vitest';
import { createNonce, pageCsp, SECURITY_HEADERS, STATIC_CSP } from '../../../lib/http/security-headers';

const directive = (csp: string, name: string) => csp.split('; ').find((d) => d.startsWith(`${name} `)) ?? '';

describe('the security headers', () => {
  it('gives each page a fresh, unguessable nonce', () => {
    const nonces = new Set(Array.from({ length: 1000 }, createNonce));
    expect(nonces.size).toBe(1000);
    for (const n of nonces) expect(Buffer.from(n, 'base64')).toHaveLength(16);
  });

  it('runs only scripts with the nonce in production: no unsafe-inline or unsafe-eval for scripts', () => {
    const csp = pageCsp('abc123==');
    const scripts = directive(csp, 'script-src');
    expect(scripts).toBe("script-src 'self' 'nonce-abc123==' 'strict-dynamic'");
    expect(directive(csp, 'frame-ancestors')).toBe("frame-ancestors 'none'");
    expect(directive(csp, 'object-src')).toBe("object-src 'none'");
    expect(directive(pageCsp('n', { dev: true }), 'script-src')).toContain("'unsafe-eval'");
  });

  it('forbids framing, sniffing and leaking the URL to other sites', () => {
    expect(SECURITY_HEADERS).toEqual({ 'x-frame-options': 'DENY', 'x-content-type-options': 'nosniff', 'referrer-policy': 'same-origin' });
    expect(STATIC_CSP).toContain("default-src 'none'");
  });
});
