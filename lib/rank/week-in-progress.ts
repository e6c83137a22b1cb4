import type { Db } from '../db';
import { withLock } from '../jobs/lock';
import { weekOfInstant } from '../time/iso-week';
import { saveRankingSnapshot } from './snapshots';
import { computeWeeklyRanking } from './weekly-ranking';

/**
 * The ranking of the week in progress, kept fresh as data arrives: after an ingestion classified
 * new failures, the week's snapshot is computed again — at most once a minute (a week's ranking
 * reads the whole week), by one process at a time, and never once the week's digest froze it.
 */
export const WEEK_REFRESH_INTERVAL_MS = 60_000;
const LEASE = 'ranking-refresh';

export type WeekRefresh = { week: string; status: 'refreshed' | 'fresh' | 'frozen' | 'busy'; seconds: number };

export async function refreshWeekInProgress(deps: { db: Db; timeZone: string; now?: Date; minIntervalMs?: number }): Promise<WeekRefresh> {
  const started = performance.now();
  const now = deps.now ?? new Date();
  const week = weekOfInstant(now.getTime(), deps.timeZone);
  const done = (status: WeekRefresh['status']) => ({ week, status, seconds: (performance.now() - started) / 1000 });
  const stored = await deps.db.prisma.rankingSnapshot.findUnique({ where: { week }, select: { computedAt: true, frozenAt: true } });
  if (stored?.frozenAt) return done('frozen');
  if (stored && now.getTime() - stored.computedAt.getTime() < (deps.minIntervalMs ?? WEEK_REFRESH_INTERVAL_MS)) return done('fresh');
  const ran = await withLock(deps.db, LEASE, async () => {
    await saveRankingSnapshot(deps.db, await computeWeeklyRanking({ db: deps.db, week, timeZone: deps.timeZone, now }));
  });
  return done(ran ? 'refreshed' : 'busy');
}
