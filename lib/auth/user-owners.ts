import type { Db } from '../db';

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
