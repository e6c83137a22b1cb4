import { z } from 'zod';
import { dayCount, parseDayNumber } from '../time/day';
import { WeekFormatError, weekStart } from '../time/iso-week';

/**
 * Building blocks of every schema at the HTTP edge (URL parameters, path segments, form fields):
 * each value is bounded, so no request can ask for unbounded work. The README (Dashboard) lists
 * these limits.
 */

// Days and weeks in URLs: a century around the data's present; every range computed from them
// (the period before, week ends) stays far inside the years lib/time counts in.
export const FIRST_URL_DAY = '2000-01-01';
export const LAST_URL_DAY = '2099-12-31';
/** The longest date range a page answers for: a year, leap day included. */
export const MAX_RANGE_DAYS = 366;
/** Database ids are 32-bit integers (Prisma's Int); anything larger cannot exist. */
export const MAX_ID = 2_147_483_647;
/** A page number beyond this (500,000 rows at 50 a page) is a typo, not a request. */
export const MAX_PAGE = 10_000;
/** Stage keys, rule ids, owner ids, categories: short identifiers. */
export const MAX_KEY_LENGTH = 100;
/** Free-text filters (a service name). */
export const MAX_TEXT_LENGTH = 200;

const FIRST_DAY_NUMBER = parseDayNumber(FIRST_URL_DAY)!;
const LAST_DAY_NUMBER = parseDayNumber(LAST_URL_DAY)!;

/** A value as it goes into a message: short, so a 10 kB parameter does not come back 10 kB long. */
export function quote(value: unknown): string {
  const text = typeof value === 'string' ? value : String(value);
  return JSON.stringify(text.length > 40 ? `${text.slice(0, 40)}…` : text);
}

function isUrlDay(value: string): boolean {
  const n = parseDayNumber(value);
  return n !== null && n >= FIRST_DAY_NUMBER && n <= LAST_DAY_NUMBER;
}

/** A real calendar day, YYYY-MM-DD, from 2000-01-01 to 2099-12-31 (2026-02-30 and 2026-13-01 are refused). */
export const calendarDaySchema = z.string().refine(isUrlDay, {
  error: (issue) => `${quote(issue.input)} is not a calendar day from ${FIRST_URL_DAY} to ${LAST_URL_DAY} (YYYY-MM-DD)`,
});

/** True for an ISO week that exists, of the years 2000–2099. */
export function isUrlWeek(value: string): boolean {
  try {
    return isUrlDay(weekStart(value));
  } catch (error) {
    if (error instanceof WeekFormatError) return false;
    throw error;
  }
}

/** An ISO week that exists, YYYY-Www (2026-W47), of years 2000–2099. */
export const isoWeekSchema = z.string().refine(isUrlWeek, {
  error: (issue) => `${quote(issue.input)} is not an ISO week of the years 2000–2099 (YYYY-Www, e.g. 2026-W47)`,
});

/** A whole number in [min, max] written in decimal digits (URL and form values are text). */
export function wholeNumber(min: number, max: number) {
  return z
    .string()
    .refine((s) => /^\d{1,10}$/.test(s) && Number(s) >= min && Number(s) <= max, {
      error: (issue) => `${quote(issue.input)} is not a whole number from ${min} to ${max}`,
    })
    .transform(Number);
}

/** A database id: 1 to 2147483647. */
export const idSchema = wholeNumber(1, MAX_ID);

/** A page number: 1 to 10,000 (default 1). */
export const pageSchema = wholeNumber(1, MAX_PAGE).default(1);

/** Text of at most `max` characters. */
export function boundedText(max = MAX_TEXT_LENGTH) {
  return z.string().max(max, { error: `is longer than ${max} characters` });
}

/** A stage key or rule id as the config files allow them (lowercase letters, digits, dashes), at most 100 characters. */
export const keySchema = boundedText(MAX_KEY_LENGTH).regex(/^[a-z0-9][a-z0-9-]*$/, {
  error: (issue) => `${quote(issue.input)} is not a key (lowercase letters, digits and dashes)`,
});

/** One of a fixed list of words. */
export function oneOf<const T extends readonly [string, ...string[]]>(values: T) {
  return z.enum(values, { error: (issue) => `${quote(issue.input)} is not one of ${values.join(', ')}` });
}

const sortKeySchema = boundedText(40).regex(/^[A-Za-z0-9_-]+$/, { error: 'is not a column key' }).optional();
const sortDirSchema = oneOf(['asc', 'desc']).optional();

/** The sort state a DataTable keeps in the URL (`<id>_sort`, `<id>_dir`): read in the browser, bounded all the same. */
export function tableSortFields<const Id extends string>(id: Id) {
  type Fields = { [K in `${Id}_sort`]: typeof sortKeySchema } & { [K in `${Id}_dir`]: typeof sortDirSchema };
  return { [`${id}_sort`]: sortKeySchema, [`${id}_dir`]: sortDirSchema } as Fields;
}

type RangeInput = { from?: string | undefined; to?: string | undefined };

/**
 * Refines an object with optional `from` and `to` days: `to` not before `from`, at most `maxDays`
 * between them; with `both`, one without the other is refused too.
 */
export function checkDayRange(opts: { maxDays?: number; both?: boolean } = {}) {
  const maxDays = opts.maxDays ?? MAX_RANGE_DAYS;
  return (value: RangeInput, ctx: z.RefinementCtx) => {
    const { from, to } = value;
    if (opts.both && (from === undefined) !== (to === undefined)) {
      const [missing, given] = from === undefined ? ['from', 'to'] : ['to', 'from'];
      ctx.addIssue({ code: 'custom', path: [missing], message: `is needed with ${given} (a range has both ends)` });
      return;
    }
    // Zod runs object refinements after field issues too: a bad day was reported by its own field.
    if (from === undefined || to === undefined || !isUrlDay(from) || !isUrlDay(to)) return;
    const days = dayCount(from, to);
    if (to < from) ctx.addIssue({ code: 'custom', path: ['to'], message: `${to} is before from (${from})` });
    else if (days > maxDays) ctx.addIssue({ code: 'custom', path: ['to'], message: `${from} to ${to} spans ${days} days; at most ${maxDays}` });
  };
}
