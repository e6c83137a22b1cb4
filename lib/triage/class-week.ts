import type { Db } from '../db';
import { readEntryFigures, readFixTogether, type EntryFigures } from './entry-detail';
import type { Reveal } from './list-classes';

/**
 * A class in one week's stored ranking, for its page: rank, expected gain, observed uplift, toil and
 * what fixing it may reveal. `hasImpact` is false for a ranking stored before expected gain and toil
 * existed (they are null then).
 */
export type ClassWeek = EntryFigures & {
  week: string; rank: number; classes: number; badge: string; failures: number; previousFailures: number; failedRollouts: number;
  services: number; hosts: number; lastSeen: Date | null; uplift: number; upliftRollouts: number; hasImpact: boolean; reveals: Reveal[];
};
/**
 * `weeks`: the ranked weeks listing the class, newest first; `shown`: the one asked for, else the
 * newest; null when none. `missing`: the week asked for when its ranking does not list the class.
 */
export type ClassWeeks = { weeks: string[]; shown: ClassWeek | null; missing: string | null };

const snapshotSelect = { select: { week: true, summary: true, _count: { select: { entries: true } } } } as const;

async function titlesOf(db: Db, ids: number[]): Promise<Map<number, string>> {
  const classes = await db.prisma.errorClass.findMany({ where: { id: { in: ids } }, select: { id: true, name: true, template: true } });
  return new Map(classes.map((c) => [c.id, c.name ?? c.template]));
}

export async function getClassWeek(db: Db, classId: number, week?: string): Promise<ClassWeeks> {
  const listed = await db.prisma.rankingEntry.findMany({ where: { classId }, select: { id: true, snapshot: { select: { week: true } } } });
  const weeks = listed.map((e) => e.snapshot.week).sort().reverse();
  const pick = listed.find((e) => e.snapshot.week === (week && weeks.includes(week) ? week : weeks[0]));
  const missing = week && !weeks.includes(week) ? week : null;
  if (!pick) return { weeks, shown: null, missing };
  const e = await db.prisma.rankingEntry.findUniqueOrThrow({ where: { id: pick.id }, include: { snapshot: snapshotSelect } });
  const figures = readEntryFigures(e.detail);
  const hidden = figures.impact?.hiddenBehind ?? [];
  const titles = await titlesOf(db, hidden.map((h) => h.classId));
  const shown: ClassWeek = {
    ...figures, week: e.snapshot.week, rank: e.rank, classes: e.snapshot._count.entries, badge: e.badge,
    failures: e.failures, previousFailures: e.prevFailures, failedRollouts: e.failedRollouts, services: e.services, hosts: e.hosts,
    lastSeen: e.lastSeen, uplift: e.uplift, upliftRollouts: e.upliftRollouts,
    hasImpact: readFixTogether(e.snapshot.summary) !== null,
    reveals: hidden.map((h) => ({ ...h, title: titles.get(h.classId) ?? `class ${h.classId}` })),
  };
  return { weeks, shown, missing };
}
