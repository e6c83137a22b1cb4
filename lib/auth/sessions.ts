import { createHash, randomBytes } from 'node:crypto';
import type { Db } from '../db';
import { ValidationError } from '../errors';
import { UNKNOWN_CLIENT } from './client-address';
import { dummyPasswordHash, verifyPassword } from './passwords';
import { isRole, type AuthUser } from './roles';
import { admitSignIn, attemptKey, recordSignInSuccess } from './sign-in-attempts';

/** Sign-in with a local account, and the sessions behind the dashboard's HTTP-only cookie. */
export const SESSION_COOKIE = 'rollscope_session';
export const SESSION_DAYS = 14;

const digest = (token: string) => createHash('sha256').update(token).digest('hex');
/** The stored id of a session: the SHA-256 of its cookie's token (the token itself is never stored). */
export const sessionIdOf = digest;

function toAuthUser(u: { id: number; email: string; name: string; role: string }): AuthUser | null {
  return isRole(u.role) ? { id: u.id, email: u.email, name: u.name, role: u.role } : null;
}

export type SignInInput = {
  email: string;
  password: string;
  /** The client address (lib/auth/client-address.ts), for the per-client limit. */
  client?: string;
  now?: Date;
};

/**
 * Checks an e-mail and password under the sign-in throttle (lib/auth/throttle.ts) and logs the
 * attempt; returns a new session token (for the cookie). Throws TooManySignInsError when refused,
 * ValidationError when wrong.
 */
export async function signIn(db: Db, input: SignInInput): Promise<{ token: string; user: AuthUser; expiresAt: Date }> {
  const now = input.now ?? new Date();
  const key = attemptKey(input.email, input.client ?? UNKNOWN_CLIENT);
  const attemptId = await admitSignIn(db, key, now);
  const user = await db.prisma.user.findUnique({ where: { email: key.email } });
  const account = user?.passwordHash && !user.disabledAt ? { ...user, passwordHash: user.passwordHash } : null;
  // Equal work: without a usable account, verify against a dummy hash, so timing tells no one which e-mails exist.
  const ok = await verifyPassword(input.password, account?.passwordHash ?? (await dummyPasswordHash()));
  const authUser = ok && account ? toAuthUser(account) : null;
  // One message for every failure: no hint which e-mails exist.
  if (!authUser) throw new ValidationError('wrong e-mail or password');
  await recordSignInSuccess(db, attemptId);
  return { ...(await createSession(db, authUser.id, now)), user: authUser };
}

export async function createSession(db: Db, userId: number, now = new Date()): Promise<{ token: string; expiresAt: Date }> {
  const token = randomBytes(32).toString('base64url');
  const expiresAt = new Date(now.getTime() + SESSION_DAYS * 86_400_000);
  await db.prisma.session.create({ data: { id: digest(token), userId, expiresAt, createdAt: now, lastSeenAt: now } });
  return { token, expiresAt };
}

/** The user behind a session token, or null (unknown, expired, or the user was disabled). */
export async function getSessionUser(db: Db, token: string | undefined, now = new Date()): Promise<AuthUser | null> {
  if (!token) return null;
  const session = await db.prisma.session.findUnique({ where: { id: digest(token) }, include: { user: true } });
  if (!session || session.expiresAt <= now || session.user.disabledAt) return null;
  return toAuthUser(session.user);
}

export async function signOut(db: Db, token: string | undefined): Promise<void> {
  if (token) await db.prisma.session.deleteMany({ where: { id: digest(token) } });
}
