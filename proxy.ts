import { NextResponse, type NextRequest } from 'next/server';
import { screenRequest } from './lib/http/screen';
import { createNonce, pageCsp, SECURITY_HEADERS, STATIC_CSP } from './lib/http/security-headers';

/**
 * Before every route: answers a bad path segment or URL parameter with 400 (lib/http/screen.ts),
 * and gives every answer the security headers; pages get a CSP with a fresh script nonce, which
 * Next reads from the request's CSP header and puts on its scripts.
 */
export function proxy(request: NextRequest): Response {
  const refused = screenRequest(request.nextUrl);
  if (refused) {
    const headers = { ...SECURITY_HEADERS, 'content-type': refused.contentType, 'content-security-policy': STATIC_CSP };
    return new Response(refused.body, { status: refused.status, headers });
  }
  const isApi = request.nextUrl.pathname.startsWith('/api/');
  const csp = isApi ? STATIC_CSP : pageCsp(createNonce(), { dev: process.env.NODE_ENV === 'development' });
  const headers = new Headers(request.headers);
  headers.set('content-security-policy', csp);
  const response = NextResponse.next({ request: { headers } });
  for (const [name, value] of Object.entries(SECURITY_HEADERS)) response.headers.set(name, value);
  response.headers.set('content-security-policy', csp);
  return response;
}

export const config = {
  // Not the build's static files (hashed, served as is); everything else, server actions included.
  matcher: ['/((?!_next/static|_next/image).*)'],
};
