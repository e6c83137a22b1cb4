import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { nextState, shouldActivate, shouldDeactivate, thresholdsSchema } from '../../../lib/alerts/hysteresis';
import { DEFAULT_CLASS_THRESHOLDS } from '../../../lib/alerts/config';

const thresholds = fc
  .record({ ad: fc.integer({ min: 1, max: 20 }), aw: fc.integer({ min: 1, max: 60 }), dd: fc.nat(20), dw: fc.nat(60) })
  .map(({ ad, aw, dd, dw }) => ({ activate: { day: ad, week: aw }, deactivate: { day: Math.min(dd, ad), week: Math.min(dw, aw) } }));
const figures = fc.record({ day: fc.nat(30), week: fc.nat(90) });

describe('nextState (hysteresis)', () => {
  it('never both activates and deactivates on the same figures, for valid thresholds', () => {
    fc.assert(fc.property(thresholds, figures, (t, f) => !(shouldActivate(f, t) && shouldDeactivate(f, t))));
  });

  it('holds the state between the thresholds, whatever it was', () => {
    fc.assert(
      fc.property(thresholds, figures, fc.boolean(), (t, f, prev) => {
        fc.pre(!shouldActivate(f, t) && !shouldDeactivate(f, t));
        expect(nextState(prev, f, t)).toEqual({ active: prev, transition: 'held' });
      }),
    );
  });

  it('never flaps: a sequence of figures changes state only on crossing the far threshold', () => {
    fc.assert(
      fc.property(thresholds, fc.array(figures, { maxLength: 60 }), (t, days) => {
        let active = false;
        for (const f of days) {
          const next = nextState(active, f, t);
          if (next.transition === 'activated') expect(shouldActivate(f, t)).toBe(true);
          if (next.transition === 'deactivated') expect(shouldDeactivate(f, t)).toBe(true);
          if (next.active !== active) expect(next.transition).not.toBe('held');
          active = next.active;
        }
      }),
    );
  });

  it('activates on either figure and deactivates only when both are under', () => {
    const t = DEFAULT_CLASS_THRESHOLDS;
    expect(nextState(false, { day: 3, week: 3 }, t).transition).toBe('activated');
    expect(nextState(false, { day: 0, week: 10 }, t).transition).toBe('activated');
    expect(nextState(false, { day: 2, week: 9 }, t).transition).toBe('held');
    expect(nextState(true, { day: 0, week: 3 }, t).transition).toBe('held');
    expect(nextState(true, { day: 1, week: 0 }, t).transition).toBe('held');
    expect(nextState(true, { day: 0, week: 2 }, t)).toEqual({ active: false, transition: 'deactivated' });
  });

  it('rejects deactivation thresholds above activation ones, naming the field', () => {
    const bad = thresholdsSchema.safeParse({ activate: { day: 3, week: 10 }, deactivate: { day: 4, week: 3 } });
    expect(bad.success).toBe(false);
    expect(bad.error?.issues[0]).toMatchObject({ path: ['deactivate', 'day'] });
    expect(thresholdsSchema.safeParse({ activate: { day: 3 }, deactivate: {} }).error?.issues[0]?.path).toEqual(['deactivate', 'day']);
  });
});
