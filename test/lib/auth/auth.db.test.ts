import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generatePassword, hashPassword, verifyPassword } from '../../../lib/auth/passwords';
import { assertRole, hasRole } from '../../../lib/auth/roles';
import { getSessionUser, signIn, signOut } from '../../../lib/auth/sessions';
import { createUser, ensureFirstAdmin, userFromTrustedHeader } from '../../../lib/auth/users';
import { createTestDb, EXPECTED_KIND, type TestDb } from '../../helpers/db';

let t: TestDb;
beforeAll(async () => {
  t = await createTestDb({ chain: false });
});
afterAll(async () => t?.close());

describe('passwords', () => {
  it('hashes with scrypt and a salt, verifies, and never stores the password', async () => {
    const a = await hashPassword('correct horse battery');
    const b = await hashPassword('correct horse battery');
    expect(a).toMatch(/^scrypt\$16384\$8\$1\$/);
    expect(a).not.toBe(b);
    expect(a).not.toContain('correct');
    expect(await verifyPassword('correct horse battery', a)).toBe(true);
    expect(await verifyPassword('correct horse batterY', a)).toBe(false);
    expect(await verifyPassword('x', 'md5$abc')).toBe(false);
    expect(generatePassword()).toMatch(/^[a-z2-9]{5}(-[a-z2-9]{5}){3}$/);
  });
});

describe('roles', () => {
  it('orders viewer < engineer < admin', () => {
    expect(hasRole({ role: 'admin' }, 'engineer')).toBe(true);
    expect(hasRole({ role: 'engineer' }, 'engineer')).toBe(true);
    expect(hasRole({ role: 'viewer' }, 'engineer')).toBe(false);
    expect(hasRole(null, 'viewer')).toBe(false);
    expect(() => assertRole({ role: 'viewer' }, 'admin')).toThrow('this needs the admin role; you are a viewer');
  });
});

describe('sign-in and sessions', () => {
  it(`creates the first admin once, with a password printed once (${EXPECTED_KIND})`, async () => {
    const first = await ensureFirstAdmin(t.db);
    expect(first).toMatchObject({ email: 'admin@localhost' });
    expect(await ensureFirstAdmin(t.db)).toBeNull();
    const { user } = await signIn(t.db, { email: 'ADMIN@localhost', password: first!.password });
    expect(user).toMatchObject({ email: 'admin@localhost', role: 'admin' });
  });

  it(`signs in with the right password only, with one message for every failure (${EXPECTED_KIND})`, async () => {
    await createUser(t.db, { email: 'eve@example.com', name: 'Eve', role: 'engineer', password: 'long enough password' });
    await expect(signIn(t.db, { email: 'eve@example.com', password: 'wrong password!' })).rejects.toThrow('wrong e-mail or password');
    await expect(signIn(t.db, { email: 'nobody@example.com', password: 'long enough password' })).rejects.toThrow('wrong e-mail or password');
    const { token } = await signIn(t.db, { email: 'eve@example.com', password: 'long enough password' });
    expect(await getSessionUser(t.db, token)).toMatchObject({ email: 'eve@example.com', role: 'engineer' });
    const stored = await t.db.prisma.session.findMany();
    expect(stored.some((s) => s.id === token)).toBe(false);
    await signOut(t.db, token);
    expect(await getSessionUser(t.db, token)).toBeNull();
  });

  it(`ends sessions that expired or whose user was disabled (${EXPECTED_KIND})`, async () => {
    const { token } = await signIn(t.db, { email: 'eve@example.com', password: 'long enough password', now: new Date('2026-01-01T00:00:00Z') });
    expect(await getSessionUser(t.db, token, new Date('2026-01-10T00:00:00Z'))).not.toBeNull();
    expect(await getSessionUser(t.db, token, new Date('2026-02-01T00:00:00Z'))).toBeNull();
    const fresh = await signIn(t.db, { email: 'eve@example.com', password: 'long enough password' });
    await t.db.prisma.user.update({ where: { email: 'eve@example.com' }, data: { disabledAt: new Date() } });
    expect(await getSessionUser(t.db, fresh.token)).toBeNull();
  });

  it(`refuses short passwords and takes users from a trusted header with the default role (${EXPECTED_KIND})`, async () => {
    await expect(createUser(t.db, { email: 'x@example.com', name: 'X', role: 'viewer', password: 'short' })).rejects.toThrow('at least 10 characters');
    expect(await userFromTrustedHeader(t.db, 'Sam@Corp.example', 'viewer')).toMatchObject({ email: 'sam@corp.example', role: 'viewer' });
    expect(await userFromTrustedHeader(t.db, 'not an email', 'viewer')).toBeNull();
  });
});

describe('ingest tokens on the settings page', () => {
  it(`creates a named token shown once, lists it without its secret, and revokes it once (${EXPECTED_KIND})`, async () => {
    const { issueIngestToken, listIngestTokens, revokeIngestToken } = await import('../../../lib/auth/token-admin');
    const { verifyIngestToken } = await import('../../../lib/auth/ingest-tokens');
    const token = await issueIngestToken(t.db, 'deploy-eu');
    expect(await verifyIngestToken(t.db, [], `Bearer ${token}`)).toBe('deploy-eu');
    const [listed] = await listIngestTokens(t.db);
    expect(listed).toMatchObject({ name: 'deploy-eu', revokedAt: null });
    expect(JSON.stringify(listed)).not.toContain(token);
    await revokeIngestToken(t.db, listed!.id);
    await expect(verifyIngestToken(t.db, [], `Bearer ${token}`)).rejects.toThrow('invalid or revoked ingest token');
    await expect(revokeIngestToken(t.db, listed!.id)).rejects.toThrow('already revoked');
    await expect(issueIngestToken(t.db, '<script>')).rejects.toThrow(/name the token/);
  });
});
