/** Number, percent, duration and date formatting shared by pages, charts and e-mails. */
import type { ClassImpact, HiddenBehind, JointGain } from './rank/impact';

const counts = new Intl.NumberFormat('en-US');

export function formatCount(n: number): string {
  return counts.format(n);
}

/** A ratio as a percent; null (no denominator) shows as an en dash. */
export function formatPercent(ratio: number | null, digits = 1): string {
  return ratio === null ? '–' : `${(ratio * 100).toFixed(digits)}%`;
}

/** A change of a ratio in percentage points, signed. */
export function formatPointChange(delta: number | null, digits = 1): string {
  if (delta === null) return '–';
  const points = delta * 100;
  const sign = points > 0 ? '+' : points < 0 ? '−' : '±';
  return `${sign}${Math.abs(points).toFixed(digits)} pt`;
}

/** "Mon 23 Nov" for a YYYY-MM-DD day. */
export function formatDay(day: string): string {
  return new Date(`${day}T12:00:00Z`).toLocaleDateString('en-GB', { weekday: 'short', day: 'numeric', month: 'short', timeZone: 'UTC' });
}

export function ratio(n: number, of: number): number | null {
  return of > 0 ? n / of : null;
}

const fractions = new Intl.NumberFormat('en-US', { maximumFractionDigits: 1 });

/** Points of end-to-end success (expected gain, uplift); null (no figure) shows as an en dash. */
export function formatPoints(points: number | null | undefined, digits = 2): string {
  return points === null || points === undefined ? '–' : `${points.toFixed(digits)} pt`;
}

/** An interval of points, "0.9–2.7" (two decimals while it stays below 1 point). */
export function formatInterval(low: number, high: number): string {
  const digits = Math.max(Math.abs(low), Math.abs(high)) < 1 ? 2 : 1;
  return `${low.toFixed(digits)}–${high.toFixed(digits)}`;
}

/** A duration for people: "45 s", "12 min", "3 h 12 min", "2 d 5 h"; null shows as an en dash. */
export function formatDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return '–';
  const [seconds, minutes] = [Math.round(ms / 1000), Math.round(ms / 60_000)];
  if (seconds < 60) return `${seconds} s`;
  if (minutes < 60) return `${minutes} min`;
  const [days, hours] = [Math.floor(minutes / 1440), Math.floor((minutes % 1440) / 60)];
  if (days > 0) return hours > 0 ? `${days} d ${hours} h` : `${days} d`;
  return minutes % 60 > 0 ? `${hours} h ${minutes % 60} min` : `${hours} h`;
}

/** "23.5": a count that may be fractional (rollouts shared between co-blocking classes). */
export function formatShare(n: number): string {
  return fractions.format(n);
}

/** Expected gain with its 95% interval, "1.84 pt (0.9–2.7)"; "–" without a figure. */
export function formatGain(impact: ClassImpact | null): string {
  return impact ? `${formatPoints(impact.expectedGain)} (${formatInterval(impact.low, impact.high)})` : '–';
}

/**
 * The counts behind an expected gain: "blocked 23.5 of 1,204 finished rollouts (26 failed rollouts,
 * counted in part where other classes failed them too); later stages passed ~81% (estimated per cohort for 10, …)".
 */
export function formatGainEvidence(impact: ClassImpact): string {
  const blocked = `blocked ${formatShare(impact.blocked)} of ${formatCount(impact.finished)} finished rollouts`;
  const split = Math.abs(impact.blocked - impact.blockedRollouts) > 0.05;
  const shared = split ? ` (${formatCount(impact.blockedRollouts)} failed rollouts, counted in part where other classes failed them too)` : '';
  if (impact.laterPass === null) return `${blocked}${shared}`;
  const from = impact.laterPassFrom;
  const sources = [[from.cohort, 'per cohort'], [from.service, 'per service'], [from.chain, 'chain-wide']] as const;
  const how = sources.filter(([n]) => n > 0).map(([n, where]) => `${where} for ${formatCount(n)}`).join(', ');
  return `${blocked}${shared}; later stages passed ~${formatPercent(impact.laterPass, 0)}${how ? ` (estimated ${how})` : ''}`;
}

/** "with the ones above: +3.20 pt": the joint gain of fixing a class and every class ranked above it; '' past the fix order's horizon. */
export function formatWithAbove(impact: ClassImpact): string {
  return typeof impact.withAbove === 'number' ? `with the ones above: +${formatPoints(impact.withAbove)}` : '';
}

/** "Fixing the top 3 together: +4.10 pt (their separate gains add up to 4.52 pt: they share rollouts)". */
export function formatFixTogether(j: JointGain): string {
  const apart = `their separate gains add up to ${formatPoints(j.sumOfGains)}`;
  const why = Math.abs(j.gain - j.sumOfGains) < 0.005 ? '' : j.gain < j.sumOfGains ? ': they share rollouts' : ': some rollouts need several of them fixed';
  return `Fixing the top ${j.k} together: +${formatPoints(j.gain)} (${apart}${why})`;
}

/** What says that fixing a class may reveal `h`: "12 of the 15 rollouts of release web@2.1 that got past …". */
export function formatHiddenEvidence(h: HiddenBehind): string {
  const more = h.groups > 1 ? `; seen in ${formatCount(h.groups)} services or cohorts` : '';
  return `${formatCount(h.rollouts)} of the ${formatCount(h.of)} rollouts of ${h.group} that got past this class's stage then failed with that class at ${h.stageKey}${more}`;
}
