import { getChain } from '../chain/sync';
import type { Db } from '../db';
import { ratio } from '../format';
import { addDays, dayInZone, daysBetween } from '../time/day';

export type DayVolume = { day: string; succeeded: number; failed: number; inProgress: number };
export type StageSummary = {
  key: string;
  name: string;
  attempts: number;
  successes: number;
  failures: number;
  skips: number;
  /** successes / (successes + failures); skips count neither way. */
  successRate: number | null;
  previousRate: number | null;
};
export type Overview = {
  today: string;
  window: { from: string; to: string };
  volume: DayVolume[];
  rollouts: { total: number; succeeded: number; failed: number; successRate: number | null };
  stages: StageSummary[];
  /** Product of the stage success rates: the chain's yield if stages failed independently. */
  stageRateProduct: number | null;
};

const WINDOW_DAYS = 7;
const VOLUME_DAYS = 30;

/** The home page's figures: rollouts per day (30 days) and per-stage success over the last 7 days vs the 7 before. */
export async function getOverview(db: Db, opts: { timeZone: string; now?: Date }): Promise<Overview> {
  const today = dayInZone((opts.now ?? new Date()).getTime(), opts.timeZone);
  const from = addDays(today, -(WINDOW_DAYS - 1));
  const prevFrom = addDays(from, -WINDOW_DAYS);
  const volumeFrom = addDays(today, -(VOLUME_DAYS - 1));
  const [chain, outcomes, current, previous] = await Promise.all([
    getChain(db),
    db.prisma.rollout.groupBy({ by: ['day', 'outcome'], where: { day: { gte: volumeFrom, lte: today } }, _count: { _all: true } }),
    db.prisma.dailyRollup.groupBy({ by: ['stageKey'], where: { day: { gte: from, lte: today } }, _sum: { attempts: true, successes: true, failures: true, skips: true } }),
    db.prisma.dailyRollup.groupBy({ by: ['stageKey'], where: { day: { gte: prevFrom, lt: from } }, _sum: { successes: true, failures: true } }),
  ]);
  const volume = new Map(daysBetween(volumeFrom, today).map((day) => [day, { day, succeeded: 0, failed: 0, inProgress: 0 }]));
  for (const row of outcomes) {
    const v = volume.get(row.day);
    if (!v) continue;
    if (row.outcome === 'succeeded') v.succeeded += row._count._all;
    else if (row.outcome === 'failed') v.failed += row._count._all;
    else v.inProgress += row._count._all;
  }
  const windowDays = [...volume.values()].filter((v) => v.day >= from);
  const succeeded = windowDays.reduce((a, v) => a + v.succeeded, 0);
  const failed = windowDays.reduce((a, v) => a + v.failed, 0);
  const byKey = new Map(current.map((r) => [r.stageKey, r._sum]));
  const prevByKey = new Map(previous.map((r) => [r.stageKey, r._sum]));
  const stages: StageSummary[] = chain.stages.map((s) => {
    const c = byKey.get(s.key);
    const p = prevByKey.get(s.key);
    const successes = c?.successes ?? 0;
    const failures = c?.failures ?? 0;
    return {
      key: s.key,
      name: s.name,
      attempts: c?.attempts ?? 0,
      successes,
      failures,
      skips: c?.skips ?? 0,
      successRate: ratio(successes, successes + failures),
      previousRate: ratio(p?.successes ?? 0, (p?.successes ?? 0) + (p?.failures ?? 0)),
    };
  });
  const rated = stages.filter((s) => s.successRate !== null);
  return {
    today,
    window: { from, to: today },
    volume: [...volume.values()],
    rollouts: { total: windowDays.reduce((a, v) => a + v.succeeded + v.failed + v.inProgress, 0), succeeded, failed, successRate: ratio(succeeded, succeeded + failed) },
    stages,
    stageRateProduct: rated.length ? rated.reduce((a, s) => a * s.successRate!, 1) : null,
  };
}
