import { ratio } from '../format';
import { previousWeek, weekDays } from '../time/iso-week';

/**
 * Weekly KPI series for /trends, shaped from per-day rows (pure; lib/metrics/trends.ts reads the rows).
 * Definitions: README, "Metric definitions". A week without data has the value null ("no data"), never 0.
 */
export type TrendUnit = 'percent' | 'rollouts' | 'classes' | 'violations';
/** A week shown: `days` 7, or the days so far of the week in progress. */
export type TrendWeek = { week: string; days: number; inProgress: boolean };
export type TrendPoint = TrendWeek & {
  value: number | null;
  /** The counts behind a rate: n of `of`. */
  counts: { n: number; of: number } | null;
  /** vs the week before: a ratio difference for a rate (0.01 = 1 point), a difference for a count. */
  change: number | null;
  /** vs the mean of the 4 weeks before (of those with data). */
  changeVs4Weeks: number | null;
  /** A count of the week in progress: its days so far, compared with the same days of the weeks before. */
  partial: boolean;
};
export type TrendSeries = { key: string; label: string; unit: TrendUnit; target: number | null; points: TrendPoint[] };

/** Rollouts started on one day: all, the finished ones, and those that succeeded, passed first time, ran unattended. */
export type RolloutDay = {
  day: string; rollouts: number; finished: number; succeeded: number; firstPass: number; unattended: number;
};
export type StageDay = { stageKey: string; day: string; firstAttempts: number; firstSuccesses: number };

/** How many weeks before the first one shown are read, for its changes. */
export const COMPARE_WEEKS = 4;

/**
 * The weeks of a trend, oldest first: `count` complete weeks ending with `through`, then the week in
 * progress when given; `lead` are the COMPARE_WEEKS weeks before them, read only for the changes.
 */
export function listTrendWeeks(
  through: string, count: number, inProgress: { week: string; days: number } | null,
): { lead: string[]; shown: TrendWeek[] } {
  const complete = [through];
  while (complete.length < count + COMPARE_WEEKS) complete.unshift(previousWeek(complete[0]!));
  const shown = complete.slice(COMPARE_WEEKS).map((week) => ({ week, days: 7, inProgress: false }));
  if (inProgress) shown.push({ ...inProgress, inProgress: true });
  return { lead: complete.slice(0, COMPARE_WEEKS), shown };
}

type Figure = { value: number | null; counts: { n: number; of: number } | null };
const mean = (xs: (number | null)[]) => {
  const known = xs.filter((x): x is number => x !== null);
  return known.length ? known.reduce((a, x) => a + x, 0) / known.length : null;
};
const minus = (a: number | null, b: number | null) => (a !== null && b !== null ? a - b : null);

/**
 * A series over `weeks` (lead weeks first, oldest first) from each week's figure; `baseline`, when given for a
 * week, is what its changes compare with instead (the same days of the 4 weeks before, oldest first).
 */
export function buildSeries(
  spec: Omit<TrendSeries, 'points'>,
  weeks: { lead: string[]; shown: TrendWeek[] },
  figure: (w: TrendWeek) => Figure,
  baseline?: (w: TrendWeek) => (number | null)[] | null,
): TrendSeries {
  const all = [...weeks.lead.map((week) => ({ week, days: 7, inProgress: false })), ...weeks.shown];
  const values = all.map((w) => figure(w));
  const points = weeks.shown.map((w, i) => {
    const at = i + weeks.lead.length;
    const own = values[at]!;
    const partial = baseline?.(w) ?? null;
    const before = partial ?? values.slice(at - COMPARE_WEEKS, at).map((f) => f.value);
    const change = minus(own.value, before.at(-1) ?? null);
    return { ...w, ...own, change, changeVs4Weeks: minus(own.value, mean(before)), partial: partial !== null };
  });
  return { ...spec, points };
}

/** Sums rollout days over the first `days` days of a week. */
export function sumRollouts(byDay: ReadonlyMap<string, RolloutDay>, week: string, days = 7): Omit<RolloutDay, 'day'> {
  const sum = { rollouts: 0, finished: 0, succeeded: 0, firstPass: 0, unattended: 0 };
  for (const day of weekDays(week).slice(0, days)) {
    const d = byDay.get(day);
    if (!d) continue;
    sum.rollouts += d.rollouts;
    sum.finished += d.finished;
    sum.succeeded += d.succeeded;
    sum.firstPass += d.firstPass;
    sum.unattended += d.unattended;
  }
  return sum;
}

/** A rate as a figure: null without a denominator. */
export const rateFigure = (n: number, of: number): Figure => ({ value: ratio(n, of), counts: of > 0 ? { n, of } : null });
/** A count as a figure; a week without rollouts has no data (a quiet week and one never loaded look the same). */
export const countFigure = (n: number | null): Figure => ({ value: n, counts: null });

/**
 * The rollouts of the week in progress compare its days so far with the same days of the 4 weeks
 * before (not with whole weeks); complete weeks compare with whole weeks.
 */
export function sameDaysBaseline(byDay: ReadonlyMap<string, RolloutDay>, w: TrendWeek): (number | null)[] | null {
  if (!w.inProgress) return null;
  const before: string[] = [previousWeek(w.week)];
  while (before.length < COMPARE_WEEKS) before.unshift(previousWeek(before[0]!));
  return before.map((week) => sumRollouts(byDay, week, w.days).rollouts || null);
}

/** Per stage, first-pass success per week: first attempts that succeeded ÷ first attempts that succeeded or failed. */
/** Keyed by stage key and week joined with a NUL. */
export function stageWeekSums(rows: readonly StageDay[], weekOf: (day: string) => string): Map<string, { n: number; of: number }> {
  const sums = new Map<string, { n: number; of: number }>();
  for (const r of rows) {
    const key = `${r.stageKey}\u0000${weekOf(r.day)}`;
    const s = sums.get(key) ?? { n: 0, of: 0 };
    s.n += r.firstSuccesses;
    s.of += r.firstAttempts;
    sums.set(key, s);
  }
  return sums;
}
