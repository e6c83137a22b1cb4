import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getSessionUser, signIn } from '../../../lib/auth/sessions';
import { checkSignInLink, hashLinkToken, LINK_HOURS, setPasswordWithLink } from '../../../lib/auth/sign-in-links';
import { addUser, disableUser, enableUser, resetPassword, type Credential } from '../../../lib/auth/user-admin';
import { createTestDb, EXPECTED_KIND, type TestDb } from '../../helpers/db';

let t: TestDb;
beforeAll(async () => {
  t = await createTestDb({ chain: false });
});
afterAll(async () => t?.close());

const by = { actor: 'root@example.com' };
const HOUR = 3_600_000;
// Each test has its own day and client, so their sign-in attempts never meet in one throttle window.
const day = (n: number) => new Date(Date.UTC(2026, 10, n, 9));
const tokenOf = (c: Credential) => {
  if (c.kind !== 'link') throw new Error(`expected a link, got ${c.kind}`);
  return c.token;
};
const problem = async (token: string | undefined, now: Date, client: string) => {
  const check = await checkSignInLink(t.db, { token, now, client });
  return check.ok ? 'ok' : check.problem;
};

describe(`one-time sign-in links (${EXPECTED_KIND})`, () => {
  it(`works once, within ${LINK_HOURS} hours, and signs the user in with the password they set`, async () => {
    const now = day(1);
    const { credential } = await addUser(
      t.db,
      { email: 'link@example.com', name: 'Link', role: 'engineer' },
      { ...by, now },
    );
    const token = tokenOf(credential);
    // Only the hash is stored.
    expect(await t.db.prisma.signInLink.findMany()).toEqual([
      expect.objectContaining({ tokenHash: hashLinkToken(token), createdBy: 'root@example.com' }),
    ]);
    expect(JSON.stringify(await t.db.prisma.signInLink.findMany())).not.toContain(token);
    const check = await checkSignInLink(t.db, { token, now, client: '10.1.0.1' });
    expect(check).toEqual({
      ok: true,
      email: 'link@example.com',
      name: 'Link',
      expiresAt: new Date(now.getTime() + LINK_HOURS * HOUR),
    });
    const used = await setPasswordWithLink(t.db, {
      token,
      password: 'my own password',
      now: new Date(now.getTime() + HOUR),
      client: '10.1.0.1',
    });
    expect(used.user).toMatchObject({ email: 'link@example.com', role: 'engineer' });
    expect(await getSessionUser(t.db, used.token, new Date(now.getTime() + HOUR))).toMatchObject({
      email: 'link@example.com',
    });
    expect(
      (
        await signIn(t.db, {
          email: 'link@example.com',
          password: 'my own password',
          now: new Date(now.getTime() + HOUR),
        })
      ).user.email,
    ).toBe('link@example.com');
    expect(await problem(token, new Date(now.getTime() + 2 * HOUR), '10.1.0.1')).toBe('used');
    await expect(
      setPasswordWithLink(t.db, {
        token,
        password: 'another password',
        now: new Date(now.getTime() + 2 * HOUR),
        client: '10.1.0.1',
      }),
    ).rejects.toThrow(/was used already/);
    const change = await t.db.prisma.userChange.findFirstOrThrow({ where: { kind: 'password' } });
    expect(change).toMatchObject({ actor: 'link@example.com', value: { via: 'sign-in link' } });
  });

  it('expires exactly at its end, whenever it is opened', async () => {
    const now = day(2);
    await addUser(t.db, { email: 'late@example.com', name: 'Late', role: 'viewer' }, { ...by, now });
    const end = now.getTime() + LINK_HOURS * HOUR;
    let run = 0;
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: -LINK_HOURS * HOUR, max: LINK_HOURS * HOUR }), async (offset) => {
        // A new link and client each time: only what the link says is judged here, not the throttle.
        run += 1;
        const token = tokenOf(
          (await resetPassword(t.db, { email: 'late@example.com', credential: 'link' }, { ...by, now })).credential,
        );
        expect(await problem(token, new Date(end + offset), `10.2.${run >> 8}.${run & 255}`)).toBe(
          offset < 0 ? 'ok' : 'expired',
        );
      }),
      { numRuns: 30, examples: [[0], [-1], [1]] },
    );
    const token = tokenOf(
      (await resetPassword(t.db, { email: 'late@example.com', credential: 'link' }, { ...by, now })).credential,
    );
    await expect(
      setPasswordWithLink(t.db, { token, password: 'too late password', now: new Date(end), client: '10.2.255.1' }),
    ).rejects.toThrow(/expired on/);
    expect(
      (await t.db.prisma.user.findUniqueOrThrow({ where: { email: 'late@example.com' } })).passwordHash,
    ).toBeNull();
  });

  it('can be used by only one of two parallel requests', async () => {
    const now = day(3);
    const { credential } = await addUser(
      t.db,
      { email: 'twice@example.com', name: 'Twice', role: 'viewer' },
      { ...by, now },
    );
    const token = tokenOf(credential);
    const results = await Promise.allSettled(
      ['first password!', 'second password'].map((password) =>
        setPasswordWithLink(t.db, { token, password, now, client: '10.3.0.1' }),
      ),
    );
    expect(results.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected']);
    expect(await t.db.prisma.session.count({ where: { user: { email: 'twice@example.com' } } })).toBe(1);
  });

  it('stops working when replaced by a reset, when the account is disabled, and says why', async () => {
    const now = day(4);
    const { credential } = await addUser(
      t.db,
      { email: 'repl@example.com', name: 'Repl', role: 'viewer' },
      { ...by, now },
    );
    const first = tokenOf(credential);
    const second = tokenOf(
      (await resetPassword(t.db, { email: 'repl@example.com', credential: 'link' }, { ...by, now })).credential,
    );
    expect(await problem(first, now, '10.4.0.1')).toBe('unknown');
    expect(await problem(second, now, '10.4.0.1')).toBe('ok');
    const third = tokenOf(
      (await resetPassword(t.db, { email: 'repl@example.com', credential: 'link' }, { ...by, now })).credential,
    );
    await disableUser(t.db, { email: 'repl@example.com' }, { ...by, now });
    expect(await problem(third, now, '10.4.0.1')).toBe('unknown');
    await enableUser(t.db, { email: 'repl@example.com' }, { ...by, now });
    expect(await problem(third, now, '10.4.0.1')).toBe('unknown');
    expect(await problem(undefined, now, '10.4.0.1')).toBe('malformed');
    expect(await problem(`${second}x`, now, '10.4.0.1')).toBe('malformed');
  });

  it('counts failed link attempts against the client, as the sign-in throttle does: the next one waits', async () => {
    const now = day(5);
    const { credential } = await addUser(
      t.db,
      { email: 'thr@example.com', name: 'Thr', role: 'viewer' },
      { ...by, now },
    );
    const good = tokenOf(credential);
    const at = (seconds: number) => new Date(now.getTime() + seconds * 1000);
    // Each guessed link is its own "account"; the client's 20 free failures are shared by all of them.
    const answers: string[] = [];
    for (let i = 0; i < 20; i += 1)
      answers.push(await problem(`${'A'.repeat(40)}${String(i).padStart(3, '0')}`, at(i), '10.5.0.1'));
    expect(answers).toEqual(Array(20).fill('unknown'));
    expect(await t.db.prisma.signInAttempt.count({ where: { client: '10.5.0.1', outcome: 'failed' } })).toBe(20);
    // The next attempt, the right link too, waits 2 s after the last failure; not from another client.
    expect(await checkSignInLink(t.db, { token: good, now: at(20), client: '10.5.0.1' })).toMatchObject({
      ok: false,
      problem: 'throttled',
      message: expect.stringMatching(/^Too many failed sign-ins from your network address: please wait/),
    });
    expect(await problem(good, at(20), '10.5.0.2')).toBe('ok');
    await expect(
      setPasswordWithLink(t.db, { token: good, password: 'thr password 1', now: at(20), client: '10.5.0.1' }),
    ).rejects.toThrow(/please wait/);
    await setPasswordWithLink(t.db, { token: good, password: 'thr password 1', now: at(22), client: '10.5.0.1' });
  });
});
