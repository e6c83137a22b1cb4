import type { Db } from '../db';
import { ratio } from '../format';
import { addDays, dayInZone, daysBetween } from '../time/day';
import { getStagesView, type StageRow } from './stages';

export type DayVolume = { day: string; succeeded: number; failed: number; inProgress: number };
export type Overview = {
  today: string;
  window: { from: string; to: string };
  volume: DayVolume[];
  rollouts: { total: number; succeeded: number; failed: number; successRate: number | null };
  stages: StageRow[];
};

const WINDOW_DAYS = 7;
const VOLUME_DAYS = 30;

/** The home page's figures: rollouts per day (30 days) and the stages over the last 7 days vs the 7 before (as on /stages). */
export async function getOverview(db: Db, opts: { timeZone: string; now?: Date }): Promise<Overview> {
  const today = dayInZone((opts.now ?? new Date()).getTime(), opts.timeZone);
  const from = addDays(today, -(WINDOW_DAYS - 1));
  const volumeFrom = addDays(today, -(VOLUME_DAYS - 1));
  const [outcomes, stages] = await Promise.all([
    db.prisma.rolloutDayRollup.findMany({ where: { day: { gte: volumeFrom, lte: today } }, select: { day: true, outcome: true, rollouts: true } }),
    getStagesView(db, { from, to: today }),
  ]);
  const volume = new Map(daysBetween(volumeFrom, today).map((day) => [day, { day, succeeded: 0, failed: 0, inProgress: 0 }]));
  for (const row of outcomes) {
    const v = volume.get(row.day);
    if (!v) continue;
    if (row.outcome === 'succeeded') v.succeeded += row.rollouts;
    else if (row.outcome === 'failed') v.failed += row.rollouts;
    else v.inProgress += row.rollouts;
  }
  const windowDays = [...volume.values()].filter((v) => v.day >= from);
  const succeeded = windowDays.reduce((a, v) => a + v.succeeded, 0);
  const failed = windowDays.reduce((a, v) => a + v.failed, 0);
  return {
    today,
    window: { from, to: today },
    volume: [...volume.values()],
    rollouts: { total: windowDays.reduce((a, v) => a + v.succeeded + v.failed + v.inProgress, 0), succeeded, failed, successRate: ratio(succeeded, succeeded + failed) },
    stages,
  };
}
