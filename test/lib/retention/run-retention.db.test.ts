import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addRunRollups } from '../../../lib/ingest/rollup-runs';
import { getStagesView } from '../../../lib/metrics/stages';
import { getTrends } from '../../../lib/metrics/trends';
import { computeRetentionHorizon, describeRetentionGap, retentionNotice } from '../../../lib/retention/horizon';
import { runRetention } from '../../../lib/retention/run-retention';
import { inTransaction } from '../../../lib/sql';
import { addDays } from '../../../lib/time/day';
import { createTestDb, type TestDb } from '../../helpers/db';
import { ingestRuns, type RunSpec } from '../../helpers/ingest';
import { deriveDayRollups } from '../metrics/derived-rollups';

// Retention deletes exactly the rollouts (with their stage runs and error events) that started
// before the horizon, in batches, and leaves every rollup figure as it was.

let t: TestDb;
beforeAll(async () => {
  t = await createTestDb();
});
afterAll(async () => t?.close());

const FIRST_DAY = '2026-01-01';
const NOW = new Date('2026-07-20T12:00:00Z');
let serial = 0;

/** A rollout of 1–3 stage runs on a day, some failed, one possibly crossing into the next day. */
const rollout = fc.record({
  offset: fc.integer({ min: 0, max: 200 }),
  runs: fc.array(
    fc.record({
      stage: fc.constantFrom('test-build', 'container-start'),
      failed: fc.boolean(),
      lateHours: fc.integer({ min: 0, max: 30 }),
    }),
    { minLength: 1, maxLength: 3 },
  ),
});

type RolloutSpec = { offset: number; runs: { stage: string; failed: boolean; lateHours: number }[] };

function specsOf(rollouts: RolloutSpec[]): RunSpec[] {
  return rollouts.flatMap((r) => {
    const id = `rt${(serial += 1)}`;
    const start = Date.parse(`${addDays(FIRST_DAY, r.offset)}T20:00:00Z`);
    return r.runs.map((run, i) => ({
      rollout: id, stage: run.stage, attempt: i + 1,
      at: new Date(start + (i === 0 ? 0 : run.lateHours) * 3_600_000).toISOString(),
      ...(run.failed ? { message: `boom ${i}` } : {}),
    }));
  });
}

/** The rollups kept at ingest, rebuilt from the stored runs (the store keeps them in production). */
async function rebuildRunRollups(): Promise<void> {
  await t.db.prisma.stageRunDaySpan.deleteMany();
  await t.db.prisma.dailyStageRollup.deleteMany();
  const select = { id: true, day: true, stageKey: true, status: true, attempt: true, manual: true };
  const runs = await t.db.prisma.stageRun.findMany({ select, orderBy: { id: 'asc' } });
  await inTransaction(t.db, (tx) => addRunRollups(tx, t.db.kind, runs));
}

const rollups = async () => ({
  daily: await t.db.prisma.dailyRollup.findMany({ orderBy: [{ day: 'asc' }, { stageKey: 'asc' }, { service: 'asc' }] }),
  stages: await t.db.prisma.dailyStageRollup.findMany({ orderBy: [{ day: 'asc' }, { stageKey: 'asc' }] }),
});

describe('retention', () => {
  it('deletes the rollouts started before the horizon, their runs and events, in batches; keeps rollups', async () => {
    const lists = fc.array(rollout, { minLength: 1, maxLength: 25 });
    const [retention, batches] = [fc.integer({ min: 97, max: 220 }), fc.integer({ min: 1, max: 6 })];
    await fc.assert(
      fc.asyncProperty(lists, retention, batches, async (rs, days, batch) => {
        await ingestRuns(t.db, specsOf(rs));
        await rebuildRunRollups();
        const before = await rollups();
        const horizon = computeRetentionHorizon(days, NOW, 'UTC')!;
        const rollouts = await t.db.prisma.rollout.findMany({ select: { id: true, day: true } });
        const kept = new Set(rollouts.filter((r) => r.day >= horizon).map((r) => r.id));
        const runs = await t.db.prisma.stageRun.count({ where: { rolloutId: { notIn: [...kept] } } });
        const events = await t.db.prisma.errorEvent.count({ where: { rolloutId: { notIn: [...kept] } } });
        const result = await runRetention({
          db: t.db, retentionDays: days, now: NOW, timeZone: 'UTC', batchRollouts: batch,
        });
        const deleted = rollouts.length - kept.size;
        expect(result).toMatchObject({ horizon, rollouts: deleted, stageRuns: runs, errorEvents: events });
        expect(result.batches).toBe(Math.ceil((rollouts.length - kept.size) / batch));
        expect(new Set((await t.db.prisma.rollout.findMany({ select: { id: true } })).map((r) => r.id))).toEqual(kept);
        const gone = { OR: [{ day: { lt: horizon } }, { rolloutId: { notIn: [...kept] } }] };
        expect(await t.db.prisma.stageRun.count({ where: gone })).toBe(0);
        const withEvent = await t.db.prisma.stageRun.count({ where: { error: { isNot: null } } });
        expect(await t.db.prisma.errorEvent.count()).toBe(withEvent);
        expect(await t.db.prisma.errorEvent.count({ where: { rolloutId: { notIn: [...kept] } } })).toBe(0);
        expect(await t.db.prisma.stageRunDaySpan.count({ where: { day: { lt: horizon } } })).toBe(0);
        expect(await rollups()).toEqual(before);
      }),
      { numRuns: 15, seed: 20261201 },
    );
  });

  it('deletes nothing when no retention is set', async () => {
    await ingestRuns(t.db, specsOf([{ offset: 0, runs: [{ stage: 'test-build', failed: true, lateHours: 0 }] }]));
    const count = await t.db.prisma.stageRun.count();
    expect(await runRetention({ db: t.db, retentionDays: null, now: NOW, timeZone: 'UTC' })).toEqual({
      horizon: null, rollouts: 0, stageRuns: 0, errorEvents: 0, batches: 0,
    });
    expect(await t.db.prisma.stageRun.count()).toBe(count);
  });
});

describe('figures of deleted periods', () => {
  it('stay on /trends and the stages page as they were before the raw rows went', async () => {
    const runs = (i: number) => [
      { stage: 'test-build', failed: i % 3 === 0, lateHours: 0 },
      { stage: 'container-start', failed: i % 4 === 0, lateHours: 2 },
    ];
    await ingestRuns(t.db, specsOf(Array.from({ length: 40 }, (_, i) => ({ offset: i * 5, runs: runs(i) }))));
    await deriveDayRollups(t.db);
    const targets = {
      successRate: 0.95, stageSuccessRate: 0.99, yield: 0.8, unattendedRate: 0.95, rolloutsPerWeek: null,
    };
    const figures = async () => ({
      trends: await getTrends(t.db, { weeks: 52, timeZone: 'UTC', targets, now: NOW }),
      stages: await getStagesView(t.db, { from: '2026-01-01', to: '2026-03-31' }),
    });
    const before = await figures();
    const rolloutsKpi = before.trends.kpis.find((k) => k.key === 'rollouts')!;
    const weeksWithRollouts = rolloutsKpi.points.filter((p) => p.value !== null);
    expect(weeksWithRollouts.length).toBeGreaterThan(20);
    const deleted = await runRetention({ db: t.db, retentionDays: 91, now: NOW, timeZone: 'UTC' });
    expect(deleted.rollouts).toBeGreaterThan(10);
    expect(await figures()).toEqual(before);
  });
});

describe('the retention horizon', () => {
  it('keeps the retention days counting today, in the time zone', () => {
    expect(computeRetentionHorizon(91, new Date('2026-07-20T23:30:00Z'), 'UTC')).toBe('2026-04-21');
    expect(computeRetentionHorizon(91, new Date('2026-07-20T23:30:00Z'), 'Asia/Tokyo')).toBe('2026-04-22');
    expect(computeRetentionHorizon(null, NOW, 'UTC')).toBeNull();
  });

  it('says raw rows are missing only for a range starting before the horizon', () => {
    expect(describeRetentionGap(null, '2020-01-01')).toBeNull();
    expect(describeRetentionGap('2026-04-21', '2026-04-21')).toBeNull();
    const notice = describeRetentionGap('2026-04-21', '2026-04-20');
    expect(notice).toMatch(/before 2026-04-21 are no longer kept \(ROLLSCOPE_RETENTION_DAYS\)/);
    expect(describeRetentionGap('2026-04-21', null)).toMatch(/no longer kept/);
    expect(retentionNotice({ retentionDays: 91, timeZone: 'UTC' }, '2026-04-20', NOW)).toMatch(/before 2026-04-21/);
    expect(retentionNotice({ retentionDays: 91, timeZone: 'UTC' }, '2026-04-21', NOW)).toBeNull();
    expect(retentionNotice({ retentionDays: null, timeZone: 'UTC' }, '2000-01-01', NOW)).toBeNull();
  });
});
