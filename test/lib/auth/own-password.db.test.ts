import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { changeOwnPassword } from '../../../lib/auth/own-password';
import { createSession, getSessionUser, signIn } from '../../../lib/auth/sessions';
import { addUser } from '../../../lib/auth/user-admin';
import { createTestDb, EXPECTED_KIND, type TestDb } from '../../helpers/db';

let t: TestDb;
beforeAll(async () => {
  t = await createTestDb({ chain: false });
});
afterAll(async () => t?.close());

const by = { actor: 'root@example.com' };
const day = (n: number) => new Date(Date.UTC(2026, 10, n, 9));

describe(`changing one's own password (${EXPECTED_KIND})`, () => {
  it('needs the current password, keeps this session and ends the others', async () => {
    const now = day(6);
    const { user } = await addUser(
      t.db,
      { email: 'own@example.com', name: 'Own', role: 'viewer', credential: 'password', password: 'old password 1' },
      { ...by, now },
    );
    const here = await createSession(t.db, user.id, now);
    const there = await createSession(t.db, user.id, now);
    const change = (current: string, password: string, confirm = password) =>
      changeOwnPassword(t.db, {
        userId: user.id,
        sessionToken: here.token,
        current,
        password,
        confirm,
        now,
        client: '10.6.0.1',
      }).then(
        () => 'changed',
        (e: Error) => e.message,
      );
    expect(await change('wrong password', 'new password 1')).toBe('current: is not your current password');
    expect(await change('old password 1', 'new password 1', 'new password 2')).toBe(
      'confirm: does not match the new password',
    );
    expect(await change('old password 1', 'short')).toBe('password: needs at least 10 characters');
    expect(await change('old password 1', 'old password 1')).toBe(
      'password: is your current password; choose a new one',
    );
    expect(await getSessionUser(t.db, there.token, now)).not.toBeNull();
    expect(await change('old password 1', 'new password 1')).toBe('changed');
    expect(await getSessionUser(t.db, here.token, now)).toMatchObject({ email: 'own@example.com' });
    expect(await getSessionUser(t.db, there.token, now)).toBeNull();
    await expect(signIn(t.db, { email: 'own@example.com', password: 'old password 1', now })).rejects.toThrow(
      'wrong e-mail or password',
    );
    expect(
      (await t.db.prisma.userChange.findMany({ where: { userId: user.id }, orderBy: { id: 'asc' } })).map((c) => [
        c.kind,
        c.actor,
        c.value,
      ]),
    ).toEqual([
      ['create', 'root@example.com', { name: 'Own', role: 'viewer', via: 'password' }],
      ['password', 'own@example.com', { via: 'own' }],
    ]);
    // A wrong current password is a failed sign-in of the account: the throttle counts it.
    expect(
      await t.db.prisma.signInAttempt.count({
        where: { email: 'own@example.com', client: '10.6.0.1', outcome: 'failed' },
      }),
    ).toBe(1);
  });
});
