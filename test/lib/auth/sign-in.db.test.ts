import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { countDerivations } from '../../../lib/auth/passwords';
import { signIn } from '../../../lib/auth/sessions';
import { pruneSignInAttempts } from '../../../lib/auth/sign-in-attempts';
import { TooManySignInsError } from '../../../lib/auth/throttle';
import { createUser } from '../../../lib/auth/users';
import { ValidationError } from '../../../lib/errors';
import { createTestDb, EXPECTED_KIND, type TestDb } from '../../helpers/db';

const PASSWORD = 'the right password';
let t: TestDb;

beforeAll(async () => {
  t = await createTestDb({ chain: false });
});
afterAll(async () => t?.close());

// Each test has its own day, e-mails and client, so their attempts never meet in one window.
const day = (n: number, seconds = 0) => new Date(Date.UTC(2026, 11, n, 9, 0, seconds));

type Answer = 'signed in' | 'wrong' | 'refused';
async function attempt(email: string, password: string, client: string, now: Date): Promise<{ answer: Answer; error?: Error; derivations: number }> {
  const before = countDerivations();
  try {
    await signIn(t.db, { email, password, client, now });
    return { answer: 'signed in', derivations: countDerivations() - before };
  } catch (error) {
    if (error instanceof TooManySignInsError) return { answer: 'refused', error, derivations: countDerivations() - before };
    if (error instanceof ValidationError) return { answer: 'wrong', error, derivations: countDerivations() - before };
    throw error;
  }
}

const outcomes = async (where: { email?: string; client?: string }) =>
  (await t.db.prisma.signInAttempt.findMany({ where, orderBy: { id: 'asc' } })).map((a) => a.outcome);

describe('sign-in throttling', () => {
  it(`locks an account after 10 failures, refuses even the right password, and lets it in when the lock ends (${EXPECTED_KIND})`, async () => {
    await createUser(t.db, { email: 'lock@example.com', name: 'Lock', role: 'viewer', password: PASSWORD });
    let now = day(1);
    for (let i = 0; i < 10; i += 1) {
      expect((await attempt('lock@example.com', 'guess', '10.0.1.1', now)).answer).toBe('wrong');
      now = new Date(now.getTime() + 31_000); // past the longest delay
    }
    const lastFailure = new Date(now.getTime() - 31_000);
    const locked = await attempt('LOCK@example.com', PASSWORD, '10.0.1.1', now);
    expect(locked).toMatchObject({ answer: 'refused', derivations: 0 });
    expect(locked.error!.message).toBe('Too many failed sign-ins for this account: sign-in is locked. Try again in 15 minutes.');
    expect((locked.error as TooManySignInsError).retryAt).toEqual(new Date(lastFailure.getTime() + 15 * 60_000));
    // From another address too: the lock is the account's.
    expect((await attempt('lock@example.com', PASSWORD, '10.0.1.2', new Date(lastFailure.getTime() + 15 * 60_000 - 1))).answer).toBe('refused');
    expect((await attempt('lock@example.com', PASSWORD, '10.0.1.1', new Date(lastFailure.getTime() + 15 * 60_000))).answer).toBe('signed in');
    expect(await outcomes({ email: 'lock@example.com' })).toEqual([...Array(10).fill('failed'), 'locked', 'locked', 'succeeded']);
  });

  it(`makes each attempt after the third failure wait longer, and a success resets the count (${EXPECTED_KIND})`, async () => {
    await createUser(t.db, { email: 'slow@example.com', name: 'Slow', role: 'viewer', password: PASSWORD });
    const at = (s: number) => day(2, s);
    for (const s of [0, 1, 2]) expect((await attempt('slow@example.com', 'guess', '10.0.2.1', at(s))).answer).toBe('wrong');
    const early = await attempt('slow@example.com', PASSWORD, '10.0.2.1', at(3));
    expect(early).toMatchObject({ answer: 'refused', derivations: 0 });
    expect(early.error!.message).toBe('Too many failed sign-ins for this account: please wait. Try again in 1 second.');
    expect((await attempt('slow@example.com', 'guess', '10.0.2.1', at(4))).answer).toBe('wrong'); // 2 s after the 3rd
    expect((early.error as TooManySignInsError).retryAt).toEqual(at(4));
    expect((await attempt('slow@example.com', 'guess', '10.0.2.1', at(7))).answer).toBe('refused'); // 4 s after the 4th
    expect((await attempt('slow@example.com', PASSWORD, '10.0.2.1', at(8))).answer).toBe('signed in');
    expect((await attempt('slow@example.com', 'guess', '10.0.2.1', at(8))).answer).toBe('wrong');
    expect((await attempt('slow@example.com', 'guess', '10.0.2.1', at(8))).answer).toBe('wrong');
    expect(await outcomes({ email: 'slow@example.com' })).toEqual(['failed', 'failed', 'failed', 'locked', 'failed', 'locked', 'succeeded', 'failed', 'failed']);
  });

  it(`admits no more of a parallel burst than the limits allow (${EXPECTED_KIND})`, async () => {
    await createUser(t.db, { email: 'burst@example.com', name: 'Burst', role: 'viewer', password: PASSWORD });
    const now = day(3);
    const before = countDerivations();
    const answers = await Promise.all(Array.from({ length: 20 }, () => attempt('burst@example.com', 'guess', '10.0.3.1', now)));
    expect(answers.filter((a) => a.answer === 'wrong')).toHaveLength(3);
    expect(answers.filter((a) => a.answer === 'refused')).toHaveLength(17);
    expect(countDerivations() - before).toBe(3);
  });

  it(`limits one client address across accounts, and not other addresses (${EXPECTED_KIND})`, async () => {
    for (let i = 0; i < 20; i += 1) expect((await attempt(`spray-${i}@example.com`, 'Winter2026!', '198.51.100.4', day(4, i))).answer).toBe('wrong');
    const refused = await attempt('spray-20@example.com', 'Winter2026!', '198.51.100.4', day(4, 20));
    expect(refused.error?.message).toBe('Too many failed sign-ins from your network address: please wait. Try again in 1 second.');
    expect((await attempt('spray-20@example.com', 'Winter2026!', '198.51.100.5', day(4, 20))).answer).toBe('wrong');
    expect(await outcomes({ client: '198.51.100.4' })).toEqual([...Array(20).fill('failed'), 'locked']);
  });
});

describe('equal work for unknown accounts', () => {
  it(`runs one scrypt verification and gives one answer for known, unknown, disabled and password-less accounts (${EXPECTED_KIND})`, async () => {
    await createUser(t.db, { email: 'known@example.com', name: 'Known', role: 'viewer', password: PASSWORD });
    await createUser(t.db, { email: 'disabled@example.com', name: 'Off', role: 'viewer', password: PASSWORD });
    await t.db.prisma.user.update({ where: { email: 'disabled@example.com' }, data: { disabledAt: day(5) } });
    await createUser(t.db, { email: 'sso@example.com', name: 'SSO', role: 'viewer', password: null });
    await attempt('warm-up@example.com', 'x', '10.0.5.9', day(5)); // the dummy hash is made once per process
    const cases = ['known@example.com', 'nobody@example.com', 'disabled@example.com', 'sso@example.com'];
    const answers = [];
    for (const [i, email] of cases.entries()) answers.push(await attempt(email, i === 2 ? PASSWORD : 'wrong guess', `10.0.5.${i}`, day(5, i)));
    expect(answers.map((a) => [a.answer, a.error?.message, a.derivations])).toEqual(cases.map(() => ['wrong', 'wrong e-mail or password', 1]));
  });

  it(`answers an unknown e-mail about as fast as a known one (${EXPECTED_KIND})`, async () => {
    await createUser(t.db, { email: 'timed@example.com', name: 'Timed', role: 'viewer', password: PASSWORD });
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
    const known: number[] = [];
    const unknown: number[] = [];
    for (let i = 0; i < 9; i += 1) {
      // Hours apart, so no delay applies; alternating, so machine noise hits both alike.
      for (const [email, times] of [['timed@example.com', known], [`ghost-${i}@example.com`, unknown]] as const) {
        const start = performance.now();
        expect((await attempt(email, 'wrong guess', '10.0.6.1', new Date(day(6).getTime() + (i * 2 + times.length) * 3_600_000))).answer).toBe('wrong');
        times.push(performance.now() - start);
      }
    }
    const ratio = median(known) / median(unknown);
    console.log(`sign-in medians (${EXPECTED_KIND}): known ${median(known).toFixed(1)} ms, unknown ${median(unknown).toFixed(1)} ms, ratio ${ratio.toFixed(2)}`);
    expect(ratio).toBeGreaterThan(0.5);
    expect(ratio).toBeLessThan(2);
  });
});

describe('the sign-in log', () => {
  it(`keeps the normalised e-mail and client of every attempt, and prunes those older than 30 days (${EXPECTED_KIND})`, async () => {
    await attempt('  Mixed.Case@Example.COM ', 'x', '203.0.113.77', day(7));
    expect(await t.db.prisma.signInAttempt.findFirst({ where: { client: '203.0.113.77' } })).toMatchObject({ email: 'mixed.case@example.com', outcome: 'failed', at: day(7) });
    const before = await t.db.prisma.signInAttempt.count();
    // A sign-in more than an hour after the last prune prunes again: here 31 days later, everything goes.
    await attempt('later@example.com', 'x', '203.0.113.78', new Date(day(7).getTime() + 31 * 86_400_000));
    expect(await t.db.prisma.signInAttempt.count()).toBe(1);
    expect(before).toBeGreaterThan(50);
    expect(await pruneSignInAttempts(t.db, new Date(day(7).getTime() + 62 * 86_400_000))).toBe(1);
  });
});
