/**
 * Exponential backoff for retrying a failed job: base, 2×base, 4×base … capped. Pure, so the
 * scheduler, the digest and the dashboard compute the same next attempt.
 */
export type Backoff = { baseMs: number; maxMs: number };

const MINUTE = 60_000;
/** Scheduled jobs and unsent digests: 5, 10, 20, 40, 80 minutes, then every 2 hours. */
export const RETRY_BACKOFF: Backoff = { baseMs: 5 * MINUTE, maxMs: 120 * MINUTE };

/** The pause after the `failures`-th failure in a row (1 → base); 0 for none. */
export function backoffDelayMs(failures: number, backoff: Backoff = RETRY_BACKOFF): number {
  if (failures <= 0) return 0;
  // 2 ** 40 × base would overflow nothing but is far past any cap; clamp the exponent anyway.
  return Math.min(backoff.baseMs * 2 ** Math.min(failures - 1, 40), backoff.maxMs);
}
