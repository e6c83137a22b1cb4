import { windowDaysSchema } from '../admission/kind';

/** The longest window an admission rule may read (windowDaysSchema's maximum). */
const LONGEST_WINDOW_DAYS = windowDaysSchema.unwrap().maxValue ?? 90;
/**
 * Days before today a check's judged range can start: it judges whole ISO weeks, so on a Monday
 * it judges again yesterday's week, which began on the Monday before.
 */
const JUDGED_DAYS_BEFORE_TODAY = 7;

/**
 * The shortest retention (ROLLSCOPE_RETENTION_DAYS, today counted) that keeps every stage run a
 * window rule reads, even when retention ran earlier the same day: the first window of the judged
 * range starts 7 + (90 - 1) days before today, the horizon is N - 1 days before today, so N ≥ 97.
 */
export const MIN_RETENTION_DAYS = LONGEST_WINDOW_DAYS + JUDGED_DAYS_BEFORE_TODAY;
