import { describe, expect, it } from 'vitest';
import { openDb, type Db } from '../../lib/db';
import { queryRows } from '../../lib/sql';
import { addDays, toDbTimestamp } from '../../lib/time/day';
import { EXPECTED_KIND } from '../helpers/db';
import { databaseBefore, insertLiterals } from '../helpers/migration-backfill';

// The migration scale_reads backfills its rollups from the rows stored before it: a database
// migrated up to the migration before it, holding stage runs (some of old days stored late, with
// ids far apart), is migrated on, and every backfilled figure equals a full scan of the rows.

const MIGRATION = '20261201184613_scale_reads';
type Run = {
  id: number; rollout: string;
  day: string; stage: string; status: string; attempt: number; manual: boolean;
};
type Rollout = { id: string; day: string; outcome: string; failedRuns: number; manualCount: number };

/** Deterministic pseudo-random data: runs of 30 days in id order, then late runs with ids from 150,000 and 320,000. */
function generate(): { runs: Run[]; rollouts: Rollout[] } {
  // mulberry32: a small seeded generator, so a failure reproduces.
  let seed = 14;
  const next = (n: number) => {
    seed = (seed + 0x6d2b79f5) | 0;
    let x = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
    return (((x ^ (x >>> 14)) >>> 0) % n);
  };
  const stages = ['test-build', 'container-start', 'prerelease-deploy'];
  const statuses = ['succeeded', 'succeeded', 'failed', 'skipped'];
  const runs: Run[] = [];
  const rollouts: Rollout[] = [];
  const add = (ids: number[], dayOf: (i: number) => string) => {
    for (const [i, id] of ids.entries()) {
      const day = dayOf(i);
      const rollout = `r${rollouts.length}`;
      const attempts = 1 + next(3);
      for (let a = 1; a <= attempts && runs.length < 100_000; a += 1) {
        const [stage, status] = [stages[next(3)]!, statuses[next(4)]!];
        runs.push({ id: id * 4 + a, rollout, day, stage, status, attempt: a, manual: next(5) === 0 });
      }
      const mine = runs.filter((r) => r.rollout === rollout);
      const failedRuns = mine.filter((r) => r.status === 'failed').length;
      const manualCount = mine.filter((r) => r.manual).length;
      const outcome = ['succeeded', 'failed', 'in_progress'][next(3)]!;
      rollouts.push({ id: rollout, day, outcome, failedRuns, manualCount });
    }
  };
  add(Array.from({ length: 600 }, (_, i) => i), (i) => addDays('2026-03-01', Math.floor(i / 20)));
  add(Array.from({ length: 60 }, (_, i) => 37_500 + i), () => addDays('2026-03-01', next(30)));
  add(Array.from({ length: 40 }, (_, i) => 80_000 + i), () => addDays('2026-03-01', next(30)));
  return { runs, rollouts };
}


async function store(db: Db, data: ReturnType<typeof generate>): Promise<void> {
  const at = toDbTimestamp(Date.parse('2026-03-01T10:00:00Z'));
  await insertLiterals(db, 'Service', ['name'], [['feed-api']]);
  const stages = ['test-build', 'container-start', 'prerelease-deploy'];
  await insertLiterals(db, 'Stage', ['key', 'name', 'position'], stages.map((k, i) => [k, k, i]));
  const rolloutCols = ['id', 'service', 'env', 'startedAt', 'day', 'outcome', 'failedRuns', 'manualCount'];
  const rollouts = data.rollouts.map((r) => [
    r.id, 'feed-api', 'online', at, r.day, r.outcome, r.failedRuns, r.manualCount,
  ]);
  await insertLiterals(db, 'Rollout', rolloutCols, rollouts);
  const runCols = [
    'id', 'key', 'rolloutId', 'service', 'stageKey', 'attempt', 'status', 'env', 'startedAt', 'day', 'manual',
  ];
  const runs = data.runs.map((r) => [
    r.id, `k${r.id}`, r.rollout, 'feed-api', r.stage, r.attempt, r.status, 'online', at, r.day, r.manual,
  ]);
  await insertLiterals(db, 'StageRun', runCols, runs);
  const daily = new Map<string, number[]>();
  for (const r of data.runs) {
    const key = `${r.day}|${r.stage}`;
    const v = daily.get(key) ?? [0, 0, 0, 0, 0, 0, 0];
    // A first attempt as DailyRollup counts it: attempt 1, not skipped.
    const first = r.attempt === 1 && r.status !== 'skipped';
    const is = (status: string) => +(r.status === status);
    [1, is('succeeded'), is('failed'), is('skipped'), +r.manual, +first, +(first && r.status === 'succeeded')]
      .forEach((x, i) => (v[i]! += x));
    daily.set(key, v);
  }
  const cols = [
    'day', 'stageKey', 'service', 'attempts', 'successes', 'failures', 'skips', 'manual',
    'firstAttempts', 'firstSuccesses',
  ];
  await insertLiterals(db, 'DailyRollup', cols, [...daily].map(([k, v]) => [...k.split('|'), 'feed-api', ...v]));
}

describe(`the migration ${MIGRATION} (${EXPECTED_KIND})`, () => {
  it('backfills the day spans and the per-stage and per-rollout-day rollups as full scans count them', async () => {
    const { url, migrateOn, cleanup } = await databaseBefore(MIGRATION);
    const data = generate();
    let db = await openDb(url);
    await store(db, data);
    await db.close();
    expect(await migrateOn()).toContain(MIGRATION);
    db = await openDb(url);
    try {
      const q = await db.bulk();
      const num = async (sql: string) => Number((await queryRows<{ n: number | string }>(q, sql, []))[0]!.n);
      // Every run lies in a span of its day; every span starts and ends on a run of its day.
      expect(await num(`SELECT COUNT(*) AS "n" FROM "StageRun" r WHERE NOT EXISTS (SELECT 1 FROM "StageRunDaySpan" s
        WHERE s."day" = r."day" AND r."id" BETWEEN s."fromId" AND s."toId")`)).toBe(0);
      expect(await num(`SELECT COUNT(*) AS "n" FROM "StageRunDaySpan" s
        WHERE NOT EXISTS (SELECT 1 FROM "StageRun" r WHERE r."day" = s."day" AND r."id" = s."fromId")
           OR NOT EXISTS (SELECT 1 FROM "StageRun" r WHERE r."day" = s."day" AND r."id" = s."toId")`)).toBe(0);
      // One span per day and block of 100,000 ids: a day's late runs cost a block each, not the table between.
      const crossing = `SELECT COUNT(*) AS "n" FROM "StageRunDaySpan" WHERE "toId" / 100000 <> "fromId" / 100000`;
      expect(await num(crossing)).toBe(0);
      expect(await num(`SELECT COUNT(*) AS "n" FROM "StageRunDaySpan"`)).toBeLessThanOrEqual(30 * 3);
      expect(data.rollouts.some((r) => r.failedRuns > 1) && data.rollouts.some((r) => r.manualCount > 1)).toBe(true);

      const stages = await db.prisma.dailyStageRollup.findMany({ orderBy: [{ day: 'asc' }, { stageKey: 'asc' }] });
      const scanned = await queryRows<Record<string, string | number>>(q, `SELECT "day", "stageKey",
        COUNT(*) AS "attempts",
        SUM(CASE WHEN "status" = 'succeeded' THEN 1 ELSE 0 END) AS "successes",
        SUM(CASE WHEN "status" = 'failed' THEN 1 ELSE 0 END) AS "failures",
        SUM(CASE WHEN "status" = 'skipped' THEN 1 ELSE 0 END) AS "skips",
        SUM(CASE WHEN "manual" THEN 1 ELSE 0 END) AS "manual",
        SUM(CASE WHEN "attempt" = 1 AND "status" <> 'skipped' THEN 1 ELSE 0 END) AS "firstAttempts",
        SUM(CASE WHEN "attempt" = 1 AND "status" = 'succeeded' THEN 1 ELSE 0 END) AS "firstSuccesses"
        FROM "StageRun" GROUP BY "day", "stageKey" ORDER BY "day", "stageKey"`, []);
      const numbers = (r: Record<string, string | number>) =>
        Object.fromEntries(Object.entries(r).map(([k, v]) => [k, /^(day|stageKey)$/.test(k) ? v : Number(v)]));
      expect(stages.length).toBeGreaterThan(60);
      expect(stages).toEqual(scanned.map(numbers));

      const days = await db.prisma.rolloutDayRollup.findMany({ orderBy: [{ day: 'asc' }, { outcome: 'asc' }] });
      type DayRow = { day: string; outcome: string; rollouts: number; noFailedRuns: number; noManual: number };
      const expected = new Map<string, DayRow>();
      for (const r of data.rollouts) {
        const e = expected.get(`${r.day}|${r.outcome}`) ??
          { day: r.day, outcome: r.outcome, rollouts: 0, noFailedRuns: 0, noManual: 0 };
        e.rollouts += 1;
        e.noFailedRuns += +(r.failedRuns === 0);
        e.noManual += +(r.manualCount === 0);
        expected.set(`${r.day}|${r.outcome}`, e);
      }
      expect(days.length).toBeGreaterThan(60);
      const order = (a: DayRow, b: DayRow) => a.day.localeCompare(b.day) || a.outcome.localeCompare(b.outcome);
      expect(days).toEqual([...expected.values()].sort(order));
    } finally {
      await db.close();
      await cleanup();
    }
  }, 120_000);
});
