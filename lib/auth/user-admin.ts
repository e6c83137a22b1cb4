import type { z } from 'zod';
import type { Db } from '../db';
import { ValidationError } from '../errors';
import { fieldsOrThrow } from '../http/params';
import { generatePassword, hashPassword } from './passwords';
import { ForbiddenError, type Role } from './roles';
import { createSignInLink } from './sign-in-links';
import { recordUserChange, type Actor, type Tx } from './user-changes';
import { addUserSchema, resetSchema, setRoleSchema, userRefSchema, type CredentialKind } from './user-schemas';

/**
 * What admins do to accounts (Settings → Users, and `npm run user`): add, change the role, disable
 * and enable, reset the sign-in. Each change is one transaction that also writes its UserChange.
 * Inputs are parsed here with the schemas of user-schemas.ts, whoever calls.
 *
 * The last active admin can be neither demoted nor disabled, by anyone: changes to accounts take one
 * lock (PostgreSQL: an advisory lock; SQLite: BEGIN IMMEDIATE, lib/sqlite-adapter.ts), so two admins
 * demoting each other at once cannot both pass the check.
 */
type UserRow = { id: number; email: string; name: string; role: string; disabledAt: Date | null };
export type ManagedUser = { id: number; email: string; name: string; role: string };
/** What the person signs in with: the link's token or a generated password are shown (or mailed) once, never stored. */
export type Credential =
  | { kind: 'link'; token: string; expiresAt: Date }
  | { kind: 'password' }
  | { kind: 'generated'; password: string };

// Any constant: the key of the PostgreSQL advisory lock that serialises changes to accounts.
const USERS_LOCK = 7_241_203;

async function inUsersLock<T>(db: Db, work: (tx: Tx) => Promise<T>): Promise<T> {
  return db.prisma.$transaction(async (tx) => {
    if (db.kind === 'postgresql') await tx.$executeRawUnsafe(`SELECT pg_advisory_xact_lock(${USERS_LOCK})`);
    return work(tx);
  });
}

async function findUser(tx: Tx, email: string): Promise<UserRow> {
  const user = await tx.user.findUnique({ where: { email } });
  if (!user) throw new ValidationError(`email: no user has the e-mail ${email}`);
  return user;
}

const isActiveAdmin = (u: { role: string; disabledAt: Date | null }) => u.role === 'admin' && u.disabledAt === null;

/** Refuses a change that would leave no active admin: `after` is the user as the change would leave them. */
async function assertAdminRemains(tx: Tx, user: UserRow, after: Pick<UserRow, 'role' | 'disabledAt'>, by: Actor) {
  if (!isActiveAdmin(user) || isActiveAdmin(after)) return;
  const others = await tx.user.count({ where: { role: 'admin', disabledAt: null, id: { not: user.id } } });
  if (others > 0) return;
  const who = by.actor === user.email ? 'you are' : `${user.email} is`;
  throw new ForbiddenError(
    `${who} the last active admin: make another user an admin first, so that someone can still manage Rollscope`,
  );
}

type Secret = { kind: CredentialKind; password?: string; hash: string | null };

/** Hashes a password before the transaction: scrypt takes tens of milliseconds, while the lock would be held. */
async function prepareSecret(input: { credential: CredentialKind; password?: string | undefined }): Promise<Secret> {
  if (input.credential === 'link') return { kind: 'link', hash: null };
  const password = input.credential === 'generated' ? generatePassword() : input.password!;
  return { kind: input.credential, password, hash: await hashPassword(password) };
}

async function issueCredential(tx: Tx, userId: number, secret: Secret, by: Actor): Promise<Credential> {
  if (secret.kind === 'link') return { kind: 'link', ...(await createSignInLink(tx, userId, by)) };
  await tx.signInLink.deleteMany({ where: { userId, usedAt: null } });
  return secret.kind === 'generated' ? { kind: 'generated', password: secret.password! } : { kind: 'password' };
}

const managed = (u: ManagedUser): ManagedUser => ({ id: u.id, email: u.email, name: u.name, role: u.role });
const taken = (email: string) => new ValidationError(`email: ${email} has an account already`);

export type Issued = { user: ManagedUser; credential: Credential };

export async function addUser(db: Db, input: z.input<typeof addUserSchema>, by: Actor): Promise<Issued> {
  const data = fieldsOrThrow(addUserSchema, input);
  const now = by.now ?? new Date();
  const secret = await prepareSecret(data);
  try {
    return await inUsersLock(db, async (tx) => {
      if (await tx.user.findUnique({ where: { email: data.email } })) throw taken(data.email);
      const { email, name, role } = data;
      const passwordSetAt = secret.hash ? now : null;
      const passwordHash = secret.hash;
      const user = await tx.user.create({ data: { email, name, role, passwordHash, passwordSetAt, createdAt: now } });
      const credential = await issueCredential(tx, user.id, secret, { ...by, now });
      await recordUserChange(tx, user.id, 'create', { name, role, via: data.credential }, { ...by, now });
      return { user: managed(user), credential };
    });
  } catch (error) {
    // A user signed in through the trusted header at the same moment (users.ts does not take the lock).
    if ((error as { code?: string }).code === 'P2002') throw taken(data.email);
    throw error;
  }
}

type RoleChange = { user: ManagedUser; from: string };

export async function setRole(db: Db, input: { email: string; role: Role }, by: Actor): Promise<RoleChange> {
  const data = fieldsOrThrow(setRoleSchema, input);
  return inUsersLock(db, async (tx) => {
    const user = await findUser(tx, data.email);
    const article = /^[aeiou]/.test(data.role) ? 'an' : 'a';
    if (user.role === data.role) throw new ValidationError(`role: ${user.email} is ${article} ${data.role} already`);
    await assertAdminRemains(tx, user, { role: data.role, disabledAt: user.disabledAt }, by);
    const updated = await tx.user.update({ where: { id: user.id }, data: { role: data.role } });
    await recordUserChange(tx, user.id, 'role', { from: user.role, to: data.role }, by);
    return { user: managed(updated), from: user.role };
  });
}

/** Disables an account: its sessions end, its unused sign-in link is deleted; the account and its history stay. */
export async function disableUser(db: Db, input: { email: string }, by: Actor): Promise<ManagedUser> {
  const { email } = fieldsOrThrow(userRefSchema, input);
  const now = by.now ?? new Date();
  return inUsersLock(db, async (tx) => {
    const user = await findUser(tx, email);
    if (user.disabledAt) throw new ValidationError(`email: ${user.email} is disabled already`);
    await assertAdminRemains(tx, user, { role: user.role, disabledAt: now }, by);
    await tx.user.update({ where: { id: user.id }, data: { disabledAt: now } });
    await tx.session.deleteMany({ where: { userId: user.id } });
    await tx.signInLink.deleteMany({ where: { userId: user.id, usedAt: null } });
    await recordUserChange(tx, user.id, 'disable', {}, { ...by, now });
    return managed(user);
  });
}

export async function enableUser(db: Db, input: { email: string }, by: Actor): Promise<ManagedUser> {
  const { email } = fieldsOrThrow(userRefSchema, input);
  return inUsersLock(db, async (tx) => {
    const user = await findUser(tx, email);
    if (!user.disabledAt) throw new ValidationError(`email: ${user.email} is not disabled`);
    await tx.user.update({ where: { id: user.id }, data: { disabledAt: null } });
    await recordUserChange(tx, user.id, 'enable', {}, by);
    return managed(user);
  });
}

/**
 * Resets a user's sign-in: the old password stops working at once and every session ends; the
 * user then signs in with the new password, or sets one with the new link.
 */
export async function resetPassword(db: Db, input: z.input<typeof resetSchema>, by: Actor): Promise<Issued> {
  const data = fieldsOrThrow(resetSchema, input);
  const now = by.now ?? new Date();
  const secret = await prepareSecret(data);
  return inUsersLock(db, async (tx) => {
    const user = await findUser(tx, data.email);
    await tx.user.update({ where: { id: user.id }, data: { passwordHash: secret.hash, passwordSetAt: now } });
    await tx.session.deleteMany({ where: { userId: user.id } });
    const credential = await issueCredential(tx, user.id, secret, { ...by, now });
    await recordUserChange(tx, user.id, 'reset', { via: data.credential }, { ...by, now });
    return { user: managed(user), credential };
  });
}
