import type { Db } from '../db';
import { asChangeValue, describeUserChange } from './user-changes';
import { listOwnersOfUser } from './user-owners';

/** The accounts as Settings → Users and `npm run user -- list` show them. */
export type UserSignIn =
  | { kind: 'password'; setAt: Date | null }
  | { kind: 'link'; expiresAt: Date }
  /** No password and no usable link: known through the trusted proxy header, or the link expired. */
  | { kind: 'none' };
export type LinkedOwner = { id: string; name: string; kind: string; how: 'linked' | 'e-mail' };
export type UserListing = {
  id: number;
  email: string;
  name: string;
  role: string;
  createdAt: Date;
  disabledAt: Date | null;
  signIn: UserSignIn;
  owners: LinkedOwner[];
  lastChange: { what: string; actor: string; at: Date } | null;
};

// A team's accounts, not a directory: more than this is not what the page is for.
const MAX_USERS = 1000;

export async function listUsers(db: Db, now = new Date()): Promise<UserListing[]> {
  const [users, owners] = await Promise.all([
    db.prisma.user.findMany({
      orderBy: { email: 'asc' },
      take: MAX_USERS,
      include: {
        owners: { select: { ownerId: true } },
        signInLinks: { where: { usedAt: null, expiresAt: { gt: now } }, orderBy: { expiresAt: 'desc' }, take: 1 },
        changes: { orderBy: [{ createdAt: 'desc' }, { id: 'desc' }], take: 1 },
      },
    }),
    db.prisma.owner.findMany({ select: { id: true, name: true, kind: true, email: true } }),
  ]);
  const byId = new Map(owners.map((o) => [o.id, o]));
  return users.map((u) => {
    const linked = u.owners.map((l): LinkedOwner => {
      const o = byId.get(l.ownerId);
      return { id: l.ownerId, name: o?.name ?? '(not in the chain config)', kind: o?.kind ?? '?', how: 'linked' };
    });
    // As listOwnersOfUser finds them: the person owner with the account's e-mail needs no link.
    const byEmail = owners
      .filter((o) => o.kind === 'person' && o.email.trim().toLowerCase() === u.email)
      .filter((o) => !linked.some((l) => l.id === o.id))
      .map((o): LinkedOwner => ({ id: o.id, name: o.name, kind: o.kind, how: 'e-mail' }));
    const change = u.changes[0];
    return {
      id: u.id,
      email: u.email,
      name: u.name,
      role: u.role,
      createdAt: u.createdAt,
      disabledAt: u.disabledAt,
      signIn: signInOf(u.signInLinks[0], u),
      owners: [...linked, ...byEmail].sort((a, b) => a.id.localeCompare(b.id)),
      lastChange: change ? { what: describeChangeRow(change), actor: change.actor, at: change.createdAt } : null,
    };
  });
}

const describeChangeRow = (c: { kind: string; value: unknown }) =>
  describeUserChange({ kind: c.kind, value: asChangeValue(c.value) });

type PasswordState = { passwordHash: string | null; passwordSetAt: Date | null };

function signInOf(link: { expiresAt: Date } | undefined, u: PasswordState): UserSignIn {
  if (link) return { kind: 'link', expiresAt: link.expiresAt };
  return u.passwordHash ? { kind: 'password', setAt: u.passwordSetAt } : { kind: 'none' };
}

export type Account = {
  hasPassword: boolean;
  passwordSetAt: Date | null;
  createdAt: Date;
  persons: { id: string; name: string }[];
  teams: { id: string; name: string }[];
};

/** A user's own page (/account): how they sign in, and the owners of the chain config they act for. */
export async function getAccount(db: Db, user: { id: number; email: string }): Promise<Account> {
  const [row, mine] = await Promise.all([
    db.prisma.user.findUniqueOrThrow({ where: { id: user.id } }),
    listOwnersOfUser(db, user),
  ]);
  const ids = [...mine.persons, ...mine.teams];
  const owners = await db.prisma.owner.findMany({ where: { id: { in: ids } }, select: { id: true, name: true } });
  const named = (list: string[]) => list.map((id) => ({ id, name: owners.find((o) => o.id === id)?.name ?? id }));
  return {
    hasPassword: row.passwordHash !== null, passwordSetAt: row.passwordSetAt, createdAt: row.createdAt,
    persons: named(mine.persons), teams: named(mine.teams),
  };
}
