import type { Db } from '../db';
import type { WeeklyClass, WeeklyRanking } from './weekly-ranking';

/** The per-class figures kept in RankingEntry.detail (the rest are columns). */
type EntryDetail = Omit<WeeklyClass, 'classId' | 'rank' | 'badge' | 'in80' | 'failures' | 'failedRollouts' | 'services' | 'hosts' | 'previousFailures' | 'previousFailedRollouts' | 'upliftRollouts' | 'uplift' | 'firstSeen' | 'lastSeen'>;
type Summary = Omit<WeeklyRanking, 'week' | 'timeZone' | 'computedAt' | 'classes'>;

/**
 * Stores a week's ranking as its snapshot, replacing an earlier one of the same week (so running
 * the ranking twice leaves one snapshot with the same content) — unless that one was sent in the
 * week's digest (`frozenAt`): a reported ranking stays as it was, and its id is returned.
 * `frozenAt` marks this one as sent.
 */
export async function saveRankingSnapshot(db: Db, ranking: WeeklyRanking, frozenAt: Date | null = null): Promise<number> {
  try {
    return await writeSnapshot(db, ranking, frozenAt);
  } catch (error) {
    // Another process stored the same week between our delete and insert (PostgreSQL): ours replaces it.
    if ((error as { code?: string }).code !== 'P2002') throw error;
    return writeSnapshot(db, ranking, frozenAt);
  }
}

function writeSnapshot(db: Db, ranking: WeeklyRanking, frozenAt: Date | null): Promise<number> {
  const { week, timeZone, computedAt, classes, ...rest } = ranking;
  const summary: Summary = rest;
  return db.prisma.$transaction(async (tx) => {
    const reported = await tx.rankingSnapshot.findFirst({ where: { week, frozenAt: { not: null } }, select: { id: true } });
    if (reported) return reported.id;
    await tx.rankingSnapshot.deleteMany({ where: { week } });
    const snapshot = await tx.rankingSnapshot.create({ data: { week, timeZone, computedAt: new Date(computedAt), frozenAt, summary: summary as unknown as object } });
    await tx.rankingEntry.createMany({
      data: classes.map((c) => {
        const { classId, rank, badge, in80, failures, failedRollouts, services, hosts, previousFailures, previousFailedRollouts, upliftRollouts, uplift, firstSeen, lastSeen, ...detail } = c;
        return {
          snapshotId: snapshot.id, classId, rank, badge, in80, failures, failedRollouts, services, hosts, prevFailures: previousFailures, prevFailedRollouts: previousFailedRollouts,
          upliftRollouts, uplift, firstSeen: firstSeen === null ? null : new Date(firstSeen), lastSeen: new Date(lastSeen), detail: detail as unknown as object,
        };
      }),
    });
    return snapshot.id;
  });
}

/** A week's ranking as it was stored, or null when that week was never ranked. */
export async function getRankingSnapshot(db: Db, week: string): Promise<WeeklyRanking | null> {
  const snapshot = await db.prisma.rankingSnapshot.findUnique({ where: { week }, include: { entries: { orderBy: { rank: 'asc' } } } });
  if (!snapshot) return null;
  const summary = snapshot.summary as unknown as Summary;
  // Rankings stored before expected gain and toil existed have neither: null, not made up.
  const classes: WeeklyClass[] = snapshot.entries.map((e) => ({
    ...(e.detail as unknown as EntryDetail),
    impact: (e.detail as Partial<EntryDetail>).impact ?? null, toil: (e.detail as Partial<EntryDetail>).toil ?? null, toilRank: (e.detail as Partial<EntryDetail>).toilRank ?? null,
    classId: e.classId, rank: e.rank, badge: e.badge as WeeklyClass['badge'], in80: e.in80, failures: e.failures, failedRollouts: e.failedRollouts, services: e.services, hosts: e.hosts,
    previousFailures: e.prevFailures, previousFailedRollouts: e.prevFailedRollouts, upliftRollouts: e.upliftRollouts, uplift: e.uplift,
    firstSeen: e.firstSeen?.getTime() ?? null, lastSeen: e.lastSeen?.getTime() ?? 0,
  }));
  return { ...summary, fixTogether: summary.fixTogether ?? [], comparedDays: summary.comparedDays ?? 7, week: snapshot.week, timeZone: snapshot.timeZone, computedAt: snapshot.computedAt.toISOString(), classes };
}

/** The weeks that have a stored ranking, newest first. */
export async function listRankedWeeks(db: Db): Promise<string[]> {
  return (await db.prisma.rankingSnapshot.findMany({ select: { week: true }, orderBy: { week: 'desc' } })).map((s) => s.week);
}
