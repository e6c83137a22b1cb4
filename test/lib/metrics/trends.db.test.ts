import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mergeClasses, setClassStatus } from '../../../lib/classify/decisions';
import { ValidationError } from '../../../lib/errors';
import { getKpis } from '../../../lib/metrics/kpis';
import { getTrends, type Trends } from '../../../lib/metrics/trends';
import { computeWeeklyRanking } from '../../../lib/rank/weekly-ranking';
import { addDays } from '../../../lib/time/day';
import { isoWeekOfDay, weekDays } from '../../../lib/time/iso-week';
import { createTestDb, type TestDb } from '../../helpers/db';
import { ingestRuns, type RunSpec } from '../../helpers/ingest';
import { STAGES } from '../../helpers/records';

/**
 * Weekly trends on a generated data set: every figure equals the one computed here from the generated
 * stage runs themselves (outcome by construction, README definitions), not from Rollscope's tables.
 */
const NOW = new Date('2026-11-25T12:00:00Z'); // Wednesday of 2026-W48: W47 is the last complete week.
const TARGETS = { successRate: 0.95, stageSuccessRate: 0.99, yield: 0.8, unattendedRate: 0.95, rolloutsPerWeek: 500 };
const FIRST_DAY = '2026-08-03'; // Monday of 2026-W32, the first week read for W36's changes.
const GAP_WEEKS = new Set(['2026-W40', '2026-W41']);
const SEED = 20261125;

type Step = 'pass' | 'retry' | 'fail' | 'stop' | 'skip';
type Plan = { n: number; day: string; steps: Step[]; manual: boolean };
const step = fc.oneof({ weight: 40, arbitrary: fc.constant<Step>('pass') }, { weight: 2, arbitrary: fc.constant<Step>('retry') },
  { weight: 1, arbitrary: fc.constant<Step>('fail') }, { weight: 1, arbitrary: fc.constant<Step>('stop') }, { weight: 1, arbitrary: fc.constant<Step>('skip') });
const dayArb = fc.integer({ min: 0, max: 16 * 7 + 2 }).map((i) => addDays(FIRST_DAY, i)).filter((d) => !GAP_WEEKS.has(isoWeekOfDay(d)));
const plans: Plan[] = fc.sample(fc.record({ day: dayArb, steps: fc.array(step, { minLength: STAGES.length, maxLength: STAGES.length }), manual: fc.boolean() }), { numRuns: 400, seed: SEED })
  .map((p, n) => ({ ...p, n, manual: p.manual && n % 3 === 0 }));

/** The stage runs of a plan (all on its day, before NOW), and what its rollout is by construction. */
function runsOf(p: Plan): { runs: RunSpec[]; outcome: 'succeeded' | 'failed' | 'in_progress'; failedRuns: number } {
  const runs: RunSpec[] = [];
  const at = (i: number) => `${p.day}T0${1 + Math.floor(i / 60)}:${String(i % 60).padStart(2, '0')}:00Z`;
  const run = (stage: string, attempt: number, status: RunSpec['status'], manual = false) =>
    runs.push({ rollout: `ro-${p.n}`, service: `svc-${p.n % 4}`, stage, attempt, status, at: at(runs.length), manual, ...(status === 'failed' ? { message: `boom ${stage}` } : {}) });
  for (const [i, s] of p.steps.entries()) {
    const stage = STAGES[i]!;
    if (s === 'stop') return { runs, outcome: 'in_progress', failedRuns: runs.filter((r) => r.status === 'failed').length };
    if (s === 'fail') {
      run(stage, 1, 'failed', p.manual);
      return { runs, outcome: 'failed', failedRuns: runs.filter((r) => r.status === 'failed').length };
    }
    if (s === 'retry') run(stage, 1, 'failed');
    run(stage, s === 'retry' ? 2 : 1, s === 'skip' ? 'skipped' : 'succeeded', p.manual && i === 3);
  }
  return { runs, outcome: 'succeeded', failedRuns: runs.filter((r) => r.status === 'failed').length };
}

// A plan that stops before its first stage has no runs: there is no such rollout.
const built = plans.map((p) => ({ plan: p, ...runsOf(p) })).filter((b) => b.runs.length > 0);
let t: TestDb;
let trends: Trends;

/** The expected weekly figures, from the generated runs. */
function expectedWeek(week: string, days = 7) {
  const inWeek = new Set(weekDays(week).slice(0, days));
  const rs = built.filter((b) => inWeek.has(b.plan.day));
  const finished = rs.filter((b) => b.outcome !== 'in_progress');
  const succeeded = rs.filter((b) => b.outcome === 'succeeded');
  const rate = (n: number) => (finished.length ? n / finished.length : null);
  return {
    rollouts: rs.length || null,
    successRate: rate(succeeded.length),
    firstPassYield: rate(succeeded.filter((b) => b.failedRuns === 0).length),
    unattendedRate: rate(finished.filter((b) => !b.runs.some((r) => r.manual)).length),
  };
}
function expectedStage(stage: string, week: string): number | null {
  const firsts = built.flatMap((b) => b.runs).filter((r) => r.stage === stage && r.attempt === 1 && r.status !== 'skipped' && isoWeekOfDay(r.at.slice(0, 10)) === week);
  return firsts.length ? firsts.filter((r) => r.status === 'succeeded').length / firsts.length : null;
}

beforeAll(async () => {
  t = await createTestDb();
  await ingestRuns(t.db, built.flatMap((b) => b.runs));
  trends = await getTrends(t.db, { weeks: 12, timeZone: 'UTC', targets: TARGETS, now: NOW });
});
afterAll(async () => t?.close());

const series = (key: string) => trends.kpis.find((s) => s.key === key)!;
const close = (a: number | null, b: number | null) => (a === null || b === null ? expect(a).toBe(b) : expect(a).toBeCloseTo(b, 12));

describe('weekly trends from the rollups', () => {
  it('shows the 12 complete weeks to the last complete one, oldest first', () => {
    expect(trends.through).toBe('2026-W47');
    expect(trends.weeks.map((w) => w.week)).toEqual(Array.from({ length: 12 }, (_, i) => `2026-W${36 + i}`));
    expect(trends.weeks.every((w) => w.days === 7 && !w.inProgress)).toBe(true);
    expect(trends.hasData).toBe(true);
  });

  it('gives each week the figures computed from the generated stage runs, targets included', () => {
    for (const key of ['successRate', 'firstPassYield', 'unattendedRate', 'rollouts'] as const) {
      for (const p of series(key).points) close(p.value, expectedWeek(p.week)[key]);
    }
    expect(series('successRate').target).toBe(0.95);
    expect(series('firstPassYield').target).toBe(0.8);
    expect(series('rollouts').target).toBe(500);
    expect(series('openClasses').target).toBeNull();
    const w = series('successRate').points.find((p) => p.week === '2026-W44')!;
    expect(w.counts!.of).toBe(built.filter((b) => isoWeekOfDay(b.plan.day) === '2026-W44' && b.outcome !== 'in_progress').length);
  });

  it('gives each stage its first-pass success per week, in chain order, on one scale with the stage target', () => {
    expect(trends.stages.map((s) => s.key)).toEqual(STAGES);
    for (const s of trends.stages) for (const p of s.points) close(p.value, expectedStage(s.key, p.week));
    expect(trends.stages.every((s) => s.target === 0.99)).toBe(true);
    const lowest = Math.min(...trends.stages.flatMap((s) => s.points.flatMap((p) => (p.value === null ? [] : [p.value * 100]))));
    expect(trends.stageScale.domain[0]).toBeLessThanOrEqual(lowest);
    expect(trends.stageScale.domain[1]).toBe(100);
  });

  it('matches the chain figures the weekly ranking (and so the digest) reports for a complete week', async () => {
    const r = await computeWeeklyRanking({ db: t.db, week: '2026-W45', timeZone: 'UTC', now: NOW });
    const at = (key: string) => series(key).points.find((p) => p.week === '2026-W45')!.value;
    expect([at('successRate'), at('firstPassYield'), at('unattendedRate'), at('rollouts')])
      .toEqual([r.chain.successRate, r.chain.firstPassYield, r.chain.unattendedRate, r.chain.rollouts]);
  });

  it('shows a week without rollouts as no data, never 0%, and compares around it', () => {
    for (const key of ['successRate', 'firstPassYield', 'unattendedRate', 'rollouts']) {
      const [w40, w41, w42] = ['2026-W40', '2026-W41', '2026-W42'].map((w) => series(key).points.find((p) => p.week === w)!);
      expect([w40!.value, w41!.value, w40!.change, w40!.changeVs4Weeks]).toEqual([null, null, null, null]);
      // W42's week before has no data: no change vs last week; its 4-week mean is that of W38 and W39 only.
      const [w38, w39] = ['2026-W38', '2026-W39'].map((w) => series(key).points.find((p) => p.week === w)!.value!);
      expect(w42!.change).toBeNull();
      close(w42!.changeVs4Weeks, w42!.value! - (w38! + w39!) / 2);
    }
    expect(trends.stages[0]!.points.find((p) => p.week === '2026-W40')!.value).toBeNull();
  });

  it('compares each week with the week before and with the mean of the 4 weeks before, lead weeks included', () => {
    for (const key of ['successRate', 'rollouts']) {
      const values = ['2026-W32', '2026-W33', '2026-W34', '2026-W35', ...trends.weeks.map((w) => w.week)].map((w) => expectedWeek(w)[key as 'rollouts']);
      series(key).points.forEach((p, i) => {
        const before = values.slice(i, i + 4);
        const known = before.filter((v): v is number => v !== null);
        close(p.change, p.value !== null && before[3] !== null ? p.value - before[3]! : null);
        close(p.changeVs4Weeks, p.value !== null && known.length ? p.value - known.reduce((a, v) => a + v, 0) / known.length : null);
      });
    }
  });

  it('adds the week in progress on request: rates as they stand, its rollouts compared with the same days of earlier weeks', async () => {
    const withCurrent = await getTrends(t.db, { weeks: 4, current: true, timeZone: 'UTC', targets: TARGETS, now: NOW });
    expect(withCurrent.weeks.map((w) => [w.week, w.days, w.inProgress])).toEqual([
      ['2026-W44', 7, false], ['2026-W45', 7, false], ['2026-W46', 7, false], ['2026-W47', 7, false], ['2026-W48', 3, true],
    ]);
    const rollouts = withCurrent.kpis.find((s) => s.key === 'rollouts')!.points.at(-1)!;
    const sameDays = ['2026-W44', '2026-W45', '2026-W46', '2026-W47'].map((w) => expectedWeek(w, 3).rollouts);
    expect(rollouts).toMatchObject({ partial: true, value: expectedWeek('2026-W48', 3).rollouts });
    close(rollouts.change, rollouts.value! - sameDays[3]!);
    close(rollouts.changeVs4Weeks, rollouts.value! - sameDays.reduce((a, v) => a! + v!, 0)! / 4);
    const success = withCurrent.kpis.find((s) => s.key === 'successRate')!.points.at(-1)!;
    expect(success.partial).toBe(false);
    close(success.value, expectedWeek('2026-W48').successRate);
    close(success.change, success.value! - expectedWeek('2026-W47').successRate!);
  });

  it('takes 1 to 52 weeks and refuses any other count, naming weeks', async () => {
    const year = await getTrends(t.db, { weeks: 52, timeZone: 'UTC', targets: TARGETS, now: NOW });
    expect(year.weeks).toHaveLength(52);
    expect(year.weeks[0]!.week).toBe('2025-W48');
    // Weeks before the first rollout: no data for anything, open counts included.
    expect(year.kpis.every((s) => s.points[0]!.value === null)).toBe(true);
    expect((await getTrends(t.db, { weeks: 1, timeZone: 'UTC', targets: TARGETS, now: NOW })).weeks.map((w) => w.week)).toEqual(['2026-W47']);
    for (const weeks of [0, 53, 1.5, -1]) {
      await expect(getTrends(t.db, { weeks, timeZone: 'UTC', targets: TARGETS, now: NOW })).rejects.toThrow(ValidationError);
      await expect(getTrends(t.db, { weeks, timeZone: 'UTC', targets: TARGETS, now: NOW })).rejects.toThrow(/^weeks: /);
    }
  });
});

describe('open classes and violations at the end of each week', () => {
  // Weeks end at Monday 00:00 in the zone: 2026-W46 ends at 2026-11-22T23:00Z in Berlin.
  const ZONE = 'Europe/Berlin';
  const d = (iso: string) => new Date(iso);

  it('counts what was open at each week end in the zone, from first sightings, decisions and resolutions', async () => {
    const make = (key: string, firstSeen: string) => t.db.prisma.errorClass.create({ data: { key, template: `t ${key}`, firstSeen: d(firstSeen) } });
    const [a, b, c, e] = await Promise.all([make('a', '2026-11-03T10:00:00Z'), make('b', '2026-11-04T10:00:00Z'), make('c', '2026-11-22T23:30:00Z'), make('e', '2026-11-10T10:00:00Z')]);
    await setClassStatus(t.db, { classId: a.id, status: 'resolved', actor: 'x', now: d('2026-11-11T09:00:00Z') });
    await setClassStatus(t.db, { classId: a.id, status: 'open', actor: 'x', now: d('2026-11-18T09:00:00Z') });
    await setClassStatus(t.db, { classId: b.id, status: 'acknowledged', actor: 'x', now: d('2026-11-05T09:00:00Z') });
    await mergeClasses(t.db, { targetId: e.id, sourceIds: [b.id], actor: 'x', now: d('2026-11-19T09:00:00Z') });
    await t.db.prisma.admissionRule.create({ data: { id: 'r', title: 'R', kind: 'mixed-host', severity: 'critical', mode: 'audit', scope: 'host', ownerId: 'compute' } });
    const violation = (subjectId: string, firstSeen: string, more: object = {}) =>
      t.db.prisma.admissionViolation.create({ data: { ruleId: 'r', subjectType: 'host', subjectId, firstSeen: d(firstSeen), lastSeen: d(firstSeen), ...more } });
    await violation('h1', '2026-11-02T10:00:00Z');
    await violation('h2', '2026-11-09T10:00:00Z', { status: 'resolved', resolvedAt: d('2026-11-17T10:00:00Z') });
    await violation('h3', '2026-11-22T23:30:00Z', { status: 'acknowledged', acknowledgedAt: d('2026-11-24T10:00:00Z') });
    const r = await getTrends(t.db, { weeks: 4, current: true, timeZone: ZONE, targets: TARGETS, now: NOW });
    const counts = (key: string) => r.kpis.find((s) => s.key === key)!.points.map((p) => [p.week, p.value]);
    // W44: nothing yet; W45: a, b; W46: b, e (a resolved); W47: a (reopened), e (b merged); now: a, e and c, first seen on
    // Monday 00:30 in Berlin, so in W48 (in UTC it would count in W47).
    expect(counts('openClasses')).toEqual([['2026-W44', 0], ['2026-W45', 2], ['2026-W46', 2], ['2026-W47', 2], ['2026-W48', 3]]);
    // W45: h1; W46: h1, h2; W47: h1 (h2 resolved; h3 first seen in W48 in Berlin); now: h1 (h3 acknowledged).
    expect(counts('openViolations')).toEqual([['2026-W44', 0], ['2026-W45', 1], ['2026-W46', 2], ['2026-W47', 1], ['2026-W48', 1]]);
    const utc = await getTrends(t.db, { weeks: 1, timeZone: 'UTC', targets: TARGETS, now: NOW });
    expect(utc.kpis.filter((s) => s.key.startsWith('open')).map((s) => s.points[0]!.value)).toEqual([3, 2]);
    // Now is what the overview counts.
    const live = await getKpis(t.db, TARGETS);
    expect([live.openClasses, live.openViolations]).toEqual([3, 1]);
    const changes = r.kpis.find((s) => s.key === 'openClasses')!.points.at(-1)!;
    expect([changes.change, changes.changeVs4Weeks]).toEqual([1, 3 - (0 + 2 + 2 + 2) / 4]);
  });
});
