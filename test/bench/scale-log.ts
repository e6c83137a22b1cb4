/** Progress lines and figures of npm run bench:scale: every line timestamped, as a 50M run takes about an hour. */

/** Prints `[HH:MM:SS] phase: message` (UTC). */
export function logStep(phase: string, message: string): void {
  console.log(`[${new Date().toISOString().slice(11, 19)}] ${phase}: ${message}`);
}

export const formatCount = (n: number): string => Math.round(n).toLocaleString('en-US');
export const formatMb = (bytes: number): string => `${formatCount(bytes / 1024 / 1024)} MB`;
export const formatSeconds = (s: number): string => (s < 120 ? `${s.toFixed(1)} s` : `${(s / 60).toFixed(1)} min`);

/** The nearest-rank percentile `p` (0–100) of `xs` (not empty). */
export function percentile(xs: readonly number[], p: number): number {
  if (xs.length === 0) throw new RangeError('percentile of no values');
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}
