/** Calendar days in a time zone, fast enough for the ingest hot path. */

// Every real UTC offset is a multiple of 15 minutes, so all instants in one 15-minute slot share a day.
const SLOT_MS = 15 * 60 * 1000;
const caches = new Map<string, { format: Intl.DateTimeFormat; days: Map<number, string> }>();

/** The calendar day (YYYY-MM-DD) of an instant in an IANA time zone. */
export function dayInZone(ms: number, timeZone: string): string {
  let zone = caches.get(timeZone);
  if (!zone) {
    // en-CA formats dates as YYYY-MM-DD.
    zone = { format: new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }), days: new Map() };
    caches.set(timeZone, zone);
  }
  const slot = Math.floor(ms / SLOT_MS);
  let day = zone.days.get(slot);
  if (day === undefined) {
    day = zone.format.format(new Date(slot * SLOT_MS));
    if (zone.days.size > 100_000) zone.days.clear();
    zone.days.set(slot, day);
  }
  return day;
}

const MS_PER_DAY = 86_400_000;
const DAY_TEXT = /^(\d{4})-(\d{2})-(\d{2})$/;
// Four-digit years only: past 9999-12-31 toISOString() writes "+010000-…", which no longer sorts or slices as a day.
const FIRST_DAY_NUMBER = -719_528; // 0000-01-01
const LAST_DAY_NUMBER = 2_932_896; // 9999-12-31
/** The most days daysBetween lists: ten years; every caller asks for a bounded range (the dashboard for at most 366 days). */
export const MAX_DAY_SPAN = 3660;

/** A day outside 0000-01-01…9999-12-31, not a calendar day, or a span longer than asked for. */
export class DayRangeError extends RangeError {
  override name = 'DayRangeError';
}

/** Days since 1970-01-01 of a real calendar day (YYYY-MM-DD, year 0000–9999), or null (2026-02-30, 2026-13-01, "+010000-01-01"). */
export function parseDayNumber(day: string): number | null {
  const m = DAY_TEXT.exec(day);
  if (!m) return null;
  const [year, month, date] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const d = new Date(0);
  // setUTCFullYear, unlike Date.UTC, does not read years 0–99 as 1900–1999.
  d.setUTCFullYear(year, month - 1, date);
  if (d.getUTCFullYear() !== year || d.getUTCMonth() !== month - 1 || d.getUTCDate() !== date) return null;
  return d.getTime() / MS_PER_DAY;
}

/** Days since 1970-01-01 of `day`; throws DayRangeError when it is not a calendar day of years 0000–9999. */
export function dayNumber(day: string): number {
  const n = parseDayNumber(day);
  if (n === null) throw new DayRangeError(`"${day.slice(0, 40)}" is not a calendar day (YYYY-MM-DD)`);
  return n;
}

/** The calendar day (YYYY-MM-DD) `n` days after 1970-01-01; throws DayRangeError outside years 0000–9999. */
export function dayOfNumber(n: number): string {
  if (!Number.isInteger(n) || n < FIRST_DAY_NUMBER || n > LAST_DAY_NUMBER) {
    throw new DayRangeError(`day number ${n} is outside 0000-01-01…9999-12-31`);
  }
  return new Date(n * MS_PER_DAY).toISOString().slice(0, 10);
}

/** The UTC calendar day (YYYY-MM-DD) `offsetDays` after `day`; throws DayRangeError rather than leave years 0000–9999. */
export function addDays(day: string, offsetDays: number): string {
  return dayOfNumber(dayNumber(day) + offsetDays);
}

/** How many days `from` to `to` covers, both included (0 when `to` is before `from`). */
export function dayCount(from: string, to: string): number {
  return Math.max(0, dayNumber(to) - dayNumber(from) + 1);
}

/**
 * Days from `from` to `to`, both included (none when `to` is before `from`). Counted as integers, so
 * it always ends; throws DayRangeError beyond `maxDays` (MAX_DAY_SPAN) instead of building a huge list.
 */
export function daysBetween(from: string, to: string, maxDays = MAX_DAY_SPAN): string[] {
  const first = dayNumber(from);
  const count = Math.max(0, dayNumber(to) - first + 1);
  if (count > maxDays) throw new DayRangeError(`${from} to ${to} spans ${count} days; at most ${maxDays}`);
  return Array.from({ length: count }, (_, i) => dayOfNumber(first + i));
}

/** An instant as SQLite's Prisma adapter writes DateTime columns, so text comparisons line up. */
export function toDbTimestamp(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, -1)}+00:00`;
}

const UTC_MILLIS = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;

/** Same as toDbTimestamp for an ISO-8601 text; skips the Date round trip when it is already UTC with milliseconds. */
export function isoToDbTimestamp(iso: string, ms: number): string {
  return UTC_MILLIS.test(iso) ? `${iso.slice(0, -1)}+00:00` : toDbTimestamp(ms);
}

const offsetFormats = new Map<string, Intl.DateTimeFormat>();

/** Minutes a time zone is ahead of UTC at an instant. */
export function zoneOffsetMinutes(ms: number, timeZone: string): number {
  let format = offsetFormats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric' });
    offsetFormats.set(timeZone, format);
  }
  const p = Object.fromEntries(format.formatToParts(new Date(ms)).map((x) => [x.type, x.value]));
  const local = Date.UTC(Number(p.year), Number(p.month) - 1, Number(p.day), Number(p.hour), Number(p.minute), Number(p.second));
  return Math.round((local - Math.floor(ms / 1000) * 1000) / 60_000);
}

/** The instant a calendar day starts in a time zone (its local midnight). */
export function startOfDayInZone(day: string, timeZone: string): number {
  const utcMidnight = Date.parse(`${day}T00:00:00Z`);
  let guess = utcMidnight - zoneOffsetMinutes(utcMidnight, timeZone) * 60_000;
  // Across a DST change the offset at the guess can differ from the one at UTC midnight.
  guess = utcMidnight - zoneOffsetMinutes(guess, timeZone) * 60_000;
  return guess;
}
