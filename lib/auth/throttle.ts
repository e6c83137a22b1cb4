import { HttpError } from '../errors';

/**
 * Sign-in throttling, decided from the recent attempts of the account (the e-mail as typed, known
 * or not) and of the client address: plain data in, a decision out. Only failures count; a refused
 * ("locked") attempt checks no password, so it adds nothing, and hammering a lock does not extend it.
 */
export type SignInOutcome = 'succeeded' | 'failed' | 'locked';
export type AttemptRecord = { at: Date; outcome: SignInOutcome };

export type ThrottleRule = {
  /** Failures within the window that cost nothing. */
  freeFailures: number;
  /** Wait after the last failure once freeFailures is reached; doubles with each further failure. */
  baseDelayMs: number;
  maxDelayMs: number;
  /** Failures within windowMs that lock sign-in for lockMs after the last of them. */
  lockFailures: number;
  windowMs: number;
  /** At least windowMs, so that when a lock ends every failure behind it has left the window: a fresh start. */
  lockMs: number;
  /** A success forgives earlier failures (per account; a client could reset itself with an account of its own). */
  resetOnSuccess: boolean;
};
export type ThrottlePolicy = { account: ThrottleRule; client: ThrottleRule };

export type ThrottleScope = keyof ThrottlePolicy;
export type ThrottleDecision = { allowed: true } | { allowed: false; scope: ThrottleScope; lockout: boolean; until: Date };

const MINUTE = 60_000;
/** The README's "Signing in" part describes these numbers; change both together. */
export const SIGN_IN_POLICY: ThrottlePolicy = {
  account: { freeFailures: 3, lockFailures: 10, baseDelayMs: 2_000, maxDelayMs: 30_000, windowMs: 15 * MINUTE, lockMs: 15 * MINUTE, resetOnSuccess: true },
  client: { freeFailures: 20, lockFailures: 50, baseDelayMs: 2_000, maxDelayMs: 30_000, windowMs: 15 * MINUTE, lockMs: 15 * MINUTE, resetOnSuccess: false },
};

/** How far back attempts matter under a rule: a lock can start a window before it and last lockMs. */
export function lookbackMs(rule: ThrottleRule): number {
  return rule.windowMs + rule.lockMs;
}

/** The failure times that matter under a rule at `now`, oldest first: since the last success when it resets. */
function relevantFailures(attempts: readonly AttemptRecord[], rule: ThrottleRule, now: Date): number[] {
  const since = now.getTime() - lookbackMs(rule);
  const recent = attempts.filter((a) => a.at.getTime() > since && a.at <= now).sort((a, b) => a.at.getTime() - b.at.getTime());
  const lastSuccess = rule.resetOnSuccess ? recent.findLastIndex((a) => a.outcome === 'succeeded') : -1;
  return recent.slice(lastSuccess + 1).flatMap((a) => (a.outcome === 'failed' ? [a.at.getTime()] : []));
}

/** The end of the latest lock: lockMs after a failure that made lockFailures within windowMs (oldest-first times). */
function lockEnd(failures: number[], rule: ThrottleRule): number | null {
  let end: number | null = null;
  for (let j = 0, i = 0; j < failures.length; j += 1) {
    while (failures[i]! <= failures[j]! - rule.windowMs) i += 1;
    if (j - i + 1 >= rule.lockFailures) end = failures[j]! + rule.lockMs;
  }
  return end;
}

/** Until when one rule refuses attempts, or null when it allows one now. */
function blockedUntil(attempts: readonly AttemptRecord[], rule: ThrottleRule, now: Date): { until: Date; lockout: boolean } | null {
  const failures = relevantFailures(attempts, rule, now);
  const lockedUntil = lockEnd(failures, rule);
  const inWindow = failures.filter((at) => at > now.getTime() - rule.windowMs);
  const n = inWindow.length;
  if (lockedUntil !== null && lockedUntil > now.getTime()) return { until: new Date(lockedUntil), lockout: true };
  if (n < rule.freeFailures) return null;
  const until = inWindow.at(-1)! + Math.min(rule.maxDelayMs, rule.baseDelayMs * 2 ** (n - rule.freeFailures));
  return until > now.getTime() ? { until: new Date(until), lockout: false } : null;
}

export type ThrottleInput = { account: readonly AttemptRecord[]; client: readonly AttemptRecord[]; now: Date; policy?: ThrottlePolicy };

/** Whether an attempt may check its password now; when not, which limit refuses it and until when. */
export function decideSignIn(input: ThrottleInput): ThrottleDecision {
  const policy = input.policy ?? SIGN_IN_POLICY;
  const blocks = (['account', 'client'] as const).flatMap((scope) => {
    const block = blockedUntil(input[scope], policy[scope], input.now);
    return block ? [{ scope, ...block }] : [];
  });
  if (blocks.length === 0) return { allowed: true };
  const latest = blocks.reduce((a, b) => (b.until > a.until ? b : a));
  return { allowed: false, ...latest };
}

/** "3 seconds", "15 minutes": how long a person has to wait, rounded up. */
export function formatWait(ms: number): string {
  const s = Math.max(1, Math.ceil(ms / 1000));
  if (s < 60) return `${s} second${s === 1 ? '' : 's'}`;
  const m = Math.ceil(ms / 60_000);
  return `${m} minute${m === 1 ? '' : 's'}`;
}

/** The answer to a refused attempt; the same for known and unknown e-mails. */
export function describeRefusal(decision: Extract<ThrottleDecision, { allowed: false }>, now: Date): string {
  const from = decision.scope === 'account' ? 'for this account' : 'from your network address';
  const what = decision.lockout ? 'sign-in is locked' : 'please wait';
  return `Too many failed sign-ins ${from}: ${what}. Try again in ${formatWait(decision.until.getTime() - now.getTime())}.`;
}

/** A refused sign-in (429): the form shows the message and when to try again. */
export class TooManySignInsError extends HttpError {
  constructor(message: string, readonly retryAt: Date) {
    super(429, message);
  }
}
