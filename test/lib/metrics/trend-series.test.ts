import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatTrendChange, formatTrendValue, formatTrendWeek } from '../../../lib/format-trend';
import { countScale, percentScale } from '../../../lib/metrics/chart-scale';
import { classSpans, countOpenAt, violationSpans } from '../../../lib/metrics/open-at';
import { buildSeries, listTrendWeeks } from '../../../lib/metrics/trend-series';

const spec = { key: 'k', label: 'K', unit: 'percent' as const, target: null };

describe('weekly series', () => {
  it('lists the weeks shown and the 4 before them, across a year end', () => {
    const w = listTrendWeeks('2026-W02', 3, null);
    expect(w.lead).toEqual(['2025-W48', '2025-W49', '2025-W50', '2025-W51']);
    expect(w.shown.map((x) => x.week)).toEqual(['2025-W52', '2026-W01', '2026-W02']);
    expect(listTrendWeeks('2026-W47', 1, { week: '2026-W48', days: 2 }).shown.at(-1)).toEqual({ week: '2026-W48', days: 2, inProgress: true });
  });

  it('compares each week with the one before and with the mean of the 4 before that have data (generated values)', () => {
    const value = fc.option(fc.double({ min: 0, max: 1, noNaN: true }), { nil: null, freq: 3 });
    fc.assert(fc.property(fc.array(value, { minLength: 5, maxLength: 56 }), (values) => {
      const count = values.length - 4;
      const weeks = listTrendWeeks('2026-W47', count, null);
      const all = [...weeks.lead, ...weeks.shown.map((w) => w.week)];
      const s = buildSeries(spec, weeks, (w) => ({ value: values[all.indexOf(w.week)]!, counts: null }));
      s.points.forEach((p, i) => {
        const before = values.slice(i, i + 4);
        const known = before.filter((v): v is number => v !== null);
        const v = values[i + 4]!;
        expect(p.value).toBe(v);
        expect(p.change).toBe(v !== null && before[3] !== null ? v - before[3]! : null);
        const mean = known.length ? known.reduce((a, x) => a + x, 0) / known.length : null;
        if (v === null || mean === null) expect(p.changeVs4Weeks).toBeNull();
        else expect(p.changeVs4Weeks).toBeCloseTo(v - mean, 12);
      });
    }));
  });

  it('compares a partial week with the baseline given for it', () => {
    const weeks = listTrendWeeks('2026-W47', 1, { week: '2026-W48', days: 3 });
    const s = buildSeries({ ...spec, unit: 'rollouts' }, weeks, (w) => ({ value: w.inProgress ? 30 : 70, counts: null }), (w) => (w.inProgress ? [20, null, 40, 25] : null));
    expect(s.points.at(-1)).toMatchObject({ value: 30, partial: true, change: 5, changeVs4Weeks: 30 - 85 / 3 });
    expect(s.points[0]).toMatchObject({ value: 70, partial: false, change: 0, changeVs4Weeks: 0 });
  });
});

describe('chart scales', () => {
  it('gives percent axes round ticks from below the lowest rate and the target up to 100%', () => {
    expect(percentScale([0.973, 0.99, null], 0.99)).toEqual({ domain: [97, 100], ticks: [97, 98, 99, 100] });
    expect(percentScale([0.64], 0.95)).toEqual({ domain: [60, 100], ticks: [60, 70, 80, 90, 100] });
    // Just above a tick: a step lower, so the point is not drawn on the axis.
    expect(percentScale([0.851], 0.95)).toEqual({ domain: [80, 100], ticks: [80, 85, 90, 95, 100] });
    expect(percentScale([], null)).toEqual({ domain: [0, 100], ticks: [0, 25, 50, 75, 100] });
    fc.assert(fc.property(fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 1 }), fc.double({ min: 0, max: 1, noNaN: true }), (rates, target) => {
      const s = percentScale(rates, target);
      expect(s.domain[0]).toBeLessThanOrEqual(Math.min(...rates, target) * 100);
      expect(s.domain[1]).toBe(100);
      expect(s.ticks[0]).toBe(s.domain[0]);
      expect(s.ticks.at(-1)).toBe(100);
      expect(s.ticks.length).toBeLessThanOrEqual(6);
    }));
  });

  it('gives count axes 1-2-5 steps from 0 to at least the highest count', () => {
    expect(countScale([1234, null], 500)).toEqual({ domain: [0, 1500], ticks: [0, 500, 1000, 1500] });
    expect(countScale([], null)).toEqual({ domain: [0, 1], ticks: [0, 1] });
    fc.assert(fc.property(fc.array(fc.integer({ min: 0, max: 10_000_000 })), (counts) => {
      const s = countScale(counts);
      expect(s.domain[1]).toBeGreaterThanOrEqual(Math.max(1, ...counts));
      expect(s.ticks.length).toBeLessThanOrEqual(6);
      expect(s.ticks.every((x) => Number.isInteger(x))).toBe(true);
    }));
  });
});

describe('open at the end of a week', () => {
  const d = (iso: string) => new Date(iso);
  const base = { createdAt: d('2026-12-01T00:00:00Z'), updatedAt: d('2026-12-01T00:00:00Z'), resolvedAt: null, mergedIntoId: null };

  it('follows a class through its status decisions and merge, from its first event', () => {
    const classes = [
      { ...base, id: 1, firstSeen: d('2026-11-02T10:00:00Z'), status: 'open', resolvedAt: d('2026-11-10T00:00:00Z') },
      { ...base, id: 2, firstSeen: d('2026-11-03T10:00:00Z'), status: 'merged', mergedIntoId: 1 },
      { ...base, id: 3, firstSeen: d('2026-11-20T10:00:00Z'), status: 'ignored' },
      // Resolved with no decision kept: closed at its resolution.
      { ...base, id: 4, firstSeen: d('2026-11-04T10:00:00Z'), status: 'resolved', resolvedAt: d('2026-11-12T00:00:00Z') },
    ];
    const decisions = [
      { classId: 1, kind: 'status', value: { status: 'resolved' }, createdAt: d('2026-11-10T00:00:00Z') },
      { classId: 1, kind: 'status', value: { status: 'open', reason: 'regressed' }, createdAt: d('2026-11-18T00:00:00Z') },
      { classId: 1, kind: 'merge', value: { from: [2] }, createdAt: d('2026-11-11T00:00:00Z') },
      { classId: 2, kind: 'merge', value: { into: 1 }, createdAt: d('2026-11-11T00:00:00Z') },
      { classId: 1, kind: 'note', value: { text: 'x' }, createdAt: d('2026-11-12T00:00:00Z') },
    ];
    const spans = classSpans(classes, decisions);
    const at = (iso: string) => countOpenAt(spans, Date.parse(iso));
    expect(at('2026-11-02T00:00:00Z')).toBe(0);
    expect(at('2026-11-09T00:00:00Z')).toBe(3); // 1, 2, 4
    expect(at('2026-11-16T00:00:00Z')).toBe(0); // 1 resolved, 2 merged, 4 resolved
    // 1 regressed; 3 is ignored with no decision kept: closed since its last update only.
    expect(at('2026-11-23T00:00:00Z')).toBe(2);
    expect(at('2026-12-02T00:00:00Z')).toBe(1);
  });

  it('counts a violation open from its first sighting until acknowledged or resolved', () => {
    const spans = violationSpans([
      { firstSeen: d('2026-11-02T00:00:00Z'), status: 'open', resolvedAt: null, acknowledgedAt: null },
      { firstSeen: d('2026-11-02T00:00:00Z'), status: 'resolved', resolvedAt: d('2026-11-12T00:00:00Z'), acknowledgedAt: d('2026-11-05T00:00:00Z') },
      { firstSeen: d('2026-11-10T00:00:00Z'), status: 'acknowledged', resolvedAt: null, acknowledgedAt: d('2026-11-20T00:00:00Z') },
    ]);
    expect([d('2026-11-02T00:00:00Z'), d('2026-11-09T00:00:00Z'), d('2026-11-16T00:00:00Z'), d('2026-11-23T00:00:00Z')].map((x) => countOpenAt(spans, x.getTime())))
      .toEqual([0, 1, 2, 1]);
  });
});

describe('trend formatting', () => {
  it('writes values and changes in their unit; a change that rounds to nothing is ±0', () => {
    expect([formatTrendValue(0.8512, 'percent'), formatTrendValue(1234, 'rollouts'), formatTrendValue(null, 'classes')]).toEqual(['85.1%', '1,234', '–']);
    expect([formatTrendChange(-0.0004, 'percent'), formatTrendChange(0.012, 'percent'), formatTrendChange(-3.26, 'violations')]).toEqual(['±0.0 pt', '+1.2 pt', '−3.3']);
    expect([formatTrendChange(0, 'rollouts'), formatTrendChange(null, 'rollouts')]).toEqual(['±0', '–']);
    expect(formatTrendWeek({ week: '2026-W49', days: 3, inProgress: true })).toBe('2026-W49 (in progress, 3 of 7 days)');
  });
});
