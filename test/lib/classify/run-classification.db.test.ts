import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getClassBreakdown } from '../../../lib/classify/class-breakdown';
import { addClassNote, mergeClasses, renameClass, setClassCategory, setClassOwner, setClassStatus } from '../../../lib/classify/decisions';
import { runClassification } from '../../../lib/classify/run-classification';
import { loadCategoryConfig, parseRoutingConfig, type RoutingConfig } from '../../../lib/classify/rules';
import { createTestDb, type TestDb } from '../../helpers/db';
import { ingestRuns } from '../../helpers/ingest';

let t: TestDb;
const categories = loadCategoryConfig(null);
const noRules = parseRoutingConfig({ rules: [] }, 'test');
const classify = (routing: RoutingConfig = noRules) => runClassification({ db: t.db, categories, routing });
const classOf = async (message: string) => {
  const e = await t.db.prisma.errorEvent.findFirstOrThrow({ where: { message }, include: { errorClass: true } });
  return e.errorClass!;
};

beforeAll(async () => {
  t = await createTestDb();
});
afterAll(async () => t?.close());

describe('classification of error events', () => {
  it('gives each template one class, across stages, with its figures, category and stage owner', async () => {
    await ingestRuns(t.db, [
      { rollout: 'r1', stage: 'image-push', at: '2026-11-16T10:00:00Z', message: 'registry.example.com/v2/feed/blobs: connection refused after 30s', host: 'pre-1' },
      { rollout: 'r2', stage: 'image-pull', at: '2026-11-17T10:00:00Z', message: 'registry.example.com/v2/user/blobs: connection refused after 12s', host: 'web-1' },
      { rollout: 'r3', stage: 'image-pull', at: '2026-11-18T10:00:00Z', message: 'registry.example.com/v2/api/blobs: connection refused after 5s', host: 'web-2' },
      { rollout: 'r4', stage: 'health-check', at: '2026-11-18T11:00:00Z', message: 'health check GET /healthz returned 503 after 3 attempts', host: 'web-2' },
    ]);
    const result = await classify();
    expect(result).toMatchObject({ events: 4, classesCreated: 2, classesMerged: 0 });
    const registry = await classOf('registry.example.com/v2/api/blobs: connection refused after 5s');
    expect(registry).toMatchObject({ template: '<*>: connection refused after <*>', eventCount: 3, dominantStage: 'image-pull', category: 'image-registry', ownerId: 'registry', ownerRule: 'stage-owner' });
    expect(registry.firstSeen?.toISOString()).toBe('2026-11-16T10:00:00.000Z');
    expect(registry.lastSeen?.toISOString()).toBe('2026-11-18T10:00:00.000Z');
    expect(await classOf('health check GET /healthz returned 503 after 3 attempts')).toMatchObject({ category: 'health-check', ownerId: 'sre' });
    expect(await getClassBreakdown(t.db, registry.id)).toEqual({
      byStage: [{ key: 'image-pull', n: 2 }, { key: 'image-push', n: 1 }],
      byService: [{ key: 'feed-api', n: 3 }],
      byHost: [{ key: 'pre-1', n: 1 }, { key: 'web-1', n: 1 }, { key: 'web-2', n: 1 }],
    });
  });

  it('classifies only what is new, idempotently, and keeps class keys stable across a restart of the miner', async () => {
    const before = await t.db.prisma.errorClass.findMany({ orderBy: { id: 'asc' } });
    expect(await classify()).toMatchObject({ events: 0, classesCreated: 0, classesUpdated: 0 });
    // A later run (a new process: the miner is read back from the database) sees a differently numbered message.
    await ingestRuns(t.db, [{ rollout: 'r5', stage: 'image-pull', at: '2026-11-19T10:00:00Z', message: 'registry.example.com/v2/x/blobs: connection refused after 999s' }]);
    expect(await classify()).toMatchObject({ events: 1, classesCreated: 0 });
    const after = await t.db.prisma.errorClass.findMany({ orderBy: { id: 'asc' } });
    expect(after.map((c) => [c.id, c.key])).toEqual(before.map((c) => [c.id, c.key]));
    expect((await classOf('registry.example.com/v2/x/blobs: connection refused after 999s')).id).toBe(before[0]!.id);
  });

  it('routes by the first matching rule, records the rule, and re-routes when the rules change', async () => {
    const routing = parseRoutingConfig(
      { rules: [
        { id: 'feed-services', owner: 'traffic', match: { service: ['feed-*'], category: ['health-check'] } },
        { id: 'registry-to-compute', owner: 'compute', assignee: 'chen.jing', match: { template: 'connection refused' } },
        { id: 'never-reached', owner: 'build', match: { template: 'connection refused' } },
      ] },
      'test',
    );
    await classify(routing);
    expect(await classOf('health check GET /healthz returned 503 after 3 attempts')).toMatchObject({ ownerId: 'traffic', ownerRule: 'feed-services' });
    expect(await classOf('registry.example.com/v2/api/blobs: connection refused after 5s')).toMatchObject({ ownerId: 'compute', assigneeId: 'chen.jing', ownerRule: 'registry-to-compute' });
    await classify();
    expect(await classOf('health check GET /healthz returned 503 after 3 attempts')).toMatchObject({ ownerId: 'sre', assigneeId: null, ownerRule: 'stage-owner' });
  });

  it('rejects routing rules that name an unknown team', async () => {
    const bad = parseRoutingConfig({ rules: [{ id: 'x', owner: 'nobody', match: {} }] }, 'test');
    await expect(classify(bad)).rejects.toThrow(/routing rules\.0\.owner: "nobody" is not a team/);
  });

  it('never overrides decisions made in triage, and records who made them', async () => {
    const health = await classOf('health check GET /healthz returned 503 after 3 attempts');
    await setClassOwner(t.db, { classId: health.id, ownerId: 'traffic', assigneeId: 'nina.patel', actor: 'alice' });
    await setClassCategory(t.db, { classId: health.id, category: 'network', categories: categories.categories, actor: 'alice' });
    await renameClass(t.db, { classId: health.id, name: 'Healthz 503 on feed', actor: 'bob' });
    await addClassNote(t.db, { classId: health.id, text: 'LB drains too early', actor: 'bob' });
    await setClassStatus(t.db, { classId: health.id, status: 'ignored', actor: 'bob' });
    await classify();
    await classify(parseRoutingConfig({ rules: [{ id: 'all-to-build', owner: 'build', match: {} }] }, 'test'));
    expect(await t.db.prisma.errorClass.findUniqueOrThrow({ where: { id: health.id } })).toMatchObject({
      ownerId: 'traffic', assigneeId: 'nina.patel', ownerRule: 'manual', category: 'network', name: 'Healthz 503 on feed', status: 'ignored',
    });
    const decisions = await t.db.prisma.classDecision.findMany({ where: { classId: health.id }, orderBy: { id: 'asc' } });
    expect(decisions.map((d) => [d.kind, d.actor])).toEqual([['owner', 'alice'], ['category', 'alice'], ['rename', 'bob'], ['note', 'bob'], ['status', 'bob']]);
    await setClassOwner(t.db, { classId: health.id, ownerId: null, actor: 'alice' });
    await classify();
    expect(await t.db.prisma.errorClass.findUniqueOrThrow({ where: { id: health.id } })).toMatchObject({ ownerId: 'sre', ownerRule: 'stage-owner' });
  });

  it('merges classes in triage and keeps sending their future events to the target', async () => {
    const registry = await classOf('registry.example.com/v2/api/blobs: connection refused after 5s');
    const health = await classOf('health check GET /healthz returned 503 after 3 attempts');
    await mergeClasses(t.db, { targetId: health.id, sourceIds: [registry.id], actor: 'carol' });
    await ingestRuns(t.db, [{ rollout: 'r6', stage: 'image-pull', at: '2026-11-20T10:00:00Z', message: 'registry.example.com/v2/z/blobs: connection refused after 1s' }]);
    await classify();
    expect((await classOf('registry.example.com/v2/z/blobs: connection refused after 1s')).id).toBe(health.id);
    expect(await t.db.prisma.errorClass.findUniqueOrThrow({ where: { id: registry.id } })).toMatchObject({ status: 'merged', mergedIntoId: health.id });
    expect((await t.db.prisma.errorClass.findUniqueOrThrow({ where: { id: health.id } })).eventCount).toBe(6);
  });

  it('reopens a resolved class seen again after its resolution (a regression)', async () => {
    await ingestRuns(t.db, [{ rollout: 'r7', stage: 'config-sync', at: '2026-11-10T10:00:00Z', message: 'config sync failed: key db.url missing (revision 41)' }]);
    await classify();
    const cls = await classOf('config sync failed: key db.url missing (revision 41)');
    await setClassStatus(t.db, { classId: cls.id, status: 'resolved', actor: 'dan', now: new Date('2026-11-12T00:00:00Z') });
    await classify();
    expect((await t.db.prisma.errorClass.findUniqueOrThrow({ where: { id: cls.id } })).status).toBe('resolved');
    await ingestRuns(t.db, [{ rollout: 'r8', stage: 'config-sync', at: '2026-11-19T10:00:00Z', message: 'config sync failed: key db.url missing (revision 57)' }]);
    expect(await classify()).toMatchObject({ reopened: 1 });
    expect(await t.db.prisma.errorClass.findUniqueOrThrow({ where: { id: cls.id } })).toMatchObject({ status: 'open' });
    expect((await t.db.prisma.errorClass.findUniqueOrThrow({ where: { id: cls.id } })).resolvedAt?.toISOString()).toBe('2026-11-12T00:00:00.000Z');
  });
});
