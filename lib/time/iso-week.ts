import { DayRangeError, addDays, dayInZone, dayNumber, dayOfNumber } from './day';

/** ISO-8601 weeks (Monday to Sunday, week 1 holds the year's first Thursday) over calendar days. */
const WEEK = /^(\d{4})-W(\d{2})$/;

export class WeekFormatError extends Error {
  override name = 'WeekFormatError';
}

/** Monday 0, …, Sunday 6 (1970-01-01 was a Thursday). */
function weekdayIndex(dayNo: number): number {
  return (((dayNo + 3) % 7) + 7) % 7;
}

/** The Monday (YYYY-MM-DD) of ISO week `week` ("2026-W47"); throws WeekFormatError on a bad week. */
export function weekStart(week: string): string {
  const m = WEEK.exec(week);
  if (!m) throw new WeekFormatError(`"${week.slice(0, 40)}" is not an ISO week; expected YYYY-Www, e.g. 2026-W47`);
  const year = Number(m[1]);
  const n = Number(m[2]);
  try {
    // The Monday of week 1 is the Monday on or before January 4th.
    const jan4 = dayNumber(`${m[1]}-01-04`);
    const start = dayOfNumber(jan4 - weekdayIndex(jan4) + (n - 1) * 7);
    if (n >= 1 && isoWeekOfDay(start) === week) return start;
  } catch (error) {
    // Weeks at the very edge of years 0000–9999 run off the calendar this module counts in.
    if (!(error instanceof DayRangeError)) throw error;
  }
  throw new WeekFormatError(`${week}: year ${year} has no week ${n}`);
}

/** The ISO week ("2026-W47") a calendar day belongs to. */
export function isoWeekOfDay(day: string): string {
  const dayNo = dayNumber(day);
  const thursday = dayOfNumber(dayNo + 3 - weekdayIndex(dayNo));
  const year = thursday.slice(0, 4);
  const n = Math.floor((dayNumber(thursday) - dayNumber(`${year}-01-01`)) / 7) + 1;
  return `${year}-W${String(n).padStart(2, '0')}`;
}

/** The seven days (Monday first) of a week. */
export function weekDays(week: string): string[] {
  const start = weekStart(week);
  return Array.from({ length: 7 }, (_, i) => addDays(start, i));
}

export function previousWeek(week: string): string {
  return isoWeekOfDay(addDays(weekStart(week), -7));
}

/** The week an instant falls in, counted in a time zone. */
export function weekOfInstant(ms: number, timeZone: string): string {
  return isoWeekOfDay(dayInZone(ms, timeZone));
}

// A digest sent on a Friday evening reports that week; one sent on a Monday reports the week before.
const REPORT_LAG_MS = 3 * 24 * 60 * 60 * 1000;

/** The week "just ending" at an instant: the week of the instant three days earlier (Friday → its own week, Monday → the week before). */
export function weekJustEnding(ms: number, timeZone: string): string {
  return weekOfInstant(ms - REPORT_LAG_MS, timeZone);
}
