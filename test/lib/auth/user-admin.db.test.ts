import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Role } from '../../../lib/auth/roles';
import { createSession, getSessionUser, signIn } from '../../../lib/auth/sessions';
import { addUser, disableUser, enableUser, resetPassword, setRole } from '../../../lib/auth/user-admin';
import { listUserChanges } from '../../../lib/auth/user-changes';
import { listUsers } from '../../../lib/auth/user-list';
import { linkOwner, listOwnersOfUser, unlinkOwner } from '../../../lib/auth/user-owners';
import { ensureFirstAdmin, userFromTrustedHeader } from '../../../lib/auth/users';
import { createTestDb, EXPECTED_KIND, type TestDb } from '../../helpers/db';

let t: TestDb;
beforeAll(async () => {
  t = await createTestDb();
});
afterAll(async () => t?.close());

const by = { actor: 'root@example.com' };
const changesOf = async (email: string) =>
  (await t.db.prisma.userChange.findMany({ where: { user: { email } }, orderBy: { id: 'asc' } })).map((c) => [
    c.kind,
    c.value,
    c.actor,
  ]);

async function reset(): Promise<void> {
  await t.db.prisma.user.deleteMany();
}

describe(`adding and changing users (${EXPECTED_KIND})`, () => {
  it('adds a user with each kind of first sign-in and records who added them', async () => {
    await reset();
    const link = await addUser(
      t.db,
      { email: ' Ann@Example.com ', name: 'Ann', role: 'admin', credential: 'link' },
      by,
    );
    expect(link.user).toMatchObject({ email: 'ann@example.com', role: 'admin' });
    expect(link.credential).toMatchObject({ kind: 'link', token: expect.stringMatching(/^[\w-]{43}$/) });
    const gen = await addUser(
      t.db,
      { email: 'gen@example.com', name: 'Gen', role: 'viewer', credential: 'generated' },
      by,
    );
    if (gen.credential.kind !== 'generated') throw new Error('expected a generated password');
    expect((await signIn(t.db, { email: 'gen@example.com', password: gen.credential.password })).user.role).toBe(
      'viewer',
    );
    const typed = await addUser(
      t.db,
      {
        email: 'typed@example.com',
        name: 'Typed',
        role: 'engineer',
        credential: 'password',
        password: 'typed password 1',
      },
      by,
    );
    expect(typed.credential).toEqual({ kind: 'password' });
    expect(await changesOf('typed@example.com')).toEqual([
      ['create', { name: 'Typed', role: 'engineer', via: 'password' }, 'root@example.com'],
    ]);
    // No change row holds a secret.
    const all = JSON.stringify(await t.db.prisma.userChange.findMany());
    for (const secret of [
      'typed password 1',
      gen.credential.password,
      link.credential.kind === 'link' ? link.credential.token : '',
    ])
      expect(all).not.toContain(secret);
  });

  it('names the field of every bad input and refuses a second account for one e-mail', async () => {
    const bad = (input: Parameters<typeof addUser>[1]) =>
      addUser(t.db, input, by).then(
        () => 'added',
        (e: Error) => e.message,
      );
    expect(await bad({ email: 'nope', name: 'X', role: 'viewer' })).toBe('email: "nope" is not an e-mail address');
    expect(await bad({ email: 'x@example.com', name: ' ', role: 'viewer' })).toMatch(/^name: is empty/);
    expect(await bad({ email: 'x@example.com', name: 'X', role: 'boss' as Role })).toBe(
      'role: "boss" is not one of viewer, engineer, admin',
    );
    expect(
      await bad({ email: 'x@example.com', name: 'X', role: 'viewer', credential: 'password', password: 'short' }),
    ).toBe('password: needs at least 10 characters');
    expect(await bad({ email: 'x@example.com', name: 'X', role: 'viewer', credential: 'password' })).toMatch(
      /^password: is required/,
    );
    expect(
      await bad({ email: 'x@example.com', name: 'X', role: 'viewer', credential: 'generated', mail: true }),
    ).toMatch(/^mail: only a sign-in link is e-mailed/);
    expect(await bad({ email: 'ANN@example.com', name: 'Ann 2', role: 'viewer' })).toBe(
      'email: ann@example.com has an account already',
    );
    expect(await setRole(t.db, { email: 'ghost@example.com', role: 'viewer' }, by).catch((e: Error) => e.message)).toBe(
      'email: no user has the e-mail ghost@example.com',
    );
    expect(
      await setRole(t.db, { email: 'typed@example.com', role: 'engineer' }, by).catch((e: Error) => e.message),
    ).toBe('role: typed@example.com is an engineer already');
  });

  it('ends every session of a user who is disabled or reset, and deletes their unused link', async () => {
    const { user } = await addUser(
      t.db,
      {
        email: 'sess@example.com',
        name: 'Sess',
        role: 'engineer',
        credential: 'password',
        password: 'session password',
      },
      by,
    );
    const a = await createSession(t.db, user.id);
    const b = await createSession(t.db, user.id);
    await resetPassword(t.db, { email: 'sess@example.com', credential: 'link' }, by);
    expect(await getSessionUser(t.db, a.token)).toBeNull();
    expect(await getSessionUser(t.db, b.token)).toBeNull();
    await expect(signIn(t.db, { email: 'sess@example.com', password: 'session password' })).rejects.toThrow(
      'wrong e-mail or password',
    );
    expect(await t.db.prisma.signInLink.count({ where: { userId: user.id, usedAt: null } })).toBe(1);
    const c = await createSession(t.db, user.id);
    await disableUser(t.db, { email: 'sess@example.com' }, by);
    expect(await t.db.prisma.session.count({ where: { userId: user.id } })).toBe(0);
    expect(await getSessionUser(t.db, c.token)).toBeNull();
    expect(await t.db.prisma.signInLink.count({ where: { userId: user.id } })).toBe(0);
    await enableUser(t.db, { email: 'sess@example.com' }, by);
    expect((await changesOf('sess@example.com')).map((c) => c[0])).toEqual(['create', 'reset', 'disable', 'enable']);
    expect(
      await disableUser(t.db, { email: 'sess@example.com' }, by)
        .then(() => disableUser(t.db, { email: 'sess@example.com' }, by))
        .catch((e: Error) => e.message),
    ).toBe('email: sess@example.com is disabled already');
  });

  it('links owners of the chain config to users, so "assigned to me" finds them, and lists them', async () => {
    const owner = await t.db.prisma.owner.findFirstOrThrow({ where: { kind: 'person', teamId: { not: null } } });
    await linkOwner(t.db, { email: 'typed@example.com', owner: owner.id }, by);
    expect(
      await linkOwner(t.db, { email: 'typed@example.com', owner: owner.id }, by).catch((e: Error) => e.message),
    ).toBe(`owner: ${owner.id} is linked to typed@example.com already`);
    expect(
      await linkOwner(t.db, { email: 'typed@example.com', owner: 'no-such-owner' }, by).catch((e: Error) => e.message),
    ).toBe('owner: the chain config has no owner "no-such-owner"');
    const typed = await t.db.prisma.user.findUniqueOrThrow({ where: { email: 'typed@example.com' } });
    expect(await listOwnersOfUser(t.db, typed)).toEqual({ persons: [owner.id], teams: [owner.teamId] });
    const listed = (await listUsers(t.db)).find((u) => u.email === 'typed@example.com')!;
    expect(listed.owners).toEqual([{ id: owner.id, name: owner.name, kind: 'person', how: 'linked' }]);
    expect(listed.lastChange).toMatchObject({ what: `linked to owner ${owner.id}`, actor: 'root@example.com' });
    await unlinkOwner(t.db, { email: 'typed@example.com', owner: owner.id }, by);
    expect(await listOwnersOfUser(t.db, typed)).toEqual({ persons: [], teams: [] });
    expect(
      await unlinkOwner(t.db, { email: 'typed@example.com', owner: owner.id }, by).catch((e: Error) => e.message),
    ).toBe(`owner: ${owner.id} is not linked to typed@example.com`);
    // The person owner with the account's e-mail counts without a link.
    const { user } = await addUser(t.db, { email: owner.email.toUpperCase(), name: owner.name, role: 'viewer' }, by);
    expect((await listUsers(t.db)).find((u) => u.id === user.id)!.owners).toEqual([
      { id: owner.id, name: owner.name, kind: 'person', how: 'e-mail' },
    ]);
    expect((await listUserChanges(t.db, { take: 3 })).map((c) => c.kind)).toEqual(['create', 'unlink', 'link']);
  });
});

describe(`accounts made outside Settings (${EXPECTED_KIND})`, () => {
  it('records the first admin and users first seen through the trusted proxy header', async () => {
    await reset();
    await ensureFirstAdmin(t.db);
    expect(await changesOf('admin@localhost')).toEqual([
      ['create', { name: 'Administrator', role: 'admin', via: 'password' }, 'setup'],
    ]);
    await Promise.all([
      userFromTrustedHeader(t.db, 'SSO@example.com', 'viewer'),
      userFromTrustedHeader(t.db, 'sso@example.com', 'viewer'),
    ]);
    await userFromTrustedHeader(t.db, 'sso@example.com', 'viewer');
    expect(await changesOf('sso@example.com')).toEqual([
      ['create', { name: 'sso', role: 'viewer', via: 'trusted header' }, 'trusted header'],
    ]);
    await disableUser(t.db, { email: 'sso@example.com' }, by);
    expect(await userFromTrustedHeader(t.db, 'sso@example.com', 'viewer')).toBeNull();
  });
});
