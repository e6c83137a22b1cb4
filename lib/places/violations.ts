import type { Db } from '../db';

/** Violations still in force: open, or acknowledged (someone owns the fix; it has not resolved). */
export const OPEN_STATUSES = ['open', 'acknowledged'];
// A subject with more open violations than this is shown with the newest; the admission page has them all.
const MAX_VIOLATIONS = 50;

export type PlaceViolation = {
  id: number;
  ruleId: string;
  rule: string;
  severity: string;
  mode: string;
  subjectType: string;
  subjectId: string;
  status: string;
  firstSeen: Date;
  lastSeen: Date;
  count: number;
};

export type Subject = { type: string; ids: string[] };

const select = {
  id: true, ruleId: true, subjectType: true, subjectId: true, status: true, firstSeen: true, lastSeen: true, count: true,
  rule: { select: { title: true, severity: true, mode: true } },
} as const;
type Row = Omit<PlaceViolation, 'rule' | 'severity' | 'mode'> & { rule: { title: string; severity: string; mode: string } };

export function toPlaceViolation({ rule, ...v }: Row): PlaceViolation {
  return { ...v, rule: rule.title, severity: rule.severity, mode: rule.mode };
}

/** The open violations whose subject is one of `subjects` (each a type and its ids), newest first. */
export async function listOpenViolations(db: Db, subjects: Subject[]): Promise<PlaceViolation[]> {
  const or = subjects.filter((s) => s.ids.length > 0).map((s) => ({ subjectType: s.type, subjectId: { in: s.ids } }));
  if (or.length === 0) return [];
  const rows = await db.prisma.admissionViolation.findMany({
    where: { status: { in: OPEN_STATUSES }, OR: or }, select, orderBy: [{ lastSeen: 'desc' }, { id: 'desc' }], take: MAX_VIOLATIONS,
  });
  return rows.map(toPlaceViolation);
}

/** Open violations that list `rolloutId` among the rollouts that took part in them (a host's clash, a service's builds). */
export async function listViolationsNamingRollout(db: Db, rolloutId: string): Promise<PlaceViolation[]> {
  const rows = await db.prisma.admissionViolationRollout.findMany({
    where: { rolloutId, violation: { status: { in: OPEN_STATUSES } } }, select: { violation: { select } }, take: MAX_VIOLATIONS,
  });
  return rows.map((r) => toPlaceViolation(r.violation));
}
