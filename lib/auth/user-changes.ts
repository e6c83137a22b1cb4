import type { Db } from '../db';

/**
 * The audit trail of user accounts (UserChange): who changed which account, when, and what. Values
 * never hold a password, a hash or a link's token — only what kind of credential was issued.
 */
export type Tx = Parameters<Parameters<Db['prisma']['$transaction']>[0]>[0];
export type ChangeKind = 'create' | 'role' | 'disable' | 'enable' | 'reset' | 'password' | 'link' | 'unlink';
export type ChangeValue = Record<string, string | null>;

/** Who makes a change ("cli:<os user>", an admin's e-mail, the user's own) and when. */
export type Actor = { actor: string; now?: Date };

export type ChangeRow = {
  id: number; userId: number; email: string; kind: string; value: ChangeValue; actor: string; createdAt: Date;
};

// The recent list on Settings; a user's own page shows fewer.
const DEFAULT_TAKE = 30;
const MAX_TAKE = 500;

export async function recordUserChange(tx: Tx, userId: number, kind: ChangeKind, value: ChangeValue, by: Actor) {
  await tx.userChange.create({ data: { userId, kind, value, actor: by.actor, createdAt: by.now ?? new Date() } });
}

export function asChangeValue(json: unknown): ChangeValue {
  if (!json || typeof json !== 'object' || Array.isArray(json)) return {};
  return Object.fromEntries(Object.entries(json).map(([k, v]) => [k, v === null || v === undefined ? null : `${v}`]));
}

/** The newest changes, of one user or of all, newest first. */
export async function listUserChanges(db: Db, opts: { userId?: number; take?: number } = {}): Promise<ChangeRow[]> {
  const take = Math.min(Math.max(1, opts.take ?? DEFAULT_TAKE), MAX_TAKE);
  const rows = await db.prisma.userChange.findMany({
    where: opts.userId === undefined ? {} : { userId: opts.userId },
    orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
    take,
    include: { user: { select: { email: true } } },
  });
  return rows.map((r) => ({
    id: r.id, userId: r.userId, email: r.user.email, kind: r.kind, value: asChangeValue(r.value),
    actor: r.actor, createdAt: r.createdAt,
  }));
}

const VIA: Record<string, string> = {
  link: 'a one-time sign-in link',
  password: 'a password set by an admin',
  generated: 'a generated password',
  'sign-in link': 'a one-time sign-in link',
};
const via = (v: string | null | undefined) => (v ? (VIA[v] ?? v) : 'unknown means');

/** One change as a person reads it: "role engineer → admin", "sign-in reset: a one-time sign-in link". */
export function describeUserChange(change: { kind: string; value: ChangeValue }): string {
  const v = change.value;
  switch (change.kind) {
    case 'create':
      return `added as ${v.role ?? '?'}, first sign-in with ${via(v.via)}`;
    case 'role':
      return `role ${v.from ?? '?'} → ${v.to ?? '?'}`;
    case 'disable':
      return 'disabled (signed out everywhere)';
    case 'enable':
      return 'enabled again';
    case 'reset':
      return `sign-in reset (signed out everywhere): ${via(v.via)}`;
    case 'password':
      return v.via === 'own' ? 'password changed on /account' : `password set with ${via(v.via)}`;
    case 'link':
      return `linked to owner ${v.owner ?? '?'}`;
    case 'unlink':
      return `unlinked from owner ${v.owner ?? '?'}`;
    default:
      return change.kind;
  }
}
