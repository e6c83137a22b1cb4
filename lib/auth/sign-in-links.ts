import { createHash, randomBytes } from 'node:crypto';
import type { Db } from '../db';
import { HttpError } from '../errors';
import { UNKNOWN_CLIENT } from './client-address';
import { hashPassword } from './passwords';
import { isRole, type AuthUser } from './roles';
import { createSession } from './sessions';
import { admitSignIn, attemptKey, recordSignInSuccess } from './sign-in-attempts';
import { TooManySignInsError } from './throttle';
import { recordUserChange, type Actor, type Tx } from './user-changes';

/**
 * One-time sign-in links: an admin issues one instead of a password (lib/auth/user-admin.ts); the
 * person opens /login/link?token=…, sets a password and is signed in. Only the SHA-256 of the token
 * is stored; a link works once, for LINK_HOURS, while the account is active, and a newer link (or a
 * reset, or disabling the account) replaces it. Opening and using links goes through the sign-in
 * throttle (lib/auth/throttle.ts): per client, and per link as if it were an account.
 */
export const LINK_HOURS = 72;
// 32 random bytes in base64url: what createSignInLink makes; anything else cannot be a link of ours.
const TOKEN_PATTERN = /^[A-Za-z0-9_-]{43}$/;

export const hashLinkToken = (token: string) => createHash('sha256').update(token).digest('hex');

export function signInLinkUrl(baseUrl: string, token: string): string {
  return `${baseUrl}/login/link?token=${token}`;
}

/** Makes a user's one sign-in link (unused older ones are deleted); returns the token, in clear only here. */
export async function createSignInLink(tx: Tx, userId: number, by: Actor): Promise<{ token: string; expiresAt: Date }> {
  const now = by.now ?? new Date();
  await tx.signInLink.deleteMany({ where: { userId, usedAt: null } });
  const token = randomBytes(32).toString('base64url');
  const expiresAt = new Date(now.getTime() + LINK_HOURS * 3_600_000);
  const tokenHash = hashLinkToken(token);
  await tx.signInLink.create({ data: { tokenHash, userId, createdBy: by.actor, createdAt: now, expiresAt } });
  return { token, expiresAt };
}

export type LinkProblem = 'malformed' | 'unknown' | 'used' | 'expired' | 'disabled';
const ASK = 'Ask an admin for a new link.';
const at = (d: Date) => `${d.toISOString().slice(0, 16).replace('T', ' ')} UTC`;

function linkMessage(problem: LinkProblem, when: Date | undefined): string {
  const on = when ? ` (${at(when)})` : '';
  return {
    malformed: `This sign-in link is incomplete or mistyped: open the whole link from the message. ${ASK}`,
    unknown: `This sign-in link is not valid: it may have been replaced by a newer link or a reset. ${ASK}`,
    used: `This sign-in link was used already${on}: sign in with your password, or ask an admin for a new link.`,
    expired: `This sign-in link expired${when ? ` on ${at(when)}` : ''}; links work for ${LINK_HOURS} hours. ${ASK}`,
    disabled: 'This account is disabled, so its sign-in link does not work. Ask an admin.',
  }[problem];
}

/** A link that cannot be used, with what to do about it; the page shows the message. */
export class SignInLinkError extends HttpError {
  constructor(readonly problem: LinkProblem, when?: Date) {
    super(400, linkMessage(problem, when));
  }
}

type LinkRow = { usedAt: Date | null; expiresAt: Date; user: { disabledAt: Date | null } };

function problemOf(link: LinkRow | null, now: Date): SignInLinkError | null {
  if (!link) return new SignInLinkError('unknown');
  if (link.usedAt) return new SignInLinkError('used', link.usedAt);
  if (link.expiresAt <= now) return new SignInLinkError('expired', link.expiresAt);
  if (link.user.disabledAt) return new SignInLinkError('disabled');
  return null;
}

type LinkAttempt = { token: string; client?: string; now?: Date };

/** Throttles an attempt on a link, then finds it.; throws SignInLinkError (a failed attempt) or TooManySignInsError. */
async function admitLink(db: Db, input: LinkAttempt) {
  if (!TOKEN_PATTERN.test(input.token)) throw new SignInLinkError('malformed');
  const now = input.now ?? new Date();
  const tokenHash = hashLinkToken(input.token);
  // Each link is an "account" of the throttle, and every link attempt counts for the client.
  const key = attemptKey(`link:${tokenHash.slice(0, 16)}`, input.client ?? UNKNOWN_CLIENT);
  const attemptId = await admitSignIn(db, key, now);
  const link = await db.prisma.signInLink.findUnique({ where: { tokenHash }, include: { user: true } });
  const problem = problemOf(link, now);
  if (problem) throw problem;
  return { link: link!, attemptId, tokenHash, now };
}

type PageAttempt = Omit<LinkAttempt, 'token'> & { token?: string | undefined };
export type LinkSession = { user: AuthUser; token: string; expiresAt: Date };
export type LinkCheck =
  | { ok: true; email: string; name: string; expiresAt: Date }
  | { ok: false; problem: LinkProblem | 'throttled'; message: string };

/**
 * For the link's page: whether the link can be used, and whose it is, or what is wrong with it (a
 * message the page shows). Changes nothing but the sign-in log.
 */
export async function checkSignInLink(db: Db, input: PageAttempt): Promise<LinkCheck> {
  try {
    const { link, attemptId } = await admitLink(db, { ...input, token: input.token ?? '' });
    await recordSignInSuccess(db, attemptId);
    return { ok: true, email: link.user.email, name: link.user.name, expiresAt: link.expiresAt };
  } catch (error) {
    if (error instanceof SignInLinkError) return { ok: false, problem: error.problem, message: error.message };
    if (error instanceof TooManySignInsError) return { ok: false, problem: 'throttled', message: error.message };
    throw error;
  }
}

/**
 * Uses a link: sets the user's password, ends their other sessions and signs them in (a new
 * session). The link is marked used in the same transaction that checks it is unused, so two
 * parallel uses cannot both succeed.
 */
export async function setPasswordWithLink(db: Db, input: LinkAttempt & { password: string }): Promise<LinkSession> {
  const { link, attemptId, tokenHash, now } = await admitLink(db, input);
  const passwordHash = await hashPassword(input.password);
  const user = await db.prisma.$transaction(async (tx) => {
    const unused = { tokenHash, usedAt: null, expiresAt: { gt: now } };
    const used = await tx.signInLink.updateMany({ where: unused, data: { usedAt: now } });
    const owner = await tx.user.findUniqueOrThrow({ where: { id: link.userId } });
    if (used.count === 0) throw new SignInLinkError('used');
    // Checked before anything changes: a refused link leaves the password and the link as they were.
    if (owner.disabledAt || !isRole(owner.role)) throw new SignInLinkError('disabled');
    await tx.user.update({ where: { id: owner.id }, data: { passwordHash, passwordSetAt: now } });
    await tx.session.deleteMany({ where: { userId: owner.id } });
    await tx.signInLink.deleteMany({ where: { userId: owner.id, usedAt: null } });
    await recordUserChange(tx, owner.id, 'password', { via: 'sign-in link' }, { actor: owner.email, now });
    return owner;
  });
  if (!isRole(user.role)) throw new SignInLinkError('disabled'); // narrowed above; here for the type
  await recordSignInSuccess(db, attemptId);
  const session = await createSession(db, user.id, now);
  return { ...session, user: { id: user.id, email: user.email, name: user.name, role: user.role } };
}
