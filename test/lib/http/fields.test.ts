import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  calendarDaySchema, checkDayRange, FIRST_URL_DAY, idSchema, isoWeekSchema, keySchema, LAST_URL_DAY, MAX_ID, MAX_PAGE, MAX_RANGE_DAYS, pageSchema,
} from '../../../lib/http/fields';
import { resolveRange } from '../../../lib/metrics/stages';
import { dayCount, dayNumber, dayOfNumber } from '../../../lib/time/day';
import { isoWeekOfDay } from '../../../lib/time/iso-week';

const first = dayNumber(FIRST_URL_DAY);
const last = dayNumber(LAST_URL_DAY);
const urlDay = fc.integer({ min: first, max: last }).map(dayOfNumber);
/** Text that looks like a day but may be none (month 13, day 0…) or lie outside 2000–2099. */
const dayLike = fc.tuple(fc.integer({ min: 0, max: 9999 }), fc.integer({ min: 0, max: 13 }), fc.integer({ min: 0, max: 32 }))
  .map(([y, m, d]) => `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`);

describe('calendar days in URLs', () => {
  it('accepts every real day of 2000–2099', () => {
    fc.assert(fc.property(urlDay, (day) => {
      expect(calendarDaySchema.parse(day)).toBe(day);
    }));
  });

  it('refuses every other text, saying what it expected', () => {
    fc.assert(fc.property(fc.oneof(dayLike, fc.string(), fc.string({ unit: 'grapheme' })), (text) => {
      const n = /^\d{4}-\d{2}-\d{2}$/.test(text) ? (() => { try { return dayNumber(text); } catch { return null; } })() : null;
      const valid = n !== null && n >= first && n <= last;
      const parsed = calendarDaySchema.safeParse(text);
      expect(parsed.success).toBe(valid);
      if (!parsed.success) expect(parsed.error.issues[0]!.message).toMatch(/is not a calendar day from 2000-01-01 to 2099-12-31/);
    }), { numRuns: 2000 });
    for (const bad of ['0000-00-00', '9999-12-31', '2026-02-30', '2026-13-01', '2026-00-00', '1999-12-31', '2100-01-01']) expect(calendarDaySchema.safeParse(bad).success, bad).toBe(false);
  });
});

describe('ISO weeks in URLs', () => {
  it('accepts the week of every day of 2000–2099 and refuses weeks that do not exist', () => {
    fc.assert(fc.property(urlDay, (day) => {
      const week = isoWeekOfDay(day);
      // 2000-01-01 and -02 belong to 1999-W52, before the first URL day.
      if (week.startsWith('1999')) return;
      expect(isoWeekSchema.parse(week)).toBe(week);
    }));
    for (const bad of ['9999-W52', '2025-W53', '2026-W00', '2026-W54', '2026-47', '2026-w47', '1999-W10', '']) expect(isoWeekSchema.safeParse(bad).success, bad).toBe(false);
  });
});

describe('ids and page numbers', () => {
  it('takes whole numbers within the 32-bit range and refuses everything else', () => {
    fc.assert(fc.property(fc.integer({ min: 1, max: MAX_ID }), (n) => {
      expect(idSchema.parse(String(n))).toBe(n);
    }));
    const junk = fc.oneof(fc.string(), fc.bigInt({ min: BigInt(MAX_ID) + 1n, max: 10n ** 30n }).map(String), fc.integer({ max: 0 }).map(String), fc.double().map(String));
    fc.assert(fc.property(junk, (text) => {
      const fits = /^\d{1,10}$/.test(text) && Number(text) >= 1 && Number(text) <= MAX_ID;
      expect(idSchema.safeParse(text).success).toBe(fits);
    }), { numRuns: 2000 });
    for (const bad of ['99999999999999999999', '1e20', '1.5', ' 1', 'NaN', '-1', '0', '2147483648']) expect(idSchema.safeParse(bad).success, bad).toBe(false);
  });

  it('caps page numbers at 10,000 and defaults to the first page', () => {
    expect(pageSchema.parse(undefined)).toBe(1);
    expect(pageSchema.parse(String(MAX_PAGE))).toBe(MAX_PAGE);
    expect(pageSchema.safeParse(String(MAX_PAGE + 1)).error?.issues[0]?.message).toBe('"10001" is not a whole number from 1 to 10000');
  });

  it('takes keys of lowercase letters, digits and dashes, at most 100 long', () => {
    expect(keySchema.parse('image-pull')).toBe('image-pull');
    for (const bad of ['Image', 'a b', '-a', 'a'.repeat(101), '../x', '%2e']) expect(keySchema.safeParse(bad).success, bad).toBe(false);
  });
});

describe('date ranges', () => {
  const schema = z.object({ from: calendarDaySchema.optional(), to: calendarDaySchema.optional() }).superRefine(checkDayRange({ both: true }));

  it('accepts a range exactly when it runs forward over at most 366 days', () => {
    fc.assert(fc.property(urlDay, urlDay, (from, to) => {
      const parsed = schema.safeParse({ from, to });
      expect(parsed.success).toBe(to >= from && dayCount(from, to) <= MAX_RANGE_DAYS);
      if (!parsed.success) expect(parsed.error.issues[0]!.path).toEqual(['to']);
    }));
    expect(schema.safeParse({ from: '2026-01-01', to: '2027-01-01' }).success).toBe(true);
    expect(schema.safeParse({ from: '2026-01-01', to: '2027-01-02' }).error?.issues[0]?.message).toBe('2026-01-01 to 2027-01-02 spans 367 days; at most 366');
  });

  it('names the missing end when only one is given', () => {
    expect(schema.safeParse({ from: '2026-01-01' }).error?.issues[0]).toMatchObject({ path: ['to'], message: 'is needed with from (a range has both ends)' });
    expect(schema.safeParse({ to: '2026-01-01' }).error?.issues[0]).toMatchObject({ path: ['from'] });
  });

  it("keeps the stages page's resolved range forward and within 92 days for any days and clock", () => {
    fc.assert(fc.property(fc.option(urlDay, { nil: undefined }), fc.option(urlDay, { nil: undefined }), urlDay, (from, to, today) => {
      const range = resolveRange({ from, to }, 'UTC', new Date(`${today}T12:00:00Z`));
      expect(range.from <= range.to).toBe(true);
      expect(dayCount(range.from, range.to)).toBeLessThanOrEqual(92);
      if (to !== undefined) expect(range.to).toBe(to);
    }));
  });
});
