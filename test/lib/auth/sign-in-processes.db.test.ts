import { spawn } from 'node:child_process';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SIGN_IN_POLICY } from '../../../lib/auth/throttle';
import { createTestDb, EXPECTED_KIND, type TestDb } from '../../helpers/db';

let t: TestDb;
beforeAll(async () => {
  t = await createTestDb({ chain: false });
});
afterAll(async () => t?.close());

/** One process's burst (sign-in-burst.ts); resolves with how many of its attempts were admitted. */
function burst(email: string, count: number, startAt: number, now: Date): Promise<number> {
  const script = path.join(import.meta.dirname, 'sign-in-burst.ts');
  const child = spawn(process.execPath, ['--import', 'tsx', script, t.url, email, String(count), String(startAt), now.toISOString()], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  return new Promise((resolve, reject) =>
    child.once('exit', (code) => {
      const m = /admitted (\d+)/.exec(out);
      if (code === 0 && m) resolve(Number(m[1]));
      else reject(new Error(`burst process exited ${code}: ${out}`));
    }),
  );
}

describe('sign-in throttling across web servers', () => {
  it(`admits no more of a burst split over two processes than the limit for one account allows (${EXPECTED_KIND})`, async () => {
    const now = new Date('2026-12-07T09:00:00Z');
    // Both processes start their attempts at the same instant, once both are up.
    const startAt = Date.now() + 6_000;
    const admitted = await Promise.all([burst('shared@example.com', 10, startAt, now), burst('shared@example.com', 10, startAt, now)]);
    expect(admitted[0]! + admitted[1]!).toBe(SIGN_IN_POLICY.account.freeFailures);
    const rows = await t.db.prisma.signInAttempt.groupBy({ by: ['outcome'], where: { email: 'shared@example.com' }, _count: { _all: true } });
    expect(Object.fromEntries(rows.map((r) => [r.outcome, r._count._all]))).toEqual({ failed: 3, locked: 17 });
  }, 60_000);
});
