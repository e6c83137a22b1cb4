import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ForbiddenError, type Role } from '../../../lib/auth/roles';
import { addUser, disableUser, enableUser, setRole } from '../../../lib/auth/user-admin';
import { ValidationError } from '../../../lib/errors';
import { createTestDb, EXPECTED_KIND, type TestDb } from '../../helpers/db';

// The guard on the last active admin (lib/auth/user-admin.ts): against a model, under generated
// sequences of changes by anyone, and under two admins demoting each other at the same moment.
let t: TestDb;
beforeAll(async () => {
  t = await createTestDb({ chain: false });
});
afterAll(async () => t?.close());

const by = { actor: 'root@example.com' };
const activeAdmins = () => t.db.prisma.user.count({ where: { role: 'admin', disabledAt: null } });

async function reset(): Promise<void> {
  await t.db.prisma.user.deleteMany();
}

type Op =
  | { kind: 'role'; target: number; role: Role; actor: number }
  | { kind: 'disable' | 'enable'; target: number; actor: number };
const USERS = 4;
const email = (i: number) => `u${i}@guard.test`;

const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc.record({
    kind: fc.constant('role' as const),
    target: fc.nat(USERS - 1),
    role: fc.constantFrom<Role>('viewer', 'engineer', 'admin'),
    actor: fc.nat(USERS - 1),
  }),
  fc.record({
    kind: fc.constantFrom('disable' as const, 'enable' as const),
    target: fc.nat(USERS - 1),
    actor: fc.nat(USERS - 1),
  }),
);

type Model = { role: Role; disabled: boolean }[];

/** What the guard must answer for an op on the model: done, refused as the last admin, or refused as a no-op. */
function expected(model: Model, op: Op): 'done' | 'last admin' | 'no-op' {
  const u = model[op.target]!;
  const after = op.kind === 'role' ? { ...u, role: op.role } : { ...u, disabled: op.kind === 'disable' };
  if (op.kind === 'role' ? u.role === op.role : u.disabled === after.disabled) return 'no-op';
  const isAdmin = (m: { role: Role; disabled: boolean }) => m.role === 'admin' && !m.disabled;
  const others = model.filter((m, i) => i !== op.target && isAdmin(m)).length;
  return isAdmin(u) && !isAdmin(after) && others === 0 ? 'last admin' : 'done';
}

describe(`the last active admin (${EXPECTED_KIND})`, () => {
  it('is never demoted or disabled, by themselves or anyone; each change done is recorded', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(opArb, { minLength: 1, maxLength: 14 }), async (ops) => {
        await reset();
        const model: Model = [
          { role: 'admin', disabled: false },
          ...Array.from({ length: USERS - 1 }, () => ({ role: 'viewer' as Role, disabled: false })),
        ];
        for (let i = 0; i < USERS; i += 1)
          await addUser(t.db, { email: email(i), name: `U${i}`, role: model[i]!.role }, { actor: 'setup' });
        let done = 0;
        for (const op of ops) {
          const want = expected(model, op);
          const actor = { actor: email(op.actor) };
          const call =
            op.kind === 'role'
              ? setRole(t.db, { email: email(op.target), role: op.role }, actor)
              : (op.kind === 'disable' ? disableUser : enableUser)(t.db, { email: email(op.target) }, actor);
          const got = await call.then(
            () => 'done',
            (e: unknown) =>
              e instanceof ForbiddenError
                ? 'last admin'
                : e instanceof ValidationError
                  ? 'no-op'
                  : `threw ${String(e)}`,
          );
          expect(got, JSON.stringify(op)).toBe(want);
          if (got === 'last admin') {
            const message = await call.catch((e: Error) => e.message);
            expect(message).toMatch(
              op.actor === op.target
                ? /^you are the last active admin: /
                : new RegExp(`^${email(op.target)} is the last active admin: `),
            );
          }
          if (want === 'done') {
            done += 1;
            model[op.target] =
              op.kind === 'role'
                ? { ...model[op.target]!, role: op.role }
                : { ...model[op.target]!, disabled: op.kind === 'disable' };
          }
          expect(await activeAdmins()).toBeGreaterThanOrEqual(1);
        }
        const stored = await t.db.prisma.user.findMany({ orderBy: { email: 'asc' } });
        expect(stored.map((u) => ({ role: u.role, disabled: u.disabledAt !== null }))).toEqual(model);
        expect(await t.db.prisma.userChange.count({ where: { kind: { not: 'create' } } })).toBe(done);
      }),
      { numRuns: 25 },
    );
  });

  it('survives two admins demoting or disabling each other at the same moment: one of them stays', async () => {
    for (let round = 0; round < 8; round += 1) {
      await reset();
      await addUser(t.db, { email: 'a@race.test', name: 'A', role: 'admin' }, by);
      await addUser(t.db, { email: 'b@race.test', name: 'B', role: 'admin' }, by);
      const results = await Promise.allSettled([
        round % 2
          ? disableUser(t.db, { email: 'b@race.test' }, { actor: 'a@race.test' })
          : setRole(t.db, { email: 'b@race.test', role: 'viewer' }, { actor: 'a@race.test' }),
        setRole(t.db, { email: 'a@race.test', role: 'engineer' }, { actor: 'b@race.test' }),
      ]);
      expect(results.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected']);
      expect(String((results.find((r) => r.status === 'rejected') as PromiseRejectedResult).reason)).toMatch(
        /is the last active admin/,
      );
      expect(await activeAdmins()).toBe(1);
    }
  });
});
