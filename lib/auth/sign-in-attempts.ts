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
 * Deciding and recording happen in one transaction that takes turns with every other attempt on
 * the same account or client address — in this process and in every other web server on the
 * database — so a burst of parallel attempts cannot all read the log before any of them is
 * written. SQLite's transactions take the file's write lock up front (lib/sqlite-adapter.ts);
 * on PostgreSQL the transaction takes an advisory lock per account and per address, always the
 * account's first, so two attempts never wait for each other in a circle.
 */
type Tx = Parameters<Parameters<Db['prisma']['$transaction']>[0]>[0];
const LOCK_SPACE = { account: 1, client: 2 } as const;

async function takeTurn(db: Db, tx: Tx, key: AttemptKey): Promise<void> {
  if (db.kind !== 'postgresql') return;
  for (const [space, value] of [[LOCK_SPACE.account, key.email], [LOCK_SPACE.client, key.client]] as const) {
    await tx.$queryRawUnsafe('SELECT 1 AS taken FROM pg_advisory_xact_lock($1::int4, hashtext($2))', space, value);
  }
}
const lastPruned = new WeakMap<Db, number>();

export type AttemptKey = { email: string; client: string };

/** The key an attempt is logged and throttled by: the trimmed, lower-case e-mail (as accounts are found) and the client. */
export function attemptKey(email: string, client: string): AttemptKey {
  return { email: email.trim().toLowerCase().slice(0, MAX_EMAIL_CHARS), client: client.slice(0, MAX_CLIENT_CHARS) };
}

type Filter = { email: string } | { client: string };

/** The newest `take` attempts under a rule, of the given outcomes. */
async function recentAttempts(tx: Tx, filter: Filter, rule: ThrottleRule, now: Date, take: number, outcomes: SignInOutcome[]): Promise<AttemptRecord[]> {
  const rows = await tx.signInAttempt.findMany({
    where: { ...filter, at: { gt: new Date(now.getTime() - lookbackMs(rule)), lte: now }, outcome: { in: outcomes } },
    orderBy: { at: 'desc' },
    take,
    select: { at: true, outcome: true },
  });
  return rows.map((r) => ({ at: r.at, outcome: r.outcome as SignInOutcome }));
}

async function recordAttempt(tx: Tx, key: AttemptKey, outcome: SignInOutcome, at: Date): Promise<number> {
  const row = await tx.signInAttempt.create({ data: { email: key.email, client: key.client, outcome, at }, select: { id: true } });
  return row.id;
}

/**
 * Lets an attempt check its password, or refuses it. An admitted attempt is recorded at once as
 * failed — so parallel attempts count it — and turned into a success by `recordSignInSuccess`; a
 * refused one is recorded as locked and throws TooManySignInsError. Returns the attempt's id.
 */
export async function admitSignIn(db: Db, key: AttemptKey, now: Date, policy: ThrottlePolicy = SIGN_IN_POLICY): Promise<number> {
  await pruneSignInAttemptsHourly(db, now);
  const admitted = await db.prisma.$transaction(async (tx) => {
    await takeTurn(db, tx, key);
    // The newest lockFailures failures show a current lock (none is admitted after it), the one more
    // row the success that resets an account; locked rows never count.
    const account = await recentAttempts(tx, { email: key.email }, policy.account, now, policy.account.lockFailures + 1, ['failed', 'succeeded']);
    const client = await recentAttempts(tx, { client: key.client }, policy.client, now, policy.client.lockFailures, ['failed']);
    const decision = decideSignIn({ account, client, now, policy });
    return { decision, id: await recordAttempt(tx, key, decision.allowed ? 'failed' : 'locked', now) };
  });
  // Thrown after the commit: the refusal stays in the log.
  const { decision } = admitted;
  if (!decision.allowed) throw new TooManySignInsError(describeRefusal(decision, now), decision.until);
  return admitted.id;
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
