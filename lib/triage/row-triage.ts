import { assertRole, type AuthUser } from '../auth/roles';
import { listOwnersOfUser, ownerForAssignment } from '../auth/user-owners';
import { assignClassTo, setClassStatus, type ClassStatus } from '../classify/decisions';
import type { Db } from '../db';
import { ValidationError } from '../errors';
import type { RowOp } from './row-ops';

// The status each button sets, and what the row then says.
const STATUS_OF: Record<Exclude<RowOp, 'assign'>, ClassStatus> = { acknowledge: 'acknowledged', resolve: 'resolved', reopen: 'open' };
const DONE: Record<Exclude<RowOp, 'assign'>, string> = { acknowledge: 'acknowledged', resolve: 'resolved', reopen: 'reopened' };

/** Why "assign to me" cannot work for this account, and who can fix it. */
export function unlinkedMessage(email: string): string {
  return `your account (${email}) acts for no person of the chain config, so there is nobody to assign: `
    + 'an admin can link it to one in Settings (or give the person your e-mail in the chain config)';
}

/**
 * Runs one row decision (lib/triage/row-ops.ts) for `user` — engineer or above; a viewer gets a
 * ForbiddenError — recorded as a ClassDecision with the user's e-mail as actor. Returns the
 * sentence the row shows. "Assign to me" assigns to ownerForAssignment of the owners the account
 * acts for (linked in Settings, or the person with the account's e-mail).
 */
export async function runRowTriage(db: Db, opts: { user: AuthUser | null; classId: number; op: RowOp; now?: Date }): Promise<string> {
  assertRole(opts.user, 'engineer');
  const user = opts.user!;
  const who = { actor: user.email, ...(opts.now ? { now: opts.now } : {}) };
  if (opts.op === 'assign') {
    const assigneeId = ownerForAssignment(await listOwnersOfUser(db, user));
    if (assigneeId === null) throw new ValidationError(unlinkedMessage(user.email));
    const changed = await assignClassTo(db, { classId: opts.classId, assigneeId, ...who });
    const person = await db.prisma.owner.findUniqueOrThrow({ where: { id: assigneeId }, select: { name: true } });
    return changed ? `assigned to you (${person.name})` : `already assigned to you (${person.name})`;
  }
  const status = STATUS_OF[opts.op];
  const current = await db.prisma.errorClass.findUnique({ where: { id: opts.classId }, select: { status: true } });
  if (current?.status === status) return `already ${status}`;
  await setClassStatus(db, { classId: opts.classId, status, ...who });
  return DONE[opts.op];
}
