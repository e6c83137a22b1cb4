import type { SeededRandom } from './random';
import { buildCumulative } from './random';

/** One day of the demo range: sorted rollout start times and which rollouts breach admission rules. */
export type DayPlan = {
  starts: Float64Array;
  /** Rollout whose test stages run on its online host (-1: none today). */
  mixedHostIndex: number;
  /** Rollout whose image is built off the service's fixed pre-release host (-1: none today). */
  swappedBuildIndex: number;
};

const HOUR_MS = 3_600_000;
/** Relative rollout volume per UTC hour: busy in working hours, a lunch dip, quiet at night. */
const HOUR_WEIGHTS = [
  0.15, 0.1, 0.08, 0.08, 0.1, 0.2, 0.4, 0.8, 1.4, 1.8, 2.0, 1.9,
  1.3, 1.6, 1.9, 2.0, 1.8, 1.4, 0.9, 0.6, 0.45, 0.35, 0.25, 0.2,
];
/** Weekday and weekend volume relative to the weekly average: (5 × 1.19 + 2 × 0.53) / 7 ≈ 1. */
const WEEKDAY_FACTOR = 1.19;
const WEEKEND_FACTOR = 0.53;
/** Day-to-day noise of the volume (standard deviation as a share). */
const VOLUME_NOISE = 0.06;
/** Chance per day of each admission breach, so a month shows a handful of each. */
const MIXED_HOST_CHANCE = 0.3;
const SWAPPED_BUILD_CHANCE = 0.2;

/** Plans the 24 hours starting at `dayStart` (epoch ms). */
export function planDay(rng: SeededRandom, opts: { dayStart: number; rolloutsPerDay: number }): DayPlan {
  const midday = new Date(opts.dayStart + 12 * HOUR_MS).getUTCDay();
  const weekend = midday === 0 || midday === 6;
  const expected = opts.rolloutsPerDay * (weekend ? WEEKEND_FACTOR : WEEKDAY_FACTOR) * (1 + VOLUME_NOISE * rng.normal());
  const count = Math.max(0, Math.round(expected));
  // The range need not start at midnight, so weight each hour slot by its real UTC hour.
  const firstHour = new Date(opts.dayStart).getUTCHours();
  const hourly = buildCumulative(HOUR_WEIGHTS.map((_, h) => HOUR_WEIGHTS[(firstHour + h) % 24] ?? 1));
  const starts = new Float64Array(count);
  for (let i = 0; i < count; i++) {
    starts[i] = Math.floor(opts.dayStart + (rng.weightedIndex(hourly) + rng.next()) * HOUR_MS);
  }
  starts.sort();
  return {
    starts,
    mixedHostIndex: count > 0 && rng.chance(MIXED_HOST_CHANCE) ? rng.int(0, count) : -1,
    swappedBuildIndex: count > 0 && rng.chance(SWAPPED_BUILD_CHANCE) ? rng.int(0, count) : -1,
  };
}

/** ISO-8601 with Z, or with a fixed offset (e.g. +08:00) for tools that log local time. */
export function formatTimestamp(ms: number, offsetMinutes: number): string {
  if (offsetMinutes === 0) return new Date(ms).toISOString();
  const local = new Date(ms + offsetMinutes * 60_000).toISOString().slice(0, -1);
  const abs = Math.abs(offsetMinutes);
  const sign = offsetMinutes < 0 ? '-' : '+';
  return `${local}${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
}

/** Readable rollout ids like ro-20261126-00042, numbered per UTC date in start order. */
export function createRolloutIdAllocator(): (start: number) => string {
  let current = '';
  let seq = 0;
  return (start) => {
    const date = new Date(start).toISOString().slice(0, 10).replaceAll('-', '');
    if (date !== current) [current, seq] = [date, 0];
    seq += 1;
    return `ro-${date}-${String(seq).padStart(5, '0')}`;
  };
}
