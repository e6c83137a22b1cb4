import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { dayNumber, dayOfNumber } from '../../../lib/time/day';
import { isoWeekOfDay, previousWeek, WeekFormatError, weekDays, weekOfInstant, weekStart } from '../../../lib/time/iso-week';

describe('ISO weeks', () => {
  it.each([
    ['2026-11-20', '2026-W47'],
    ['2026-11-16', '2026-W47'],
    ['2026-11-22', '2026-W47'],
    ['2026-11-23', '2026-W48'],
    ['2021-01-03', '2020-W53'],
    ['2024-12-30', '2025-W01'],
    ['2026-01-01', '2026-W01'],
  ])('puts %s in %s', (day, week) => {
    expect(isoWeekOfDay(day)).toBe(week);
  });

  it('lists a week Monday to Sunday and finds the previous week across a year end', () => {
    expect(weekDays('2026-W47')).toEqual(['2026-11-16', '2026-11-17', '2026-11-18', '2026-11-19', '2026-11-20', '2026-11-21', '2026-11-22']);
    expect(weekStart('2020-W53')).toBe('2020-12-28');
    expect(previousWeek('2026-W01')).toBe('2025-W52');
    expect(previousWeek('2021-W01')).toBe('2020-W53');
  });

  it('rejects malformed and impossible weeks with a clear message', () => {
    expect(() => weekStart('2026-47')).toThrow(/not an ISO week; expected YYYY-Www/);
    expect(() => weekStart('2025-W53')).toThrow(/2025-W53: year 2025 has no week 53/);
    expect(weekStart('2026-W53')).toBe('2026-12-28');
    expect(() => weekStart('2026-W00')).toThrow(/has no week 0/);
  });

  it('counts the week in the configured time zone', () => {
    // Sunday 2026-11-22 23:30 UTC is already Monday in Tokyo.
    const instant = Date.parse('2026-11-22T23:30:00Z');
    expect(weekOfInstant(instant, 'UTC')).toBe('2026-W47');
    expect(weekOfInstant(instant, 'Asia/Tokyo')).toBe('2026-W48');
    expect(weekOfInstant(instant, 'America/Los_Angeles')).toBe('2026-W47');
  });
});

describe('the week just ending', () => {
  it('is the same week on a Friday evening and the week before on a Monday, in the zone', async () => {
    const { weekJustEnding } = await import('../../../lib/time/iso-week');
    expect(weekJustEnding(Date.parse('2026-11-20T16:00:00Z'), 'Europe/Berlin')).toBe('2026-W47');
    expect(weekJustEnding(Date.parse('2026-11-23T07:00:00Z'), 'Europe/Berlin')).toBe('2026-W47');
    // Monday 00:30 in Tokyo is still Sunday in UTC.
    expect(weekJustEnding(Date.parse('2026-11-22T15:30:00Z'), 'Asia/Tokyo')).toBe('2026-W47');
  });
});

describe('ISO weeks over the whole calendar', () => {
  const anyDay = fc.integer({ min: dayNumber('0001-01-08'), max: dayNumber('9999-12-24') }).map(dayOfNumber);

  it('puts every day in the week that starts on the Monday on or before it', () => {
    fc.assert(fc.property(anyDay, (day) => {
      const week = isoWeekOfDay(day);
      const start = weekStart(week);
      const offset = dayNumber(day) - dayNumber(start);
      expect(offset).toBeGreaterThanOrEqual(0);
      expect(offset).toBeLessThan(7);
      // 1970-01-05 was a Monday.
      expect((((dayNumber(start) - dayNumber('1970-01-05')) % 7) + 7) % 7).toBe(0);
      expect(weekDays(week)).toHaveLength(7);
    }), { numRuns: 1000 });
  });

  it('answers any text shaped like a week with a Monday or a WeekFormatError, never another error', () => {
    const week = fc.tuple(fc.integer({ min: 0, max: 9999 }), fc.integer({ min: 0, max: 99 }))
      .map(([y, n]) => `${String(y).padStart(4, '0')}-W${String(n).padStart(2, '0')}`);
    fc.assert(fc.property(fc.oneof(week, fc.string()), (w) => {
      try {
        expect(isoWeekOfDay(weekStart(w))).toBe(w);
      } catch (error) {
        expect(error).toBeInstanceOf(WeekFormatError);
      }
    }), { numRuns: 2000 });
    expect(weekStart('9999-W52')).toBe('9999-12-27');
    expect(() => weekStart('9999-W53')).toThrow(WeekFormatError);
    expect(weekStart('0000-W01')).toBe('0000-01-03');
    expect(weekStart('0050-W01')).toBe('0050-01-03');
  });
});
