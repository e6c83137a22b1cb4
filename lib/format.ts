/** Number, percent and date formatting shared by pages, charts and e-mails. */
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
