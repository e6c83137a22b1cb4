import type { Db } from '../db';
import type { Settings } from '../env';
import type { ClassImpact } from '../rank/impact';
import type { WeeklyRanking } from '../rank/weekly-ranking';
import { dayInZone } from '../time/day';
import { weekDays } from '../time/iso-week';
import { readEntryFigures, readFixTogether } from '../triage/entry-detail';

/** Managers' KPIs per ranked week (from the stored snapshots), with their targets. */
/** `days`: the days of the week its ranking covers (7 once the week is over; fewer for a week ranked while in progress). */
export type KpiWeek = { week: string; successRate: number | null; firstPassYield: number | null; unattendedRate: number | null; rollouts: number; days: number };
export type KpiClass = {
  id: number; title: string; uplift: number; upliftRollouts: number; upliftOf: number; badge: string; ownerId: string | null;
  /** Null where the class has none, and in rankings stored before expected gain existed. */
  impact: ClassImpact | null;
};
/** `top`: the latest week's top classes in rank order; `rankedBy`: expected gain, or uplift for rankings stored before it existed. */
export type Kpis = {
  weeks: KpiWeek[]; targets: Settings['targets']; openClasses: number; openViolations: number; top: KpiClass[]; week: string | null; rankedBy: 'gain' | 'uplift';
};

const WEEKS = 8;

/** `throughWeek`: the newest week shown (the overview passes the week the digest reports, so a week in progress is left out). */
export async function getKpis(db: Db, targets: Settings['targets'], opts: { throughWeek?: string } = {}): Promise<Kpis> {
  const [snapshots, openClasses, openViolations] = await Promise.all([
    db.prisma.rankingSnapshot.findMany({ where: opts.throughWeek ? { week: { lte: opts.throughWeek } } : {}, orderBy: { week: 'desc' }, take: WEEKS }),
    db.prisma.errorClass.count({ where: { mergedIntoId: null, status: { in: ['open', 'acknowledged'] } } }),
    db.prisma.admissionViolation.count({ where: { status: 'open' } }),
  ]);
  const weeks = snapshots.reverse().map((s) => {
    const chain = (s.summary as unknown as Pick<WeeklyRanking, 'chain'>).chain;
    const computedDay = dayInZone(s.computedAt.getTime(), s.timeZone);
    const days = Math.max(1, weekDays(s.week).filter((d) => d <= computedDay).length);
    return { week: s.week, successRate: chain.successRate, firstPassYield: chain.firstPassYield, unattendedRate: chain.unattendedRate ?? null, rollouts: chain.rollouts, days };
  });
  const latest = snapshots.at(-1);
  const entries = latest
    ? await db.prisma.rankingEntry.findMany({ where: { snapshotId: latest.id, errorClass: { status: { notIn: ['ignored', 'merged'] } } }, orderBy: { rank: 'asc' }, take: 5, include: { errorClass: true } })
    : [];
  return {
    weeks,
    targets,
    openClasses,
    openViolations,
    week: latest?.week ?? null,
    rankedBy: latest && readFixTogether(latest.summary) === null ? 'uplift' : 'gain',
    top: entries.map((e) => {
      const { upliftOf, impact } = readEntryFigures(e.detail);
      const title = e.errorClass.name ?? e.errorClass.template;
      return { id: e.classId, title, uplift: e.uplift, upliftRollouts: e.upliftRollouts, upliftOf, badge: e.badge, ownerId: e.errorClass.ownerId, impact };
    }),
  };
}
