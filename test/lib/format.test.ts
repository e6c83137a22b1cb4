import { describe, expect, it } from 'vitest';
import {
  formatDuration, formatFixTogether, formatGain, formatGainEvidence, formatHiddenEvidence, formatInterval, formatPoints,
} from '../../lib/format';
import type { ClassImpact } from '../../lib/rank/impact';

const impact: ClassImpact = {
  expectedGain: 1.8412, low: 0.93, high: 2.71, blocked: 23.5, blockedRollouts: 26, finished: 1204, laterPass: 0.81,
  laterPassFrom: { cohort: 10, service: 12, chain: 2 }, hiddenBehind: [], withAbove: null,
};

describe('the formatters of the ranking figures', () => {
  it('writes points, intervals and durations for people, and – where there is no figure', () => {
    expect([formatPoints(1.8412), formatPoints(null), formatPoints(undefined), formatPoints(50, 1)]).toEqual(['1.84 pt', '–', '–', '50.0 pt']);
    expect([formatInterval(0.93, 2.71), formatInterval(0.012, 0.4)]).toEqual(['0.9–2.7', '0.01–0.40']);
    expect([0, 999, 45_000, 59_700, 60_000, 720_000, 3_600_000, 11_520_000, 90_000_000, 86_400_000, null].map(formatDuration))
      .toEqual(['0 s', '1 s', '45 s', '1 min', '1 min', '12 min', '1 h', '3 h 12 min', '1 d 1 h', '1 d', '–']);
  });

  it('gives an expected gain with its interval and the counts behind it', () => {
    expect(formatGain(impact)).toBe('1.84 pt (0.9–2.7)');
    expect(formatGain(null)).toBe('–');
    expect(formatGainEvidence(impact)).toBe(
      'blocked 23.5 of 1,204 finished rollouts (26 failed rollouts, counted in part where other classes failed them too); '
      + 'later stages passed ~81% (estimated per cohort for 10, per service for 12, chain-wide for 2)',
    );
    expect(formatGainEvidence({ ...impact, blocked: 2, blockedRollouts: 2, laterPass: null })).toBe('blocked 2 of 1,204 finished rollouts');
  });

  it('says what fixing the top classes together gains against their separate gains', () => {
    expect(formatFixTogether({ k: 3, classIds: [1, 2, 3], gain: 4.1, sumOfGains: 4.52 })).toBe('Fixing the top 3 together: +4.10 pt (their separate gains add up to 4.52 pt: they share rollouts)');
    expect(formatFixTogether({ k: 5, classIds: [], gain: 2, sumOfGains: 2 })).toBe('Fixing the top 5 together: +2.00 pt (their separate gains add up to 2.00 pt)');
    expect(formatFixTogether({ k: 3, classIds: [], gain: 3, sumOfGains: 2 })).toContain(': some rollouts need several of them fixed');
  });

  it('gives the evidence that fixing a class may reveal another', () => {
    const h = { classId: 7, stageKey: 'health-check', rollouts: 12, of: 15, group: 'release web@2.1', groups: 1 };
    expect(formatHiddenEvidence(h)).toBe("12 of the 15 rollouts of release web@2.1 that got past this class's stage then failed with that class at health-check");
    expect(formatHiddenEvidence({ ...h, groups: 3 })).toMatch(/; seen in 3 services or cohorts$/);
  });
});
