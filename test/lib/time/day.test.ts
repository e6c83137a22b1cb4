import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addDays, dayCount, dayNumber, dayOfNumber, DayRangeError, daysBetween, MAX_DAY_SPAN, parseDayNumber } from '../../../lib/time/day';

const FIRST = dayNumber('0000-01-01');
const LAST = dayNumber('9999-12-31');
/** Any calendar day of the years 0000–9999, as text. */
const anyDay = fc.integer({ min: FIRST, max: LAST }).map((n) => new Date(n * 86_400_000).toISOString().slice(0, 10));

describe('calendar days', () => {
  it('reads every day of the years 0000–9999 and writes it back unchanged', () => {
    fc.assert(fc.property(fc.integer({ min: FIRST, max: LAST }), (n) => {
      const day = dayOfNumber(n);
      expect(day).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      expect(dayNumber(day)).toBe(n);
    }));
  });

  it('refuses what is not a calendar day, instead of rolling it over', () => {
    for (const bad of ['2026-02-30', '2026-13-01', '2026-00-10', '0000-00-00', '2023-02-29', '+010000-01-01', '10000-01-01', '2026-1-1', '', 'garbage', '2026-11-20T00:00:00Z']) {
      expect(parseDayNumber(bad), bad).toBeNull();
      expect(() => dayNumber(bad), bad).toThrow(DayRangeError);
    }
    expect(parseDayNumber('2024-02-29')).not.toBeNull();
    // Years below 100 are years, not 1900 + year.
    expect(dayOfNumber(dayNumber('0050-06-01'))).toBe('0050-06-01');
  });

  it('agrees with the Date calendar on random text that looks like a day', () => {
    const text = fc.tuple(fc.integer({ min: 0, max: 9999 }), fc.integer({ min: 0, max: 14 }), fc.integer({ min: 0, max: 33 }))
      .map(([y, m, d]) => `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`);
    fc.assert(fc.property(text, (day) => {
      const n = parseDayNumber(day);
      const viaDate = new Date(`${day}T00:00:00Z`);
      const real = !Number.isNaN(viaDate.getTime()) && viaDate.toISOString().slice(0, 10) === day;
      expect(n !== null).toBe(real);
    }), { numRuns: 2000 });
  });

  it('adds days within the years 0000–9999 and refuses to leave them', () => {
    fc.assert(fc.property(anyDay, fc.integer({ min: -4_000_000, max: 4_000_000 }), (day, offset) => {
      const target = dayNumber(day) + offset;
      if (target < FIRST || target > LAST) {
        expect(() => addDays(day, offset)).toThrow(DayRangeError);
        return;
      }
      const moved = addDays(day, offset);
      expect(dayNumber(moved)).toBe(target);
      expect(addDays(moved, -offset)).toBe(day);
      // Text order is day order, which the database queries rely on.
      expect(moved < day).toBe(offset < 0);
    }));
    expect(() => addDays('9999-12-31', 1)).toThrow(DayRangeError);
  });
});

describe('listing the days of a range', () => {
  it('always ends: the days in order, none when reversed, and an error past the maximum', () => {
    fc.assert(fc.property(anyDay, fc.integer({ min: -50, max: MAX_DAY_SPAN + 50 }), (from, span) => {
      const lastNo = dayNumber(from) + span - 1;
      if (lastNo < FIRST || lastNo > LAST) return;
      const to = dayOfNumber(lastNo);
      if (span > MAX_DAY_SPAN) {
        expect(() => daysBetween(from, to)).toThrow(DayRangeError);
        return;
      }
      const days = daysBetween(from, to);
      expect(days).toHaveLength(Math.max(0, span));
      expect(dayCount(from, to)).toBe(Math.max(0, span));
      if (span > 0) expect([days[0], days.at(-1)]).toEqual([from, to]);
      expect([...days].sort()).toEqual(days);
    }), { numRuns: 300 });
  });

  it('lists the last two days of the calendar (this range used to loop forever)', () => {
    expect(daysBetween('9999-12-30', '9999-12-31')).toEqual(['9999-12-30', '9999-12-31']);
  });

  it('refuses the range from year 1 to 8999 instead of listing three million days', () => {
    expect(() => daysBetween('0001-01-01', '8999-12-31')).toThrow(/spans 3286817 days; at most 3660/);
    expect(() => daysBetween('2026-01-01', '2026-12-31', 92)).toThrow(DayRangeError);
  });
});
