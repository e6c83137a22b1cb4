import { randomBytes } from 'node:crypto';

/**
 * The response headers every answer carries (set by proxy.ts), and the Content-Security-Policy of
 * the pages with a fresh script nonce per request. Next finds the nonce in the request's CSP header
 * and puts it on its own scripts; every page renders per request, so each gets its own.
 */

/** 128 random bits, base64: what a CSP nonce needs to be unguessable. */
export function createNonce(): string {
  return randomBytes(16).toString('base64');
}

/** The policy of the dashboard's pages. `dev`: `next dev` evaluates code for its error overlay, so it needs 'unsafe-eval'. */
export function pageCsp(nonce: string, opts: { dev?: boolean } = {}): string {
  return [
    "default-src 'self'",
    // Only scripts carrying this request's nonce, and what they load ('strict-dynamic'): no inline or injected script runs.
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${opts.dev ? " 'unsafe-eval'" : ''}`,
    // recharts and our components set style="" attributes, which a nonce cannot cover (nonces apply to
    // elements only), so styles stay inline-allowed; styles cannot run code, scripts above stay strict.
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
    // No upgrade-insecure-requests: the dashboard is often served over plain http on an intranet or localhost.
  ].join('; ');
}

/** The policy of JSON answers and of the plain error pages: nothing to load, nothing to run, no framing. */
export const STATIC_CSP = "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'";

/** The headers that do not depend on the request. */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  // Older browsers know only X-Frame-Options; newer ones read frame-ancestors in the CSP.
  'x-frame-options': 'DENY',
  'x-content-type-options': 'nosniff',
  // Links out of the dashboard (evidence, runbooks) would otherwise carry filter URLs with service names.
  'referrer-policy': 'same-origin',
};
