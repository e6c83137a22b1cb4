import fc from 'fast-check';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { AuthUser, Role } from '../../../lib/auth/roles';
import { setClassOwner } from '../../../lib/classify/decisions';
import { classifyAndRank } from '../../../lib/rank/classify-and-rank';
import { classFiltersSchema, listErrorClasses } from '../../../lib/triage/list-classes';
import { rowOpsFor, rowTriageSchema } from '../../../lib/triage/row-ops';
import { runRowTriage } from '../../../lib/triage/row-triage';
import { createTestDb, type TestDb } from '../../helpers/db';
import { ingestRuns } from '../../helpers/ingest';

let t: TestDb;
let pull = 0;
let health = 0;
const settings = { timeZone: 'UTC', categoriesFile: null, routingFile: null };

async function user(email: string, role: Role = 'engineer', links: string[] = []): Promise<AuthUser> {
  const u = await t.db.prisma.user.create({ data: { email, name: email.split('@')[0]!, role } });
  for (const ownerId of links) await t.db.prisma.userOwner.create({ data: { userId: u.id, ownerId } });
  return { id: u.id, email: u.email, name: u.name, role };
}
const classOf = (id: number) => t.db.prisma.errorClass.findUniqueOrThrow({ where: { id } });
const decisionsOf = (id: number) => t.db.prisma.classDecision.findMany({ where: { classId: id }, orderBy: { id: 'asc' } });
const reset = (id: number) => t.db.prisma.errorClass.update({ where: { id }, data: { status: 'open', assigneeId: null, ownerSource: 'auto', ownerRule: 'stage-owner' } });

beforeAll(async () => {
  t = await createTestDb();
  await ingestRuns(t.db, [
    { rollout: 'b1', stage: 'image-pull', at: '2026-11-17T09:00:00Z', message: 'pull of img:2 timed out after 31s', service: 'feed-api' },
    { rollout: 'b2', stage: 'health-check', at: '2026-11-18T09:00:00Z', message: 'health check GET /healthz returned 503 after 3 attempts', service: 'user-svc' },
  ]);
  await classifyAndRank({ db: t.db, settings, week: '2026-W47' });
  const classes = await t.db.prisma.errorClass.findMany();
  pull = classes.find((c) => c.template.startsWith('pull of'))!.id;
  health = classes.find((c) => c.template.startsWith('health check'))!.id;
});
afterAll(async () => t?.close());
beforeEach(async () => {
  await t.db.prisma.classDecision.deleteMany();
  await reset(pull);
  await reset(health);
});

describe('assign to me', () => {
  it('assigns to the person whose e-mail is the account\'s (any case), keeping the routed team', async () => {
    const me = await user('aisha.khan@example.com');
    await t.db.prisma.owner.update({ where: { id: 'aisha.khan' }, data: { email: 'Aisha.Khan@Example.com' } });
    expect(await runRowTriage(t.db, { user: me, classId: pull, op: 'assign' })).toBe('assigned to you (Aisha Khan)');
    // The pull class is routed to the registry team; Aisha (SRE) takes it without moving it.
    expect(await classOf(pull)).toMatchObject({ ownerId: 'registry', assigneeId: 'aisha.khan', ownerSource: 'manual', ownerRule: 'manual' });
    expect(await decisionsOf(pull)).toMatchObject([{ kind: 'owner', actor: me.email, value: { ownerId: 'registry', assigneeId: 'aisha.khan', self: true } }]);
    expect(await runRowTriage(t.db, { user: me, classId: pull, op: 'assign' })).toBe('already assigned to you (Aisha Khan)');
    expect(await decisionsOf(pull)).toHaveLength(1);
  });

  it('assigns to a person an admin linked to the account, and gives a class without a team the person\'s', async () => {
    const me = await user('tom@elsewhere.test', 'admin', ['tom.becker']);
    await t.db.prisma.errorClass.update({ where: { id: health }, data: { ownerId: null } });
    await runRowTriage(t.db, { user: me, classId: health, op: 'assign' });
    expect(await classOf(health)).toMatchObject({ ownerId: 'compute', assigneeId: 'tom.becker' });
    await t.db.prisma.errorClass.update({ where: { id: health }, data: { ownerId: 'sre' } });
  });

  it('says an admin can link the account in Settings when it acts for no person, and changes nothing', async () => {
    for (const me of [await user('nobody@e2e.test'), await user('lead@e2e.test', 'engineer', ['sre'])]) {
      await expect(runRowTriage(t.db, { user: me, classId: pull, op: 'assign' })).rejects.toMatchObject({
        status: 400, message: expect.stringMatching(new RegExp(`^your account \\(${me.email}\\) acts for no person .*an admin can link it to one in Settings`)),
      });
    }
    expect(await classOf(pull)).toMatchObject({ assigneeId: null, ownerSource: 'auto' });
    expect(await decisionsOf(pull)).toEqual([]);
  });
});

describe('acknowledge, resolve and reopen from a row', () => {
  it('records each as a decision by the account\'s e-mail, and a repeat as nothing', async () => {
    const me = await user('row-ops@e2e.test');
    const now = new Date('2026-11-20T10:00:00Z');
    expect(await runRowTriage(t.db, { user: me, classId: health, op: 'acknowledge', now })).toBe('acknowledged');
    expect(await runRowTriage(t.db, { user: me, classId: health, op: 'acknowledge', now })).toBe('already acknowledged');
    expect(await runRowTriage(t.db, { user: me, classId: health, op: 'resolve', now })).toBe('resolved');
    expect(await classOf(health)).toMatchObject({ status: 'resolved', resolvedAt: now });
    expect(await runRowTriage(t.db, { user: me, classId: health, op: 'reopen', now })).toBe('reopened');
    const recorded = await decisionsOf(health);
    expect(recorded.map((d) => [d.kind, d.value, d.actor, d.createdAt])).toEqual([
      ['status', { status: 'acknowledged' }, me.email, now], ['status', { status: 'resolved' }, me.email, now], ['status', { status: 'open' }, me.email, now],
    ]);
    await expect(runRowTriage(t.db, { user: me, classId: 2_000_000, op: 'resolve' })).rejects.toMatchObject({ status: 400, message: 'error class 2000000 does not exist' });
  });

  it('refuses a viewer (403) and a stranger (401), changing nothing', async () => {
    const viewer = await user('viewer-row@e2e.test', 'viewer', ['aisha.khan']);
    for (const op of ['assign', 'acknowledge', 'resolve', 'reopen'] as const) {
      await expect(runRowTriage(t.db, { user: viewer, classId: pull, op })).rejects.toMatchObject({ status: 403, message: 'this needs the engineer role; you are a viewer' });
      await expect(runRowTriage(t.db, { user: null, classId: pull, op })).rejects.toMatchObject({ status: 401 });
    }
    expect(await decisionsOf(pull)).toEqual([]);
    expect(await classOf(pull)).toMatchObject({ status: 'open', assigneeId: null });
  });

  it('offers only the decisions that change the class', () => {
    expect(rowOpsFor('open', false)).toEqual(['assign', 'acknowledge', 'resolve']);
    expect(rowOpsFor('open', true)).toEqual(['acknowledge', 'resolve']);
    expect(rowOpsFor('acknowledged', false)).toEqual(['assign', 'resolve']);
    expect(rowOpsFor('resolved', false)).toEqual(['reopen']);
    expect(rowOpsFor('ignored', true)).toEqual(['reopen']);
    expect(rowOpsFor('merged', false)).toEqual([]);
  });

  it('parses a row form, naming the bad field', () => {
    fc.assert(fc.property(fc.string({ maxLength: 30 }), fc.string({ maxLength: 30 }), (id, op) => {
      const parsed = rowTriageSchema.safeParse({ id, op });
      const idOk = /^\d{1,10}$/.test(id) && Number(id) >= 1 && Number(id) <= 2_147_483_647;
      const opOk = ['assign', 'acknowledge', 'resolve', 'reopen'].includes(op);
      expect(parsed.success).toBe(idOk && opOk);
      if (!parsed.success) expect(parsed.error.issues.map((i) => i.path[0]).sort()).toEqual([...(idOk ? [] : ['id']), ...(opOk ? [] : ['op'])]);
    }));
  });
});

describe('the owner picker\'s server side', () => {
  it('gives a person picked without a team their team, and refuses a person outside the team picked', async () => {
    await setClassOwner(t.db, { classId: pull, ownerId: null, assigneeId: 'li.wei', actor: 'picker@e2e.test' });
    expect(await classOf(pull)).toMatchObject({ ownerId: 'registry', assigneeId: 'li.wei', ownerSource: 'manual' });
    await expect(setClassOwner(t.db, { classId: pull, ownerId: 'sre', assigneeId: 'li.wei', actor: 'picker@e2e.test' }))
      .rejects.toThrow('assignee: Li Wei is not in team SRE; pick one of its people, or the person alone');
    await setClassOwner(t.db, { classId: pull, ownerId: null, actor: 'picker@e2e.test' });
    expect(await classOf(pull)).toMatchObject({ ownerSource: 'auto' });
  });
});

describe('the "mine" filter', () => {
  it('lists the classes assigned to one of my persons or owned by one of my teams, and nothing without owners', async () => {
    const teams = ['registry', 'sre', 'compute'];
    const persons = ['li.wei', 'aisha.khan', 'tom.becker'];
    const mineOf = async (mine: { persons: string[]; teams: string[] } | undefined) =>
      (await listErrorClasses(t.db, classFiltersSchema.parse({ mine: '1', week: '2026-W47' }), { mine })).rows.map((r) => r.id).sort((a, b) => a - b);
    await fc.assert(fc.asyncProperty(
      fc.tuple(fc.constantFrom(...teams), fc.option(fc.constantFrom(...persons))), fc.tuple(fc.constantFrom(...teams), fc.option(fc.constantFrom(...persons))),
      fc.subarray(persons), fc.subarray(teams),
      async ([pullTeam, pullPerson], [healthTeam, healthPerson], myPersons, myTeams) => {
        await t.db.prisma.errorClass.update({ where: { id: pull }, data: { ownerId: pullTeam, assigneeId: pullPerson } });
        await t.db.prisma.errorClass.update({ where: { id: health }, data: { ownerId: healthTeam, assigneeId: healthPerson } });
        const my = new Set([...myPersons, ...myTeams]);
        const expected = [[pull, pullTeam, pullPerson], [health, healthTeam, healthPerson] as const]
          .filter(([, team, person]) => my.has(team as string) || (person !== null && my.has(person as string))).map(([id]) => id as number).sort((a, b) => a - b);
        expect(await mineOf({ persons: myPersons, teams: myTeams })).toEqual(expected);
      },
    ), { numRuns: 25 });
    expect(await mineOf(undefined)).toEqual([]);
    expect((await listErrorClasses(t.db, classFiltersSchema.parse({ week: '2026-W47' }))).rows).toHaveLength(2);
    expect(classFiltersSchema.safeParse({ mine: 'yes' }).error?.issues.map((i) => [i.path[0], i.message])).toEqual([['mine', '"yes" is not one of 1']]);
  });
});
