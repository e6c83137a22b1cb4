import { randomUUID } from 'node:crypto';
import type { Db } from '../db';
import { toDbTimestamp } from '../time/day';

/**
 * A lock in the database, so that a job never runs twice at once — also with two scheduler
 * processes on one database. Taking it is one atomic statement: insert the lock, or take it over
 * only when it has expired (a holder that crashed).
 */
export type Lock = { name: string; holder: string; release: () => Promise<void> };

const DEFAULT_TTL_MS = 60 * 60 * 1000;

export async function acquireLock(db: Db, name: string, opts: { ttlMs?: number; now?: Date; holder?: string } = {}): Promise<Lock | null> {
  const now = (opts.now ?? new Date()).getTime();
  const holder = opts.holder ?? `${process.pid}-${randomUUID()}`;
  const at = toDbTimestamp(now);
  const expires = toDbTimestamp(now + (opts.ttlMs ?? DEFAULT_TTL_MS));
  const p = db.kind === 'sqlite' ? ['?', '?', '?', '?', '?'] : ['$1', '$2', '$3::timestamp(3)', '$4::timestamp(3)', '$5::timestamp(3)'];
  await db.prisma.$executeRawUnsafe(
    `INSERT INTO "JobLock" ("name","holder","acquiredAt","expiresAt") VALUES (${p[0]},${p[1]},${p[2]},${p[3]})
     ON CONFLICT ("name") DO UPDATE SET "holder" = excluded."holder", "acquiredAt" = excluded."acquiredAt", "expiresAt" = excluded."expiresAt"
     WHERE "JobLock"."expiresAt" < ${p[4]}`,
    name, holder, at, expires, at,
  );
  const row = await db.prisma.jobLock.findUnique({ where: { name } });
  if (row?.holder !== holder) return null;
  return { name, holder, release: async () => void (await db.prisma.jobLock.deleteMany({ where: { name, holder } })) };
}

/** Runs `work` under the lock; returns null (without running it) when another holder has the lock. */
export async function withLock<T>(db: Db, name: string, work: () => Promise<T>, opts: { ttlMs?: number; now?: Date } = {}): Promise<{ result: T } | null> {
  const lock = await acquireLock(db, name, opts);
  if (!lock) return null;
  try {
    return { result: await work() };
  } finally {
    await lock.release();
  }
}
