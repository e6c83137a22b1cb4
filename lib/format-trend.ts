/** How /trends and the overview's KPI charts write weekly figures (pages, charts and tables share it). */
import { formatCount, formatPercent, formatPointChange } from './format';
import type { TrendUnit } from './metrics/trend-series';

/** What a chart's y axis measures, with its unit. */
export const AXIS_LABELS: Record<TrendUnit, string> = {
  percent: '% of finished rollouts',
  rollouts: 'rollouts per week',
  classes: 'open classes at week end',
  violations: 'open violations at week end',
};

/** A value: "91.2%", "1,204"; null (no data) shows as an en dash. */
export function formatTrendValue(value: number | null, unit: TrendUnit): string {
  if (value === null) return '–';
  return unit === 'percent' ? formatPercent(value) : formatCount(Math.round(value));
}

/** A change: "+1.2 pt" for a rate, "+12" / "−3.5" for a count (a 4-week mean may be fractional). */
export function formatTrendChange(delta: number | null, unit: TrendUnit): string {
  if (delta === null) return '–';
  // Rounded first, so a change below 0.05 pt reads "±0.0 pt", not "−0.0 pt".
  if (unit === 'percent') return formatPointChange(Math.round(delta * 1000) / 1000);
  const rounded = Math.round(delta * 10) / 10;
  const sign = rounded > 0 ? '+' : rounded < 0 ? '−' : '±';
  return `${sign}${formatCount(Math.abs(rounded))}`;
}

/** "2026-W49 (in progress, 3 of 7 days)" for the week in progress, else the week. */
export function formatTrendWeek(w: { week: string; days: number; inProgress: boolean }): string {
  return w.inProgress ? `${w.week} (in progress, ${w.days} of 7 days)` : w.week;
}

/** The value of a chart axis tick: "97%", "1,500". */
export function formatTick(value: number, unit: TrendUnit): string {
  return unit === 'percent' ? `${value}%` : formatCount(value);
}
