import type { Db } from '../db';
import type { Settings } from '../env';
import type { WeeklyRanking } from '../rank/weekly-ranking';

/** Managers' KPIs per ranked week (from the stored snapshots), with their targets. */
export type KpiWeek = { week: string; successRate: number | null; firstPassYield: number | null; unattendedRate: number | null; rollouts: number };
export type Kpis = { weeks: KpiWeek[]; targets: Settings['targets']; openClasses: number; openViolations: number; top: { id: number; title: string; uplift: number; upliftRollouts: number; upliftOf: number; badge: string; ownerId: string | null }[]; week: string | null };

const WEEKS = 8;

export async function getKpis(db: Db, targets: Settings['targets']): Promise<Kpis> {
  const [snapshots, openClasses, openViolations] = await Promise.all([
    db.prisma.rankingSnapshot.findMany({ orderBy: { week: 'desc' }, take: WEEKS }),
    db.prisma.errorClass.count({ where: { mergedIntoId: null, status: { in: ['open', 'acknowledged'] } } }),
    db.prisma.admissionViolation.count({ where: { status: 'open' } }),
  ]);
  const weeks = snapshots.reverse().map((s) => {
    const chain = (s.summary as unknown as Pick<WeeklyRanking, 'chain'>).chain;
    return { week: s.week, successRate: chain.successRate, firstPassYield: chain.firstPassYield, unattendedRate: chain.unattendedRate ?? null, rollouts: chain.rollouts };
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
    top: entries.map((e) => ({ id: e.classId, title: e.errorClass.name ?? e.errorClass.template, uplift: e.uplift, upliftRollouts: e.upliftRollouts, upliftOf: (e.detail as { upliftOf?: number }).upliftOf ?? 0, badge: e.badge, ownerId: e.errorClass.ownerId })),
  };
}
