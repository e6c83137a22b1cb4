import type { Db } from '../db';
import { toDbTimestamp } from '../time/day';
import { isHolderGone, newHolderId } from './holder';

/**
 * Locks in the database are leases, so that a job never runs twice at once — also with two
 * scheduler processes on one database — and a crashed holder blocks nobody for long. A lease is
 * short (TTL_MS) and renewed by a heartbeat while its holder works; it is taken over when it has
 * expired (the holder stopped renewing: hung, or on another host) or at once when its holder ran
 * on this host and that process has exited (lib/jobs/holder.ts).
 */
export type Lease = {
  name: string;
  holder: string;
  /** Aborted when the lease is lost: a renewal found another holder, or it expired unrenewed. */
  signal: AbortSignal;
  /** True while the lease is ours: not lost, and the last successful renewal has not run out. */
  held: () => boolean;
  /** Renews now; throws LeaseLostError when the lease is no longer ours. Call it before anything that must not happen twice. */
  confirm: () => Promise<void>;
  /** Stops the heartbeat and deletes the lease (when still ours). */
  release: () => Promise<void>;
};
/** The name existing callers use. */
export type Lock = Lease;

export type LeaseOptions = {
  ttlMs?: number;
  heartbeatMs?: number;
  /** The lease's clock (default: the real one). `now` fixes it at one instant. */
  clock?: () => Date;
  now?: Date;
  holder?: string;
};

export class LeaseLostError extends Error {
  override name = 'LeaseLostError';
  constructor(lockName: string, why: string) {
    super(`lost the lock "${lockName}" (${why}); another process may be running this job now, so this one stops`);
  }
}

// Short, so a holder on another host that died is replaced within a minute; a renewal every
// quarter of it leaves three chances before a slow database (a busy SQLite file) costs the lease.
export const LEASE_TTL_MS = 60_000;
const HEARTBEAT_FRACTION = 4;
// Waiting for a held lock polls with doubling pauses, from a short first look to at most a second.
const WAIT_FIRST_MS = 50;
const WAIT_MAX_MS = 1000;

const clockOf = (opts: LeaseOptions) => opts.clock ?? (opts.now ? () => opts.now! : () => new Date());
const sqlParams = (db: Db) => (db.kind === 'sqlite' ? ['?', '?', '?', '?', '?', '?'] : ['$1', '$2', '$3::timestamp(3)', '$4::timestamp(3)', '$5::timestamp(3)', '$6::timestamp(3)']);

/** Inserts the lease, or takes it over when it has expired: one atomic statement. True when it is ours now. */
async function takeFreeOrExpired(db: Db, name: string, holder: string, at: number, ttlMs: number): Promise<boolean> {
  const p = sqlParams(db);
  await db.prisma.$executeRawUnsafe(
    `INSERT INTO "JobLock" ("name","holder","acquiredAt","expiresAt","heartbeatAt") VALUES (${p[0]},${p[1]},${p[2]},${p[3]},${p[4]})
     ON CONFLICT ("name") DO UPDATE SET "holder" = excluded."holder", "acquiredAt" = excluded."acquiredAt",
       "expiresAt" = excluded."expiresAt", "heartbeatAt" = excluded."heartbeatAt"
     WHERE "JobLock"."expiresAt" < ${p[5]}`,
    name, holder, toDbTimestamp(at), toDbTimestamp(at + ttlMs), toDbTimestamp(at), toDbTimestamp(at),
  );
  const row = await db.prisma.jobLock.findUnique({ where: { name }, select: { holder: true } });
  return row?.holder === holder;
}

/** Takes the lease over from a holder whose process is gone; compare-and-swap on the holder, so only one taker wins. */
async function takeFromGoneHolder(db: Db, name: string, holder: string, at: number, ttlMs: number): Promise<boolean> {
  const row = await db.prisma.jobLock.findUnique({ where: { name }, select: { holder: true } });
  if (!row || !isHolderGone(row.holder)) return false;
  const swapped = await db.prisma.jobLock.updateMany({
    where: { name, holder: row.holder },
    data: { holder, acquiredAt: new Date(at), expiresAt: new Date(at + ttlMs), heartbeatAt: new Date(at) },
  });
  return swapped.count === 1;
}

/** Takes the lease `name` when it is free, expired or its holder is gone; null when a live holder has it. */
export async function acquireLock(db: Db, name: string, opts: LeaseOptions = {}): Promise<Lease | null> {
  const clock = clockOf(opts);
  const ttlMs = opts.ttlMs ?? LEASE_TTL_MS;
  const holder = opts.holder ?? newHolderId();
  const at = clock().getTime();
  const ours = (await takeFreeOrExpired(db, name, holder, at, ttlMs)) || (await takeFromGoneHolder(db, name, holder, at, ttlMs));
  return ours ? startLease(db, { name, holder, ttlMs, clock, heartbeatMs: opts.heartbeatMs ?? ttlMs / HEARTBEAT_FRACTION, expiresAt: at + ttlMs }) : null;
}

// The leases this process holds now, so that a process stopping (SIGTERM) hands them back at once.
// Kept on globalThis under a registered symbol: the web server's Next bundle loads its own copy of
// this module, and the server process (jobs/web-server.ts) must see the leases that copy took.
const LIVE_KEY = Symbol.for('rollscope.jobs.liveLeases');
const registry = globalThis as { [LIVE_KEY]?: Set<Lease> };
const live: Set<Lease> = (registry[LIVE_KEY] ??= new Set<Lease>());

/** Releases every lease this process still holds (a stopping process: the next holder need not wait for expiry). */
export async function releaseHeldLeases(): Promise<number> {
  const held = [...live];
  await Promise.all(held.map((lease) => lease.release().catch(() => undefined)));
  return held.length;
}

function startLease(db: Db, l: { name: string; holder: string; ttlMs: number; heartbeatMs: number; clock: () => Date; expiresAt: number }): Lease {
  const lost = new AbortController();
  let expiresAt = l.expiresAt;
  const lose = (why: string) => lost.signal.aborted || lost.abort(new LeaseLostError(l.name, why));
  const held = () => {
    if (!lost.signal.aborted && l.clock().getTime() >= expiresAt) lose('it expired before it could be renewed');
    return !lost.signal.aborted;
  };
  const renew = async () => {
    if (!held()) return;
    const at = l.clock().getTime();
    const renewed = await db.prisma.jobLock.updateMany({ where: { name: l.name, holder: l.holder }, data: { expiresAt: new Date(at + l.ttlMs), heartbeatAt: new Date(at) } });
    if (renewed.count === 0) lose('another process took it over');
    else expiresAt = Math.max(expiresAt, at + l.ttlMs);
  };
  // A failed renewal (database busy or away) is tried again on the next beat; held() turns false once the lease runs out.
  const timer = setInterval(() => void renew().catch(() => held()), l.heartbeatMs);
  timer.unref();
  const lease: Lease = {
    name: l.name,
    holder: l.holder,
    signal: lost.signal,
    held,
    confirm: async () => {
      await renew();
      if (!held()) throw lost.signal.reason as LeaseLostError;
    },
    release: async () => {
      clearInterval(timer);
      live.delete(lease);
      lose('released');
      await db.prisma.jobLock.deleteMany({ where: { name: l.name, holder: l.holder } });
    },
  };
  live.add(lease);
  return lease;
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** acquireLock, waiting up to `waitMs` (polling with backoff) while a live holder has the lease. */
async function acquireWaiting(db: Db, name: string, opts: LeaseOptions & { waitMs?: number }): Promise<Lease | null> {
  const deadline = performance.now() + (opts.waitMs ?? 0);
  for (let delay = WAIT_FIRST_MS; ; delay = Math.min(delay * 2, WAIT_MAX_MS)) {
    const lease = await acquireLock(db, name, opts);
    const left = deadline - performance.now();
    if (lease || left <= 0) return lease;
    await pause(Math.min(delay, left));
  }
}

/**
 * Runs `work` under the lease `name`, renewed while it runs, released after. Returns null without
 * running it when a live holder has the lease (after waiting up to `waitMs`, default 0). `work`
 * gets the lease: check `lease.held()` or `await lease.confirm()` before a step that must not run
 * twice, or pass `lease.signal` on; `lost` says whether the lease was lost while it ran.
 */
export async function withLock<T>(db: Db, name: string, work: (lease: Lease) => Promise<T>, opts: LeaseOptions & { waitMs?: number } = {}): Promise<{ result: T; lost: boolean } | null> {
  const lease = await acquireWaiting(db, name, opts);
  if (!lease) return null;
  try {
    const result = await work(lease);
    return { result, lost: !lease.held() };
  } finally {
    await lease.release();
  }
}

/** Whether a live holder has the lease `name` now: present, not expired, and its process not known to be gone. */
export async function isLockHeld(db: Db, name: string, now: Date = new Date()): Promise<boolean> {
  const row = await db.prisma.jobLock.findUnique({ where: { name } });
  return !!row && row.expiresAt.getTime() > now.getTime() && !isHolderGone(row.holder);
}
