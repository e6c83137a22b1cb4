import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setClassStatus } from '../../../lib/classify/decisions';
import { classifyAndRank } from '../../../lib/rank/classify-and-rank';
import { getClassDetail, templateSegments } from '../../../lib/triage/class-detail';
import { getClassWeek } from '../../../lib/triage/class-week';
import { classFiltersSchema, listErrorClasses } from '../../../lib/triage/list-classes';
import { createTestDb, type TestDb } from '../../helpers/db';
import { ingestRuns, type RunSpec } from '../../helpers/ingest';
import { makeOldSnapshot } from '../../helpers/old-snapshot';

let t: TestDb;
const settings = { timeZone: 'UTC', categoriesFile: null, routingFile: null };
const runs: RunSpec[] = [
  { rollout: 'a1', stage: 'image-pull', at: '2026-11-10T09:00:00Z', message: 'pull of img:1 timed out after 30s', service: 'feed-api' },
  { rollout: 'b1', stage: 'image-pull', at: '2026-11-17T09:00:00Z', message: 'pull of img:2 timed out after 31s', service: 'feed-api' },
  { rollout: 'b2', stage: 'image-pull', at: '2026-11-17T10:00:00Z', message: 'pull of img:3 timed out after 32s', service: 'user-svc' },
  { rollout: 'b3', stage: 'health-check', at: '2026-11-18T09:00:00Z', message: 'health check GET /healthz returned 503 after 3 attempts', service: 'user-svc' },
];
// The miner's exact spelling of a template is its own business: the list is judged by which classes it shows.
const PULL = expect.stringMatching(/^pull of .*<\*>.* timed out after <\*>$/);
const HEALTH = expect.stringMatching(/^health check GET <\*> returned <\*> after <\*> attempts$/);
const list = (query: Record<string, string>) => listErrorClasses(t.db, classFiltersSchema.parse(query));

beforeAll(async () => {
  t = await createTestDb();
  await ingestRuns(t.db, runs);
  await classifyAndRank({ db: t.db, settings, week: '2026-W46' });
  await classifyAndRank({ db: t.db, settings, week: '2026-W47' });
});
afterAll(async () => t?.close());

describe('the error-class list', () => {
  it('shows the latest ranked week by default, in rank order, with a trend per class', async () => {
    const l = await list({});
    expect(l.weeks).toEqual(['2026-W47', '2026-W46']);
    expect(l.week).toBe('2026-W47');
    expect(l.rows.map((r) => r.template)).toEqual([PULL, HEALTH]);
    expect(l.rows[0]!.trend).toEqual([{ week: '2026-W46', failures: 1 }, { week: '2026-W47', failures: 2 }]);
  });

  it('opens on the week the digest reports, never on a later one in progress', async () => {
    const open = (defaultWeek: string) => listErrorClasses(t.db, classFiltersSchema.parse({}), { defaultWeek });
    // Tuesday of W47: the digest reported W46, so the list does too; W47 stays one pick away.
    expect((await open('2026-W46')).week).toBe('2026-W46');
    expect((await open('2026-W46')).weeks).toEqual(['2026-W47', '2026-W46']);
    expect((await open('2026-W47')).week).toBe('2026-W47');
    // A reported week without a ranking: the newest ranked week before it.
    expect((await open('2026-W50')).week).toBe('2026-W47');
    // A week named in the URL wins.
    expect((await listErrorClasses(t.db, classFiltersSchema.parse({ week: '2026-W47' }), { defaultWeek: '2026-W46' })).week).toBe('2026-W47');
  });

  it('filters by stage, service, owner, category, badge and status, and ignores bad values', async () => {
    expect((await list({ stage: 'health-check' })).rows.map((r) => r.stage)).toEqual(['health-check']);
    expect((await list({ service: 'feed-api' })).rows).toHaveLength(1);
    expect((await list({ owner: 'sre' })).rows.map((r) => r.ownerId)).toEqual(['sre']);
    expect((await list({ category: 'image-registry' })).rows).toHaveLength(1);
    expect((await list({ badge: 'new' })).rows.map((r) => r.template)).toEqual([HEALTH]);
    const health = (await list({ stage: 'health-check' })).rows[0]!;
    await setClassStatus(t.db, { classId: health.id, status: 'ignored', actor: 'test' });
    expect((await list({ status: 'active' })).rows).toHaveLength(1);
    expect((await list({ status: 'ignored' })).rows).toHaveLength(1);
    expect(classFiltersSchema.safeParse({ week: 'garbage', sort: 'nonsense', page: '-3' }).error?.issues.map((i) => i.path[0])).toEqual(['week', 'sort', 'page']);
    expect((await list({ week: '2026-W46' })).rows).toHaveLength(1);
  });

  it('sorts and pages', async () => {
    expect((await list({ sort: 'failures' })).rows[0]!.failures).toBe(2);
    const page2 = await list({ page: '2' });
    expect(page2.rows).toEqual([]);
    expect(page2.total).toBe(2);
  });
});

describe('the class page', () => {
  it('splits the template into constant text and parameters', () => {
    expect(templateSegments('pull of <*> timed out')).toEqual([
      { text: 'pull ', param: false }, { text: 'of ', param: false }, { text: '<*> ', param: true }, { text: 'timed ', param: false }, { text: 'out', param: false },
    ]);
  });

  it('gathers samples, a zero-filled timeline, breakdowns and readable history', async () => {
    const id = (await list({ stage: 'image-pull' })).rows[0]!.id;
    await setClassStatus(t.db, { classId: id, status: 'acknowledged', actor: 'ann@example.com' });
    const d = (await getClassDetail(t.db, id, new Date('2026-11-20T12:00:00Z')))!;
    expect(d.samples.map((s) => s.rolloutId)).toEqual(['b2', 'b1', 'a1']);
    expect(d.timeline).toHaveLength(30);
    expect(d.timeline.find((x) => x.day === '2026-11-17')!.failures).toBe(2);
    expect(d.breakdown.byService).toEqual([{ key: 'feed-api', n: 2 }, { key: 'user-svc', n: 1 }]);
    expect(d.history[0]).toMatchObject({ kind: 'status', actor: 'ann@example.com', text: 'status → acknowledged' });
    expect(d.owner).toEqual({ id: 'registry', name: 'Image Registry' });
    expect(await getClassDetail(t.db, 99999)).toBeNull();
  });
});

describe('the error-class list over a range of days', () => {
  it('ranks classes by failures in the range, with the change vs the range before, and no weekly figures', async () => {
    const l = await list({ from: '2026-11-16', to: '2026-11-22' });
    expect(l.range).toEqual({ from: '2026-11-16', to: '2026-11-22' });
    expect(l.week).toBeNull();
    const pull = l.rows.find((r) => r.template.startsWith('pull of'))!;
    expect(pull).toMatchObject({ rank: 1, failures: 2, previousFailures: 1, failedRollouts: 2, uplift: 0, badge: '' });
    expect((await list({ from: '2026-11-16', to: '2026-11-22', service: 'user-svc' })).rows.map((r) => r.failures)).toEqual([1, 1]);
    expect(classFiltersSchema.safeParse({ from: '2026-11-22', to: '2026-11-16' }).error?.issues[0]?.path).toEqual(['to']);
    expect((await listErrorClasses(t.db, { ...classFiltersSchema.parse({}), from: '2026-11-22', to: '2026-11-16' })).week).toBe('2026-W47');
  });
});

describe('expected gain, toil and "may reveal" on the list', () => {
  let u: TestDb;
  const byTemplate = <R extends { template: string }>(rows: R[], start: string) => rows.find((r) => r.template.startsWith(start))!;
  const listU = (query: Record<string, string>) => listErrorClasses(u.db, classFiltersSchema.parse(query));
  beforeAll(async () => {
    u = await createTestDb();
    await ingestRuns(u.db, [
      { rollout: 'o1', stage: 'image-pull', at: '2026-11-10T09:00:00Z', message: 'pull of img:1 timed out after 30s' },
      // c1 gets past a pull timeout by a manual retry (toil, no failed rollout); c2 fails on a health check.
      { rollout: 'c1', stage: 'image-pull', at: '2026-11-17T09:00:00Z', message: 'pull of img:2 timed out after 31s', durationMs: 600_000 },
      { rollout: 'c1', stage: 'image-pull', attempt: 2, at: '2026-11-17T09:20:00Z', manual: true },
      { rollout: 'c1', stage: 'monitor-attach', at: '2026-11-17T09:30:00Z' },
      { rollout: 'c2', stage: 'health-check', at: '2026-11-18T09:00:00Z', message: 'health check GET /healthz returned 503 after 3 attempts' },
      { rollout: 'c3', stage: 'monitor-attach', at: '2026-11-18T10:00:00Z' },
    ]);
    await classifyAndRank({ db: u.db, settings, week: '2026-W46' });
    await makeOldSnapshot(u.db, '2026-W46');
    await classifyAndRank({ db: u.db, settings, week: '2026-W47' });
  });
  afterAll(async () => u?.close());

  it('gives each class of a new ranking its expected gain with the interval, and its toil', async () => {
    const l = await listU({ week: '2026-W47' });
    expect(l.hasImpact).toBe(true);
    const health = byTemplate(l.rows, 'health check');
    expect(health.impact).toMatchObject({ blockedRollouts: 1, finished: 3 });
    expect(health.impact!.expectedGain).toBeGreaterThan(0);
    expect(health.impact!.low).toBeLessThanOrEqual(health.impact!.expectedGain);
    expect(health.impact!.high).toBeGreaterThanOrEqual(health.impact!.expectedGain);
    const pull = byTemplate(l.rows, 'pull of');
    expect(pull.toil).toEqual({ attemptsLost: 1, timeLostMs: 600_000, manual: 1, rollouts: 1 });
    expect(pull.toilRank).toBe(1);
    expect((await listU({ week: '2026-W47', sort: 'gain' })).rows[0]!.id).toBe(health.id);
  });

  it('lists the toil view in toil order, only the classes retries got past', async () => {
    const toil = await listU({ week: '2026-W47', view: 'toil', sort: 'failures' });
    expect(toil.rows.map((r) => [r.template.slice(0, 7), r.toilRank])).toEqual([['pull of', 1]]);
    expect(classFiltersSchema.safeParse({ view: 'nonsense' }).error?.issues.map((i) => i.path[0])).toEqual(['view']);
  });

  it('names the class fixing one may reveal', async () => {
    const snapshot = await u.db.prisma.rankingSnapshot.findUniqueOrThrow({ where: { week: '2026-W47' }, include: { entries: { include: { errorClass: true } } } });
    const health = snapshot.entries.find((e) => e.errorClass.template.startsWith('health'))!;
    const pull = snapshot.entries.find((e) => e.errorClass.template.startsWith('pull'))!;
    const detail = health.detail as { impact: { hiddenBehind: unknown[] } };
    detail.impact.hiddenBehind = [{ classId: pull.classId, stageKey: 'image-pull', rollouts: 4, of: 6, group: 'service feed-api', groups: 1 }];
    await u.db.prisma.rankingEntry.update({ where: { id: health.id }, data: { detail: detail as object } });
    const row = byTemplate((await listU({ week: '2026-W47' })).rows, 'health check');
    expect(row.reveals).toEqual([{ classId: pull.classId, stageKey: 'image-pull', rollouts: 4, of: 6, group: 'service feed-api', groups: 1, title: PULL }]);
    const week = await getClassWeek(u.db, health.classId);
    expect(week.weeks).toEqual(['2026-W47']);
    expect(week.shown).toMatchObject({ week: '2026-W47', hasImpact: true, reveals: [{ classId: pull.classId, title: PULL }] });
  });

  it('shows no made-up figures for a ranking stored before they existed, nor for a range of days', async () => {
    const old = await listU({ week: '2026-W46' });
    expect(old.hasImpact).toBe(false);
    expect(old.fixTogether).toEqual([]);
    expect(old.rows.map((r) => [r.impact, r.toil, r.toilRank, r.reveals])).toEqual([[null, null, null, []]]);
    expect((await listU({ week: '2026-W46', view: 'toil' })).rows).toEqual([]);
    const range = await listU({ from: '2026-11-16', to: '2026-11-22' });
    expect(range.hasImpact).toBe(false);
    expect(range.rows.every((r) => r.impact === null && r.toil === null)).toBe(true);
    const pull = byTemplate(old.rows, 'pull of');
    expect((await getClassWeek(u.db, pull.id, '2026-W46')).shown).toMatchObject({ week: '2026-W46', hasImpact: false, impact: null, toil: null, uplift: 100 });
  });
});
