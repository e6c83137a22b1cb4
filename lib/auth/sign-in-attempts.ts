import { Mutex } from 'async-mutex';
import type { Db } from '../db';
import {
  decideSignIn, describeRefusal, lookbackMs, SIGN_IN_POLICY, TooManySignInsError, type AttemptRecord, type SignInOutcome, type ThrottlePolicy, type ThrottleRule,
} from './throttle';

/**
 * The sign-in log (SignInAttempt): every attempt, succeeded, failed or locked, by e-mail and client
 * address; read back to throttle, pruned after RETENTION_DAYS.
 */
const RETENTION_DAYS = 30;
// Pruning is one indexed delete; once an hour per process is plenty to keep the table bounded.
const PRUNE_EVERY_MS = 3_600_000;
const MAX_EMAIL_CHARS = 320;
const MAX_CLIENT_CHARS = 64;

/**
 * Deciding and recording happen under one lock, so a burst of parallel attempts cannot all read the
 * log before any of them is written. One web server process serves the dashboard; several would each
 * need this lock in the database instead.
 */
const admission = new Mutex();
const lastPruned = new WeakMap<Db, number>();

export type AttemptKey = { email: string; client: string };

/** The key an attempt is logged and throttled by: the trimmed, lower-case e-mail (as accounts are found) and the client. */
export function attemptKey(email: string, client: string): AttemptKey {
  return { email: email.trim().toLowerCase().slice(0, MAX_EMAIL_CHARS), client: client.slice(0, MAX_CLIENT_CHARS) };
}

type Filter = { email: string } | { client: string };

/** The newest `take` attempts under a rule, of the given outcomes. */
async function recentAttempts(db: Db, filter: Filter, rule: ThrottleRule, now: Date, take: number, outcomes: SignInOutcome[]): Promise<AttemptRecord[]> {
  const rows = await db.prisma.signInAttempt.findMany({
    where: { ...filter, at: { gt: new Date(now.getTime() - lookbackMs(rule)), lte: now }, outcome: { in: outcomes } },
    orderBy: { at: 'desc' },
    take,
    select: { at: true, outcome: true },
  });
  return rows.map((r) => ({ at: r.at, outcome: r.outcome as SignInOutcome }));
}

async function recordAttempt(db: Db, key: AttemptKey, outcome: SignInOutcome, at: Date): Promise<number> {
  const row = await db.prisma.signInAttempt.create({ data: { email: key.email, client: key.client, outcome, at }, select: { id: true } });
  return row.id;
}

/**
 * Lets an attempt check its password, or refuses it. An admitted attempt is recorded at once as
 * failed — so parallel attempts count it — and turned into a success by `recordSignInSuccess`; a
 * refused one is recorded as locked and throws TooManySignInsError. Returns the attempt's id.
 */
export async function admitSignIn(db: Db, key: AttemptKey, now: Date, policy: ThrottlePolicy = SIGN_IN_POLICY): Promise<number> {
  await pruneSignInAttemptsHourly(db, now);
  return admission.runExclusive(async () => {
    const [account, client] = await Promise.all([
      // The newest lockFailures failures show a current lock (none is admitted after it), the one more
      // row the success that resets an account; locked rows never count.
      recentAttempts(db, { email: key.email }, policy.account, now, policy.account.lockFailures + 1, ['failed', 'succeeded']),
      recentAttempts(db, { client: key.client }, policy.client, now, policy.client.lockFailures, ['failed']),
    ]);
    const decision = decideSignIn({ account, client, now, policy });
    if (decision.allowed) return recordAttempt(db, key, 'failed', now);
    await recordAttempt(db, key, 'locked', now);
    throw new TooManySignInsError(describeRefusal(decision, now), decision.until);
  });
}

export async function recordSignInSuccess(db: Db, attemptId: number): Promise<void> {
  await db.prisma.signInAttempt.update({ where: { id: attemptId }, data: { outcome: 'succeeded' } });
}

/** Deletes attempts older than `days`; returns how many. */
export async function pruneSignInAttempts(db: Db, now: Date, days = RETENTION_DAYS): Promise<number> {
  const { count } = await db.prisma.signInAttempt.deleteMany({ where: { at: { lt: new Date(now.getTime() - days * 86_400_000) } } });
  return count;
}

async function pruneSignInAttemptsHourly(db: Db, now: Date): Promise<void> {
  const last = lastPruned.get(db);
  if (last !== undefined && Math.abs(now.getTime() - last) < PRUNE_EVERY_MS) return;
  lastPruned.set(db, now.getTime());
  await pruneSignInAttempts(db, now);
}
