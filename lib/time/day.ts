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

/** The UTC calendar day (YYYY-MM-DD) `offsetDays` after `day`. */
export function addDays(day: string, offsetDays: number): string {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + offsetDays);
  return d.toISOString().slice(0, 10);
}

/** Days from `from` to `to`, both included. */
export function daysBetween(from: string, to: string): string[] {
  const out: string[] = [];
  for (let d = from; d <= to; d = addDays(d, 1)) out.push(d);
  return out;
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
