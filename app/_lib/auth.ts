import { cookies, headers } from 'next/headers';
import { redirect } from 'next/navigation';
import { resolveClientAddress } from '../../lib/auth/client-address';
import { assertRole, hasRole, type AuthUser, type Role } from '../../lib/auth/roles';
import { getSessionUser, SESSION_COOKIE } from '../../lib/auth/sessions';
import { userFromTrustedHeader } from '../../lib/auth/users';
import { getDb } from '../../lib/db';
import { getSettings } from '../../lib/env';

/** The signed-in user: from the trusted proxy header when configured, else from the session cookie. */
export async function currentUser(): Promise<AuthUser | null> {
  const db = await getDb();
  const trusted = getSettings().trustedHeader;
  if (trusted) {
    const email = (await headers()).get(trusted.name);
    if (email) return userFromTrustedHeader(db, email, trusted.role);
  }
  return getSessionUser(db, (await cookies()).get(SESSION_COOKIE)?.value);
}

/** For pages: the user with at least `role`; strangers go to the sign-in page, lower roles to /forbidden. */
export async function requireUser(role: Role = 'viewer', from = '/'): Promise<AuthUser> {
  const user = await currentUser();
  if (!user) redirect(`/login?next=${encodeURIComponent(from)}`);
  if (!hasRole(user, role)) redirect(`/forbidden?need=${role}`);
  return user;
}

/** For server actions: the user, checked against `role` (throws ForbiddenError). */
export async function authorize(role: Role): Promise<AuthUser> {
  const user = await currentUser();
  assertRole(user, role);
  return user!;
}

/** Puts a new session in the HTTP-only cookie (after a sign-in, or after a sign-in link was used). */
export async function setSessionCookie(session: { token: string; expiresAt: Date }): Promise<void> {
  (await cookies()).set(SESSION_COOKIE, session.token, {
    httpOnly: true,
    sameSite: 'lax',
    secure: getSettings().baseUrl.startsWith('https:'),
    path: '/',
    expires: session.expiresAt,
  });
}

/** The token of this request's session cookie, if any (the session a password change keeps). */
export async function currentSessionToken(): Promise<string | undefined> {
  return (await cookies()).get(SESSION_COOKIE)?.value;
}

/** The client address sign-in throttling counts against (lib/auth/client-address.ts). */
export async function currentClient(): Promise<string> {
  return resolveClientAddress((await headers()).get('x-forwarded-for'), getSettings().trustedProxyHops);
}

export { hasRole };
