import type { Db } from '../db';
import { ValidationError } from '../errors';
import { fieldsOrThrow } from '../http/params';
import { recordUserChange, type Actor } from './user-changes';
import { ownerLinkSchema } from './user-schemas';

/**
 * The owners of the chain config a user acts for ("assigned to me"): those an admin linked to the
 * account (UserOwner), and the person owner whose e-mail is the user's own (the usual case, with no
 * setup). `teams` adds each team those persons belong to, and teams linked directly.
 */
export type UserOwners = { persons: string[]; teams: string[] };

export async function listOwnersOfUser(db: Db, user: { id: number; email: string }): Promise<UserOwners> {
  const [linked, byEmail] = await Promise.all([
    db.prisma.userOwner.findMany({ where: { userId: user.id }, select: { ownerId: true } }),
    // Few owners, and e-mails in the chain config may carry capitals: compared here, not in SQL.
    db.prisma.owner.findMany({ where: { kind: 'person' }, select: { id: true, email: true } }),
  ]);
  const email = user.email.trim().toLowerCase();
  const mine = byEmail.filter((o) => o.email.trim().toLowerCase() === email);
  const ids = [...new Set([...linked.map((l) => l.ownerId), ...mine.map((o) => o.id)])];
  if (ids.length === 0) return { persons: [], teams: [] };
  const owners = await db.prisma.owner.findMany({ where: { id: { in: ids } }, select: { id: true, kind: true, teamId: true } });
  const persons = owners.filter((o) => o.kind === 'person').map((o) => o.id).sort();
  const teams = new Set(owners.filter((o) => o.kind === 'team').map((o) => o.id));
  for (const o of owners) if (o.kind === 'person' && o.teamId) teams.add(o.teamId);
  return { persons, teams: [...teams].sort() };
}

/** The one person owner "assign to me" assigns to, or null when the account acts for no person. */
export function ownerForAssignment(owners: UserOwners): string | null {
  return owners.persons[0] ?? null;
}

type OwnerLinkInput = { email: string; owner: string };

/** Links an owner of the chain config to a user (Settings → Users, `npm run user -- owner`): its work is "mine". */
export async function linkOwner(db: Db, input: OwnerLinkInput, by: Actor): Promise<void> {
  const { email, owner } = fieldsOrThrow(ownerLinkSchema, input);
  await db.prisma.$transaction(async (tx) => {
    const user = await tx.user.findUnique({ where: { email } });
    if (!user) throw new ValidationError(`email: no user has the e-mail ${email}`);
    const known = await tx.owner.findUnique({ where: { id: owner } });
    if (!known) throw new ValidationError(`owner: the chain config has no owner "${owner}"`);
    if (await tx.userOwner.findUnique({ where: { userId_ownerId: { userId: user.id, ownerId: owner } } })) {
      throw new ValidationError(`owner: ${owner} is linked to ${email} already`);
    }
    await tx.userOwner.create({ data: { userId: user.id, ownerId: owner } });
    await recordUserChange(tx, user.id, 'link', { owner }, by);
  });
}

export async function unlinkOwner(db: Db, input: OwnerLinkInput, by: Actor): Promise<void> {
  const { email, owner } = fieldsOrThrow(ownerLinkSchema, input);
  await db.prisma.$transaction(async (tx) => {
    const user = await tx.user.findUnique({ where: { email } });
    if (!user) throw new ValidationError(`email: no user has the e-mail ${email}`);
    const { count } = await tx.userOwner.deleteMany({ where: { userId: user.id, ownerId: owner } });
    if (count === 0) throw new ValidationError(`owner: ${owner} is not linked to ${email}`);
    await recordUserChange(tx, user.id, 'unlink', { owner }, by);
  });
}
