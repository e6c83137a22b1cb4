import type { Db } from '../db';
import { ValidationError } from '../errors';
import { generatePassword, hashPassword } from './passwords';
import { isRole, type AuthUser, type Role } from './roles';

export async function createUser(db: Db, opts: { email: string; name: string; role: Role; password: string | null }): Promise<AuthUser> {
  const email = opts.email.trim().toLowerCase();
  if (!/^[^@\s]+@[^@\s]+$/.test(email)) throw new ValidationError(`"${opts.email}" is not an e-mail address`);
  if (opts.password !== null && opts.password.length < 10) throw new ValidationError('a password needs at least 10 characters');
  const user = await db.prisma.user.create({ data: { email, name: opts.name, role: opts.role, passwordHash: opts.password === null ? null : await hashPassword(opts.password) } });
  return { id: user.id, email: user.email, name: user.name, role: opts.role };
}

/**
 * The quick start's first admin: created when there is no user yet, with a generated password
 * returned once (to be printed) and never stored in clear.
 */
export async function ensureFirstAdmin(db: Db, email = 'admin@localhost'): Promise<{ email: string; password: string } | null> {
  if ((await db.prisma.user.count()) > 0) return null;
  const password = generatePassword();
  await createUser(db, { email, name: 'Administrator', role: 'admin', password });
  return { email, password };
}

/**
 * A user signed in by a trusted reverse proxy header (intranet single sign-on): found by e-mail,
 * or created with the default role. Only used when AUTH_TRUSTED_HEADER is set.
 */
export async function userFromTrustedHeader(db: Db, email: string, defaultRole: Role): Promise<AuthUser | null> {
  const normalized = email.trim().toLowerCase();
  if (!/^[^@\s]+@[^@\s]+$/.test(normalized)) return null;
  const user = await db.prisma.user.upsert({ where: { email: normalized }, create: { email: normalized, name: normalized.split('@')[0]!, role: defaultRole }, update: {} });
  if (user.disabledAt || !isRole(user.role)) return null;
  return { id: user.id, email: user.email, name: user.name, role: user.role };
}
