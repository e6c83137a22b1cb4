import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listQuarantine } from '../../../lib/ingest/quarantine';
import { ingestStream, prepareIngest } from '../../../lib/ingest/sources';
import { getStageDrilldown, getStagesView, rangeSchema, resolveRange } from '../../../lib/metrics/stages';
import { runClassification } from '../../../lib/classify/run-classification';
import { loadCategoryConfig, loadRoutingConfig } from '../../../lib/classify/rules';
import { createTestDb, type TestDb } from '../../helpers/db';
import { ingestRuns } from '../../helpers/ingest';
import { bytes } from '../../helpers/streams';

let t: TestDb;
beforeAll(async () => {
  t = await createTestDb();
  await ingestRuns(t.db, [
    { rollout: 'r1', stage: 'test-build', at: '2026-11-18T09:00:00Z' },
    { rollout: 'r1', stage: 'image-pull', at: '2026-11-18T09:10:00Z', message: 'pull timed out after 30s', host: 'web-1' },
    { rollout: 'r1', stage: 'image-pull', attempt: 2, at: '2026-11-18T09:20:00Z' },
    { rollout: 'r2', stage: 'test-build', at: '2026-11-19T09:00:00Z', service: 'user-svc' },
    { rollout: 'r2', stage: 'image-pull', at: '2026-11-19T09:10:00Z', service: 'user-svc' },
    { rollout: 'r0', stage: 'image-pull', at: '2026-11-10T09:10:00Z' },
  ]);
  await runClassification({ db: t.db, categories: loadCategoryConfig(null), routing: loadRoutingConfig(null) });
});
afterAll(async () => t?.close());

describe('the stages view', () => {
  it('defaults to the last 7 days and keeps ranges sane', () => {
    const now = new Date('2026-11-20T12:00:00Z');
    expect(resolveRange({}, 'UTC', now)).toEqual({ from: '2026-11-14', to: '2026-11-20' });
    expect(resolveRange({ from: '2026-11-30', to: '2026-11-20' }, 'UTC', now)).toEqual({ from: '2026-11-20', to: '2026-11-20' });
    expect(resolveRange({ from: '2025-01-01', to: '2026-11-20' }, 'UTC', now).from).toBe('2026-08-21');
  });

  it('shows the week a digest links to, and refuses a week given with days', () => {
    expect(resolveRange({ week: '2026-W47' }, 'UTC', new Date('2026-12-01T12:00:00Z'))).toEqual({ from: '2026-11-16', to: '2026-11-22' });
    expect(rangeSchema.safeParse({ week: '2026-W47', from: '2026-11-01' }).error?.issues.map((i) => [i.path.join('.'), i.message])).toEqual([['week', 'give either week or from/to, not both']]);
    expect(rangeSchema.safeParse({ week: '2026-W99' }).success).toBe(false);
  });

  it('gives each stage its rates, the change vs the previous period, the cumulative yield and daily rates', async () => {
    const stages = await getStagesView(t.db, { from: '2026-11-14', to: '2026-11-20' });
    const build = stages.find((s) => s.key === 'test-build')!;
    const pull = stages.find((s) => s.key === 'image-pull')!;
    expect(build).toMatchObject({ attempts: 2, successRate: 1, firstPassRate: 1, cumulativeYield: 1 });
    expect(pull).toMatchObject({ attempts: 3, failures: 1, successes: 2, firstPassRate: 0.5, previousRate: 1, cumulativeYield: 0.5 });
    expect(pull.daily.find((d) => d.day === '2026-11-18')!.rate).toBe(0.5);
    expect(pull.daily.find((d) => d.day === '2026-11-15')!.rate).toBeNull();
    const weekly = (await getStagesView(t.db, { from: '2026-11-09', to: '2026-11-22' }, 'week')).find((s) => s.key === 'image-pull')!;
    expect(weekly.daily).toEqual([{ day: '2026-W46', rate: 1 }, { day: '2026-W47', rate: 2 / 3 }]);
  });

  it("drills into a stage's classes, services and hosts", async () => {
    const d = (await getStageDrilldown(t.db, 'image-pull', { from: '2026-11-14', to: '2026-11-20' }))!;
    expect(d.classes).toEqual([expect.objectContaining({ title: 'pull timed out after <*>', failures: 1 })]);
    expect(d.services[0]).toMatchObject({ service: 'feed-api', attempts: 2, failures: 1 });
    expect(d.hosts).toEqual([{ host: 'web-1', failures: 1 }]);
    expect(await getStageDrilldown(t.db, 'nope', { from: '2026-11-14', to: '2026-11-20' })).toBeNull();
  });
});

describe('the quarantine', () => {
  it('lists rejected lines with source, line, field and reason, by input', async () => {
    const target = await prepareIngest(t.db, { chainFile: null, timeZone: 'UTC', maxLineBytes: 65536 }, { admission: false });
    const s = await ingestStream(target, { source: 'bad.ndjson', format: 'ndjson', input: bytes('{oops\n{"rollout":"x"}\n') });
    const q = await listQuarantine(t.db, { batchId: s.batchId });
    expect(q.total).toBe(2);
    expect(q.lines.map((l) => [l.source, l.line, l.field])).toEqual([['bad.ndjson', 1, null], ['bad.ndjson', 2, 'service']]);
    expect(q.batches.map((b) => b.source)).toContain('bad.ndjson');
  });
});
