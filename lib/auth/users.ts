import type { Db } from '../db';
import { ValidationError } from '../errors';
import { generatePassword, hashPassword } from './passwords';
import { isRole, type AuthUser, type Role } from './roles';
import { recordUserChange } from './user-changes';
import { MIN_PASSWORD_CHARS } from './user-schemas';

/**
 * Creates an account directly (the first admin, tests, benchmarks), recorded as made by `actor`
 * ("setup" by default). Admins add users with lib/auth/user-admin.ts#addUser instead.
 */
type NewUser = { email: string; name: string; role: Role; password: string | null; actor?: string };

export async function createUser(db: Db, opts: NewUser): Promise<AuthUser> {
  const email = opts.email.trim().toLowerCase();
  const { name, role } = opts;
  if (!/^[^@\s]+@[^@\s]+$/.test(email)) throw new ValidationError(`"${opts.email}" is not an e-mail address`);
  if (opts.password !== null && opts.password.length < MIN_PASSWORD_CHARS) {
    throw new ValidationError(`a password needs at least ${MIN_PASSWORD_CHARS} characters`);
  }
  const passwordHash = opts.password === null ? null : await hashPassword(opts.password);
  const user = await db.prisma.$transaction(async (tx) => {
    const passwordSetAt = passwordHash ? new Date() : null;
    const created = await tx.user.create({ data: { email, name, role, passwordHash, passwordSetAt } });
    const via = passwordHash ? 'password' : null;
    await recordUserChange(tx, created.id, 'create', { name, role, via }, { actor: opts.actor ?? 'setup' });
    return created;
  });
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
  const known = await db.prisma.user.findUnique({ where: { email: normalized } });
  const user = known ?? (await createFromHeader(db, normalized, defaultRole));
  if (user.disabledAt || !isRole(user.role)) return null;
  return { id: user.id, email: user.email, name: user.name, role: user.role };
}

/** The first request of a header-signed user: the account is created, and recorded as made by the proxy header. */
async function createFromHeader(db: Db, email: string, role: Role) {
  try {
    return await db.prisma.$transaction(async (tx) => {
      const user = await tx.user.create({ data: { email, name: email.split('@')[0]!, role } });
      const by = { actor: 'trusted header' };
      await recordUserChange(tx, user.id, 'create', { name: user.name, role, via: 'trusted header' }, by);
      return user;
    });
  } catch (error) {
    // Two first requests at once: the other one created the account.
    if ((error as { code?: string }).code !== 'P2002') throw error;
    return db.prisma.user.findUniqueOrThrow({ where: { email } });
  }
}
