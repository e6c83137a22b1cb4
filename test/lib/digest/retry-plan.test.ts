import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { backoffDelayMs, RETRY_BACKOFF } from '../../../lib/jobs/backoff';
import { computeDigestWeekState, isRetryDue, planNextAttempt, type DigestRunFacts } from '../../../lib/digest/retry-plan';

const MIN = 60_000;
const due = new Date('2026-11-20T16:00:00Z');
const at = (minutes: number) => new Date(due.getTime() + minutes * MIN);
const run = (over: Partial<DigestRunFacts>): DigestRunFacts => ({ id: 1, week: '2026-W47', trigger: 'schedule', status: 'partial', startedAt: due, finishedAt: at(1), nextAttemptAt: at(6), retryUntil: at(24 * 60), error: null, ...over });

describe('retry backoff', () => {
  it('waits 5, 10, 20, 40, 80 minutes, then every 2 hours', () => {
    expect([1, 2, 3, 4, 5, 6, 7, 30].map((n) => backoffDelayMs(n) / MIN)).toEqual([5, 10, 20, 40, 80, 120, 120, 120]);
    expect(backoffDelayMs(0)).toBe(0);
  });

  it('never shrinks as failures grow and never exceeds its cap', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 10_000 }), fc.integer({ min: 1, max: 3_600_000 }), fc.integer({ min: 1, max: 100_000_000 }), (n, baseMs, extra) => {
        const b = { baseMs, maxMs: baseMs + extra };
        expect(backoffDelayMs(n + 1, b)).toBeGreaterThanOrEqual(backoffDelayMs(n, b));
        expect(backoffDelayMs(n, b)).toBeLessThanOrEqual(b.maxMs);
        expect(backoffDelayMs(n, b)).toBeGreaterThanOrEqual(baseMs);
      }),
    );
  });
});

describe('where a week\'s digest stands', () => {
  it('is complete only after a run that delivered everything', () => {
    expect(computeDigestWeekState(null, { now: at(0), leaseLive: false })).toEqual({ state: 'not-run' });
    expect(computeDigestWeekState(run({ status: 'succeeded', nextAttemptAt: null }), { now: at(2), leaseLive: false }).state).toBe('complete');
    expect(computeDigestWeekState(run({ status: 'partial' }), { now: at(2), leaseLive: false }).state).toBe('retrying');
    expect(computeDigestWeekState(run({ status: 'failed' }), { now: at(2), leaseLive: false }).state).toBe('retrying');
  });

  it('a partial or failed run is due at its next attempt, not before', () => {
    const state = computeDigestWeekState(run({}), { now: at(5), leaseLive: false });
    expect(isRetryDue(state, at(5))).toBe(false);
    expect(isRetryDue(state, at(6))).toBe(true);
  });

  it('a run still "running" is left alone while its lease lives, and retried at once when it does not (its process died)', () => {
    const running = run({ status: 'running', finishedAt: null, nextAttemptAt: null });
    expect(computeDigestWeekState(running, { now: at(3), leaseLive: true }).state).toBe('running');
    const dead = computeDigestWeekState(running, { now: at(3), leaseLive: false });
    expect(dead).toMatchObject({ state: 'retrying', interrupted: true, nextAttemptAt: at(3) });
    expect(isRetryDue(dead, at(3))).toBe(true);
  });

  it('gives up once the deadline has passed, or when no next attempt fits before it', () => {
    expect(computeDigestWeekState(run({}), { now: at(24 * 60 + 1), leaseLive: false })).toMatchObject({ state: 'gave-up', retryUntil: at(24 * 60) });
    expect(computeDigestWeekState(run({ status: 'running' }), { now: at(24 * 60 + 1), leaseLive: false }).state).toBe('gave-up');
    expect(computeDigestWeekState(run({ nextAttemptAt: null }), { now: at(10), leaseLive: false }).state).toBe('gave-up');
    expect(computeDigestWeekState(run({ retryUntil: null }), { now: at(10), leaseLive: false }).state).toBe('gave-up');
  });

  it('plans each next attempt after the backoff, and none after the deadline', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 3 * 24 * 60 }), fc.integer({ min: 1, max: 40 }), fc.integer({ min: 1, max: 48 * 60 }), (endMin, failures, deadlineMin) => {
        const next = planNextAttempt({ finishedAt: at(endMin), failures, retryUntil: at(deadlineMin) });
        const wanted = at(endMin).getTime() + backoffDelayMs(failures, RETRY_BACKOFF);
        if (wanted <= at(deadlineMin).getTime()) expect(next).toEqual(new Date(wanted));
        else expect(next).toBeNull();
      }),
    );
  });
});
