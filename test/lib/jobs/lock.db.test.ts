import { spawn } from 'node:child_process';
import fc from 'fast-check';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { newHolderId, parseHolderId } from '../../../lib/jobs/holder';
import { acquireLock, isLockHeld, LeaseLostError, releaseHeldLeases, withLock, type Lease } from '../../../lib/jobs/lock';
import { createTestDb, EXPECTED_KIND, type TestDb } from '../../helpers/db';

let t: TestDb;
beforeAll(async () => {
  t = await createTestDb({ chain: false });
});
afterAll(() => t.close());
beforeEach(async () => {
  await t.db.prisma.jobLock.deleteMany();
});

const HOST = parseHolderId(newHolderId())!.host;
const T0 = new Date('2026-11-20T16:00:00.000Z');
const at = (seconds: number) => new Date(T0.getTime() + seconds * 1000);
// Timers must not renew behind the test's back where it drives the clock itself.
const NO_BEAT = 3_600_000;

/** A node process that stays up until killed, and a way to wait for it to be gone (reaped). */
function liveProcess() {
  const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
  const gone = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return { pid: child.pid!, kill: async () => (child.kill('SIGKILL'), gone) };
}

async function plantLease(holder: string, expiresAt: Date) {
  await t.db.prisma.jobLock.create({ data: { name: 'job', holder, acquiredAt: T0, expiresAt, heartbeatAt: T0 } });
}

describe(`job leases (${EXPECTED_KIND})`, () => {
  it(`takes over at once a lease whose holder's process on this host has exited, though it has not expired (${EXPECTED_KIND})`, async () => {
    const p = liveProcess();
    await p.kill();
    await plantLease(`${HOST}:${p.pid}:deadbeef`, new Date(Date.now() + 3_600_000));
    const lease = await acquireLock(t.db, 'job');
    expect(lease).not.toBeNull();
    expect((await t.db.prisma.jobLock.findUniqueOrThrow({ where: { name: 'job' } })).holder).toBe(lease!.holder);
    await lease!.release();
  });

  it(`never takes a live holder's lease, in this process or another one on this host (${EXPECTED_KIND})`, async () => {
    const mine = await acquireLock(t.db, 'job');
    expect(await acquireLock(t.db, 'job')).toBeNull();
    await mine!.release();

    const p = liveProcess();
    await plantLease(`${HOST}:${p.pid}:cafe0001`, new Date(Date.now() + 3_600_000));
    expect(await acquireLock(t.db, 'job')).toBeNull();
    expect(await isLockHeld(t.db, 'job')).toBe(true);
    await p.kill();
    expect(await isLockHeld(t.db, 'job')).toBe(false);
    const taken = await acquireLock(t.db, 'job');
    expect(taken).not.toBeNull();
    await taken!.release();
  });

  it(`takes over a lease of a holder on another host only once it has expired (${EXPECTED_KIND})`, async () => {
    await plantLease('build-7.example.net:4242:0000beef', at(30));
    expect(await acquireLock(t.db, 'job', { now: at(29) })).toBeNull();
    const lease = await acquireLock(t.db, 'job', { now: at(31), heartbeatMs: NO_BEAT });
    expect(lease).not.toBeNull();
    expect(await t.db.prisma.jobLock.findUniqueOrThrow({ where: { name: 'job' } })).toMatchObject({ holder: lease!.holder, acquiredAt: at(31), expiresAt: at(91) });
    await lease!.release();
  });

  it(`a renewed lease outlives its TTL; an unrenewed one is taken over, and its holder learns it lost it (${EXPECTED_KIND})`, async () => {
    let now = T0;
    const clock = () => now;
    const a = (await acquireLock(t.db, 'job', { clock, ttlMs: 30_000, heartbeatMs: NO_BEAT }))!;
    now = at(20);
    await a.confirm();
    now = at(40);
    expect(await acquireLock(t.db, 'job', { clock })).toBeNull();
    expect(a.held()).toBe(true);
    now = at(51);
    const b = (await acquireLock(t.db, 'job', { clock, ttlMs: 30_000, heartbeatMs: NO_BEAT }))!;
    expect(b).not.toBeNull();
    expect(a.held()).toBe(false);
    expect(a.signal.aborted).toBe(true);
    await expect(a.confirm()).rejects.toBeInstanceOf(LeaseLostError);
    // The loser's release leaves the winner's lease alone.
    await a.release();
    expect((await t.db.prisma.jobLock.findUniqueOrThrow({ where: { name: 'job' } })).holder).toBe(b.holder);
    await b.release();
  });

  it(`a holder whose lease was taken over by another host learns it on its next renewal (${EXPECTED_KIND})`, async () => {
    const lease = (await acquireLock(t.db, 'job', { heartbeatMs: NO_BEAT }))!;
    await t.db.prisma.jobLock.update({ where: { name: 'job' }, data: { holder: 'elsewhere:1:00000000' } });
    expect(lease.held()).toBe(true);
    await expect(lease.confirm()).rejects.toThrow(/lost the lock "job" \(another process took it over\)/);
    expect(lease.signal.aborted).toBe(true);
    await lease.release();
    expect(await t.db.prisma.jobLock.count()).toBe(1);
  });

  it(`the heartbeat renews the lease while the work runs (${EXPECTED_KIND})`, async () => {
    const ran = await withLock(t.db, 'job', async (lease) => {
      const first = (await t.db.prisma.jobLock.findUniqueOrThrow({ where: { name: 'job' } })).heartbeatAt!;
      await expect.poll(async () => (await t.db.prisma.jobLock.findUniqueOrThrow({ where: { name: 'job' } })).heartbeatAt!.getTime(), { timeout: 10_000 }).toBeGreaterThan(first.getTime());
      return lease.held();
    }, { heartbeatMs: 20 });
    expect(ran).toEqual({ result: true, lost: false });
    expect(await t.db.prisma.jobLock.count()).toBe(0);
  });

  it(`withLock returns null while another holds the lock, and with waitMs waits for it to be released (${EXPECTED_KIND})`, async () => {
    const holder = (await acquireLock(t.db, 'job'))!;
    expect(await withLock(t.db, 'job', async () => 'ran')).toBeNull();
    const started = performance.now();
    expect(await withLock(t.db, 'job', async () => 'ran', { waitMs: 300 })).toBeNull();
    expect(performance.now() - started).toBeGreaterThanOrEqual(290);
    const waiting = withLock(t.db, 'job', async () => 'ran', { waitMs: 30_000 });
    setTimeout(() => void holder.release(), 200);
    expect(await waiting).toEqual({ result: 'ran', lost: false });
  });

  it(`at most one holder ever believes it holds the lease, whatever the interleaving (${EXPECTED_KIND})`, async () => {
    type Cmd = { op: 'advance'; s: number } | { op: 'acquire' | 'confirm' | 'release'; who: number };
    const cmd = fc.oneof(
      fc.record({ op: fc.constant('advance' as const), s: fc.integer({ min: 0, max: 45 }) }),
      fc.record({ op: fc.constantFrom('acquire' as const, 'confirm' as const, 'release' as const), who: fc.integer({ min: 0, max: 2 }) }),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(cmd, { minLength: 1, maxLength: 14 }), async (cmds: Cmd[]) => {
        await t.db.prisma.jobLock.deleteMany();
        let now = T0;
        const leases: (Lease | null)[] = [null, null, null];
        for (const c of cmds) {
          if (c.op === 'advance') now = new Date(now.getTime() + c.s * 1000);
          else if (c.op === 'acquire') leases[c.who] ??= await acquireLock(t.db, 'job', { clock: () => now, ttlMs: 30_000, heartbeatMs: NO_BEAT });
          else if (c.op === 'confirm') await leases[c.who]?.confirm().catch(() => undefined);
          else {
            await leases[c.who]?.release();
            leases[c.who] = null;
          }
          const believers = leases.filter((l) => l?.held());
          expect(believers.length).toBeLessThanOrEqual(1);
          if (believers[0]) expect((await t.db.prisma.jobLock.findUnique({ where: { name: 'job' } }))?.holder).toBe(believers[0].holder);
          // A holder that lost its lease lets go of it and may try again later.
          for (const [i, l] of leases.entries()) {
            if (!l || l.held()) continue;
            await l.release();
            leases[i] = null;
          }
        }
        await Promise.all(leases.map((l) => l?.release()));
      }),
      { numRuns: 40 },
    );
  });

  it(`a stopping process hands back every lease it still holds, and none it already released (${EXPECTED_KIND})`, async () => {
    const a = (await acquireLock(t.db, 'job-a'))!;
    await acquireLock(t.db, 'job-b');
    const c = (await acquireLock(t.db, 'job-c'))!;
    await c.release();
    await t.db.prisma.jobLock.create({ data: { name: 'job-c', holder: 'elsewhere:1:00000000', acquiredAt: T0, expiresAt: new Date(Date.now() + 60_000) } });
    expect(await releaseHeldLeases()).toBe(2);
    expect(a.held()).toBe(false);
    expect((await t.db.prisma.jobLock.findMany({ select: { name: true } })).map((r) => r.name)).toEqual(['job-c']);
  });

  it(`another copy of the lock module (the web server's Next bundle has its own) hands back the leases this copy took (${EXPECTED_KIND})`, async () => {
    vi.resetModules();
    const copy = await import('../../../lib/jobs/lock');
    expect(copy.acquireLock).not.toBe(acquireLock);
    const ours = (await acquireLock(t.db, 'job-ours'))!;
    const theirs = (await copy.acquireLock(t.db, 'job-theirs'))!;
    expect(await copy.releaseHeldLeases()).toBe(2);
    expect([ours.held(), theirs.held()]).toEqual([false, false]);
    expect(await t.db.prisma.jobLock.count()).toBe(0);
  });
});
