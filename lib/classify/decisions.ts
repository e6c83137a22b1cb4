import type { Db } from '../db';
import { ValidationError } from '../errors';
import { refreshClassesDays } from './class-days';
import { moveClassFacets } from './class-facets';

/**
 * Decisions made in triage. Each is stored (ClassDecision: who, when, what) and marks the field
 * as set by a person, so that classification never overrides it on a later run.
 */
export type ClassStatus = 'open' | 'acknowledged' | 'resolved' | 'ignored';
type Actor = { actor: string; now?: Date };

async function liveClass(db: Db, id: number) {
  const found = await db.prisma.errorClass.findUnique({ where: { id } });
  if (!found) throw new ValidationError(`error class ${id} does not exist`);
  if (found.mergedIntoId !== null) throw new ValidationError(`error class ${id} was merged into ${found.mergedIntoId}`);
  return found;
}

async function record(db: Db, classId: number, kind: string, value: object, who: Actor) {
  await db.prisma.classDecision.create({ data: { classId, kind, value, actor: who.actor, createdAt: who.now ?? new Date() } });
}

export async function renameClass(db: Db, opts: { classId: number; name: string | null } & Actor): Promise<void> {
  await liveClass(db, opts.classId);
  const name = opts.name?.trim() || null;
  await db.prisma.errorClass.update({ where: { id: opts.classId }, data: { name } });
  await record(db, opts.classId, 'rename', { name }, opts);
}

/** Sets the category by hand, or (null) gives it back to the category rules. */
export async function setClassCategory(db: Db, opts: { classId: number; category: string | null; categories: string[] } & Actor): Promise<void> {
  await liveClass(db, opts.classId);
  if (opts.category !== null && !opts.categories.includes(opts.category)) throw new ValidationError(`unknown category "${opts.category}"; one of ${opts.categories.join(', ')}`);
  const data = opts.category === null ? { categorySource: 'auto' } : { category: opts.category, categoryRule: 'manual', categorySource: 'manual' };
  await db.prisma.errorClass.update({ where: { id: opts.classId }, data });
  await record(db, opts.classId, 'category', { category: opts.category }, opts);
}

/**
 * Sets the owning team and optionally one of its people by hand, or (null) gives ownership back to
 * the routing rules. A person given without a team brings their own team (picking the person is
 * enough); a person outside the given team is refused, as the pickers only offer its members.
 */
export async function setClassOwner(db: Db, opts: { classId: number; ownerId: string | null; assigneeId?: string | null } & Actor): Promise<void> {
  await liveClass(db, opts.classId);
  const assigneeId = opts.assigneeId ?? null;
  const person = assigneeId === null ? null : await db.prisma.owner.findUnique({ where: { id: assigneeId } });
  if (assigneeId !== null && person?.kind !== 'person') {
    throw new ValidationError(`assignee: "${assigneeId}" is not a person`);
  }
  const ownerId = opts.ownerId ?? person?.teamId ?? null;
  if (ownerId === null) {
    await db.prisma.errorClass.update({ where: { id: opts.classId }, data: { ownerSource: 'auto' } });
    await record(db, opts.classId, 'owner', { ownerId: null }, opts);
    return;
  }
  const team = await db.prisma.owner.findUnique({ where: { id: ownerId } });
  if (team?.kind !== 'team') throw new ValidationError(`owner: "${ownerId}" is not a team`);
  if (person && person.teamId !== ownerId) {
    throw new ValidationError(`assignee: ${person.name} is not in team ${team.name}; pick one of its people, or the person alone`);
  }
  const data = { ownerId, assigneeId, ownerRule: 'manual', ownerSource: 'manual' };
  await db.prisma.errorClass.update({ where: { id: opts.classId }, data });
  await record(db, opts.classId, 'owner', { ownerId, assigneeId }, opts);
}

/**
 * "Assign to me": the class gets `assigneeId` (a person) and keeps its owning team — taking a class
 * does not move it out of the team it was routed to; a class with no team gets the person's.
 * Marked as decided by a person, so a later classification run keeps the assignee.
 * Returns false (and records nothing) when the class was already theirs.
 */
export async function assignClassTo(db: Db, opts: { classId: number; assigneeId: string } & Actor): Promise<boolean> {
  const c = await liveClass(db, opts.classId);
  const person = await db.prisma.owner.findUnique({ where: { id: opts.assigneeId } });
  if (person?.kind !== 'person') throw new ValidationError(`assignee: "${opts.assigneeId}" is not a person`);
  if (c.assigneeId === person.id && c.ownerSource === 'manual') return false;
  const ownerId = c.ownerId ?? person.teamId;
  const data = { ownerId, assigneeId: person.id, ownerRule: 'manual', ownerSource: 'manual' };
  await db.prisma.errorClass.update({ where: { id: opts.classId }, data });
  await record(db, opts.classId, 'owner', { ownerId, assigneeId: person.id, self: true }, opts);
  return true;
}

export async function setClassStatus(db: Db, opts: { classId: number; status: ClassStatus } & Actor): Promise<void> {
  await liveClass(db, opts.classId);
  const now = opts.now ?? new Date();
  const data = opts.status === 'resolved' ? { status: 'resolved', resolvedAt: now } : { status: opts.status };
  await db.prisma.errorClass.update({ where: { id: opts.classId }, data });
  await record(db, opts.classId, 'status', { status: opts.status }, opts);
}

export async function addClassNote(db: Db, opts: { classId: number; text: string } & Actor): Promise<void> {
  await liveClass(db, opts.classId);
  if (!opts.text.trim()) throw new ValidationError('a note needs some text');
  await record(db, opts.classId, 'note', { text: opts.text.trim() }, opts);
}

/**
 * Merges classes into one (the target keeps its id, name, owner and status); their events move
 * with them, and events of their templates keep arriving in the target on every later run.
 */
export async function mergeClasses(db: Db, opts: { targetId: number; sourceIds: number[] } & Actor): Promise<void> {
  await liveClass(db, opts.targetId);
  const sources = [...new Set(opts.sourceIds)].filter((id) => id !== opts.targetId);
  if (sources.length === 0) throw new ValidationError('choose at least one other class to merge');
  for (const id of sources) await liveClass(db, id);
  await db.prisma.$transaction(async (tx) => {
    await moveClassFacets(db.kind, tx, { where: `"errorClassId" IN (${sources.map(() => '?').join(',')})`, args: sources }, opts.targetId);
    await tx.errorEvent.updateMany({ where: { errorClassId: { in: sources } }, data: { errorClassId: opts.targetId } });
    await refreshClassesDays(db.kind, tx, [...sources, opts.targetId]);
    await tx.errorClass.updateMany({ where: { id: { in: sources } }, data: { mergedIntoId: opts.targetId, status: 'merged' } });
    const createdAt = opts.now ?? new Date();
    for (const id of sources) await tx.classDecision.create({ data: { classId: id, kind: 'merge', value: { into: opts.targetId }, actor: opts.actor, createdAt } });
    await tx.classDecision.create({ data: { classId: opts.targetId, kind: 'merge', value: { from: sources }, actor: opts.actor, createdAt } });
  });
}
