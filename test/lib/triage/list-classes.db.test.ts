import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setClassStatus } from '../../../lib/classify/decisions';
import { classifyAndRank } from '../../../lib/rank/classify-and-rank';
import { getClassDetail, templateSegments } from '../../../lib/triage/class-detail';
import { classFiltersSchema, listErrorClasses } from '../../../lib/triage/list-classes';
import { createTestDb, type TestDb } from '../../helpers/db';
import { ingestRuns, type RunSpec } from '../../helpers/ingest';

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
