import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decideSignIn, describeRefusal, formatWait, SIGN_IN_POLICY, type AttemptRecord, type SignInOutcome } from '../../../lib/auth/throttle';

const NOW = new Date('2026-12-01T12:00:00Z');
const ago = (seconds: number) => new Date(NOW.getTime() - seconds * 1000);
/** Attempts `seconds` ago, oldest first: [[30, 'failed'], [10, 'succeeded']]. */
const history = (...entries: [number, SignInOutcome][]): AttemptRecord[] => entries.map(([s, outcome]) => ({ at: ago(s), outcome }));
const failures = (count: number, lastSecondsAgo: number, spacing = 1) => history(...Array.from({ length: count }, (_, i): [number, SignInOutcome] => [lastSecondsAgo + (count - 1 - i) * spacing, 'failed']));

describe('decideSignIn (the default policy)', () => {
  it.each([
    // [case, account attempts, client attempts, expected]
    ['a first attempt', [], [], { allowed: true }],
    ['2 failures', failures(2, 0), [], { allowed: true }],
    ['3 failures, the last 1 s ago: wait 2 s', failures(3, 1), [], { allowed: false, scope: 'account', lockout: false, until: ago(-1) }],
    ['3 failures, the last 2 s ago: allowed', failures(3, 2), [], { allowed: true }],
    ['4 failures: 4 s', failures(4, 0), [], { allowed: false, scope: 'account', lockout: false, until: ago(-4) }],
    ['7 failures: capped at 30 s', failures(7, 0), [], { allowed: false, scope: 'account', lockout: false, until: ago(-30) }],
    ['9 failures, 31 s later: allowed', failures(9, 31), [], { allowed: true }],
    ['10 failures: locked 15 minutes after the last', failures(10, 60), [], { allowed: false, scope: 'account', lockout: true, until: ago(60 - 900) }],
    ['10 failures, the last 15 minutes ago: the lock is over', failures(10, 900), [], { allowed: true }],
    ['10 failures over 5 minutes: the lock lasts 15 minutes from the 10th, though the 1st left the window', failures(10, 800, 30), [], { allowed: false, scope: 'account', lockout: true, until: ago(800 - 900) }],
    ['after a lock, a fresh start', [...failures(10, 1000, 10), ...history([5, 'failed'])], [], { allowed: true }],
    ['a success resets the account', [...failures(9, 100), ...history([50, 'succeeded'], [1, 'failed'])], [], { allowed: true }],
    ['locked attempts do not count', [...failures(2, 5), ...history([1, 'locked'], [0, 'locked'])], [], { allowed: true }],
    ['failures older than 15 minutes do not count', failures(9, 901), [], { allowed: true }],
    ['19 client failures', [], failures(19, 0), { allowed: true }],
    ['20 client failures: wait 2 s', [], failures(20, 0), { allowed: false, scope: 'client', lockout: false, until: ago(-2) }],
    ['50 client failures: client locked', [], failures(50, 10), { allowed: false, scope: 'client', lockout: true, until: ago(10 - 900) }],
    ['a success does not reset the client', [], [...failures(50, 10), ...history([5, 'succeeded'])], { allowed: false, scope: 'client', lockout: true, until: ago(10 - 900) }],
    ['both limited: the later one answers', failures(4, 0), failures(50, 10), { allowed: false, scope: 'client', lockout: true, until: ago(10 - 900) }],
  ] as const)('%s', (_, account, client, expected) => {
    expect(decideSignIn({ account: [...account], client: [...client], now: NOW })).toEqual(expected);
  });

  it('never lets more than 10 failures of one account through in any 15 minutes, however attempts are timed', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 120_000 }), { minLength: 1, maxLength: 80 }), (gaps) => {
        // An attacker tries at the given gaps (ms); every admitted attempt fails.
        const log: AttemptRecord[] = [];
        let t = NOW.getTime();
        for (const gap of gaps) {
          t += gap;
          const now = new Date(t);
          const admitted = decideSignIn({ account: log, client: [], now }).allowed;
          log.push({ at: now, outcome: admitted ? 'failed' : 'locked' });
          const window = log.filter((a) => a.outcome === 'failed' && a.at.getTime() > t - SIGN_IN_POLICY.account.windowMs);
          expect(window.length).toBeLessThanOrEqual(SIGN_IN_POLICY.account.lockFailures);
        }
      }),
    );
  });
});

describe('the refusal message', () => {
  it('says who is limited and when to try again, rounding up', () => {
    const lock = { allowed: false, scope: 'account', lockout: true, until: ago(-900) } as const;
    expect(describeRefusal(lock, NOW)).toBe('Too many failed sign-ins for this account: sign-in is locked. Try again in 15 minutes.');
    expect(describeRefusal({ ...lock, scope: 'client', lockout: false, until: ago(-1.2) }, NOW)).toBe('Too many failed sign-ins from your network address: please wait. Try again in 2 seconds.');
    expect([formatWait(1), formatWait(1000), formatWait(59_001), formatWait(61_000)]).toEqual(['1 second', '1 second', '1 minute', '2 minutes']);
  });
});
