import { addDays, dayInZone } from '../time/day';

/**
 * The first day whose raw rows (stage runs, error events, rollouts) are kept under a retention of
 * `retentionDays` (today counts as one), or null when everything is kept. Rollups keep every day.
 */
export function computeRetentionHorizon(
  retentionDays: number | null,
  now: Date,
  timeZone: string,
): string | null {
  if (retentionDays === null) return null;
  return addDays(dayInZone(now.getTime(), timeZone), -(retentionDays - 1));
}

/**
 * What a page says when it would list raw rows of days before the horizon: they were deleted, so
 * it shows what is left rather than zeros passed off as the truth. Null when nothing is missing.
 */
export function describeRetentionGap(horizon: string | null, from: string | null): string | null {
  if (horizon === null || (from !== null && from >= horizon)) return null;
  return (
    `Stage runs, failures and rollouts before ${horizon} are no longer kept (ROLLSCOPE_RETENTION_DAYS): ` +
    'only their daily figures remain, on /trends and the stage pages.'
  );
}

/** The notice for a page listing raw rows from `from` on, under the settings' retention (null: none needed). */
export function retentionNotice(
  settings: { retentionDays: number | null; timeZone: string },
  from: string,
  now = new Date(),
): string | null {
  return describeRetentionGap(computeRetentionHorizon(settings.retentionDays, now, settings.timeZone), from);
}
