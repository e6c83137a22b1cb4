import { cookies, headers } from 'next/headers';
import { redirect } from 'next/navigation';
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

export { hasRole };
