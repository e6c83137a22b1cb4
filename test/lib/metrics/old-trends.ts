import { getChain } from '../../../lib/chain/sync';
import type { Db } from '../../../lib/db';
import type { Settings } from '../../../lib/env';
import { ValidationError } from '../../../lib/errors';
import { addDays, dayInZone, startOfDayInZone } from '../../../lib/time/day';
import { isoWeekOfDay, previousWeek, weekDays, weekOfInstant } from '../../../lib/time/iso-week';
import { countScale, percentScale, type ChartScale } from '../../../lib/metrics/chart-scale';
import { classSpans, countOpenAt, violationSpans, type OpenSpan } from '../../../lib/metrics/open-at';
import {
  buildSeries, countFigure, listTrendWeeks, rateFigure, sameDaysBaseline, stageWeekSums, sumRollouts,
  type RolloutDay, type TrendSeries, type TrendWeek,
} from '../../../lib/metrics/trend-series';

/** /trends as it was read before issue 14 (every violation row read back), the reference for the new reader. */
export const DEFAULT_TREND_WEEKS = 12;
// A year of weeks: 52 points per chart and 17 stages × 52 table cells stay readable.
export const MAX_TREND_WEEKS = 52;

export type StageTrend = TrendSeries & { name: string };
export type Trends = {
  /** The weeks shown, oldest first: complete weeks, then the week in progress when asked for. */
  weeks: TrendWeek[];
  /** The last complete week (the digest's week from Monday to Thursday). */
  through: string;
  /** Whether any figure of the weeks shown has data. */
  hasData: boolean;
  kpis: (TrendSeries & { scale: ChartScale })[];
  stages: StageTrend[];
  /** One scale for every stage's chart, so their heights compare. */
  stageScale: ChartScale;
};
type Opts = { weeks?: number; current?: boolean; timeZone: string; targets: Settings['targets']; now?: Date };
type Weeks = ReturnType<typeof listTrendWeeks>;

/**
 * The trends of the `weeks` complete weeks (1–52, default 12) up to the last complete week, and the week in
 * progress with `current`. Reads per-day figures only (DailyStageRollup, RolloutDayRollup),
 * the classes with their status decisions, and the violations — no stage runs or error events.
 */
export async function getTrends(db: Db, opts: Opts): Promise<Trends> {
  const count = opts.weeks ?? DEFAULT_TREND_WEEKS;
  if (!Number.isInteger(count) || count < 1 || count > MAX_TREND_WEEKS) {
    const message = `is not a whole number from 1 to ${MAX_TREND_WEEKS}`;
    throw new ValidationError(`weeks: ${count} ${message}`, [{ param: 'weeks', message }]);
  }
  const now = (opts.now ?? new Date()).getTime();
  const thisWeek = weekOfInstant(now, opts.timeZone);
  const today = dayInZone(now, opts.timeZone);
  const daysSoFar = weekDays(thisWeek).filter((d) => d <= today).length;
  const weeks = listTrendWeeks(previousWeek(thisWeek), count, opts.current ? { week: thisWeek, days: daysSoFar } : null);
  // Each week's end as an instant (exclusive): the next Monday's midnight in the zone; now for the week in progress.
  const all = [...weeks.lead.map((week) => ({ week, inProgress: false })), ...weeks.shown];
  const endOfWeek = (week: string) => startOfDayInZone(addDays(weekDays(week)[0]!, 7), opts.timeZone);
  const endOf = new Map(all.map((w) => [w.week, w.inProgress ? now : endOfWeek(w.week)]));
  const range = { from: weekDays(all[0]!.week)[0]!, to: weekDays(all.at(-1)!.week)[6]!, ends: [...endOf.values()] };
  const rows = await readRows(db, range);
  const t = opts.targets;
  const { byDay } = rows;
  const chainRate = (key: string, label: string, target: number, pick: (s: ReturnType<typeof sumRollouts>) => number) =>
    buildSeries({ key, label, unit: 'percent', target }, weeks, (w) => {
      const s = sumRollouts(byDay, w.week, w.days);
      return rateFigure(pick(s), s.finished);
    });
  // Weeks that end before the first rollout have no data for the open classes and violations either.
  const started = (w: TrendWeek) => rows.firstDay !== null && weekDays(w.week)[6]! >= rows.firstDay;
  const open = (key: string, label: string, unit: 'classes' | 'violations', spans: OpenSpan[]) =>
    buildSeries({ key, label, unit, target: null }, weeks, (w) =>
      countFigure(started(w) ? countOpenAt(spans, endOf.get(w.week)!) : null));
  const rollouts = buildSeries(
    { key: 'rollouts', label: 'Rollouts per week', unit: 'rollouts', target: t.rolloutsPerWeek }, weeks,
    (w) => countFigure(sumRollouts(byDay, w.week, w.days).rollouts || null),
    (w) => sameDaysBaseline(byDay, w),
  );
  const kpis = [
    chainRate('successRate', 'End-to-end success', t.successRate, (s) => s.succeeded),
    chainRate('firstPassYield', 'First-pass yield', t.yield, (s) => s.firstPass),
    chainRate('unattendedRate', 'Unattended rate', t.unattendedRate, (s) => s.unattended),
    rollouts,
    open('openClasses', 'Open error classes', 'classes', rows.classes),
    open('openViolations', 'Open violations', 'violations', rows.violations),
  ];
  const stages = stageTrends(rows, weeks, t.stageSuccessRate);
  return {
    weeks: weeks.shown,
    through: previousWeek(thisWeek),
    hasData: kpis.some((s) => s.points.some((p) => p.value !== null)),
    kpis: kpis.map((s) => {
      const scale = s.unit === 'percent' ? percentScale : countScale;
      return { ...s, scale: scale(s.points.map((p) => p.value), s.target) };
    }),
    stages,
    stageScale: percentScale(stages.flatMap((s) => s.points.map((p) => p.value)), t.stageSuccessRate),
  };
}

type Rows = Awaited<ReturnType<typeof readRows>>;

function stageTrends(rows: Rows, weeks: Weeks, target: number): StageTrend[] {
  const sums = stageWeekSums(rows.stageDays, isoWeekOfDay);
  return rows.chain.stages.map((s) => ({
    ...buildSeries({ key: s.key, label: `${s.name} first-pass success`, unit: 'percent', target }, weeks, (w) => {
      const sum = sums.get(`${s.key}\u0000${w.week}`) ?? { n: 0, of: 0 };
      return rateFigure(sum.n, sum.of);
    }),
    name: s.name,
  }));
}

/** The rows behind the trends of days `from`–`to` whose weeks end at `ends` (instants). */
async function readRows(db: Db, range: { from: string; to: string; ends: number[] }) {
  const days = { day: { gte: range.from, lte: range.to } };
  const [first, last] = [new Date(Math.min(...range.ends)), new Date(Math.max(...range.ends))];
  const [chain, outcomes, stageRows, firstRollout, classes, decisions, violations] = await Promise.all([
    getChain(db),
    db.prisma.rolloutDayRollup.findMany({ where: days }),
    // In the order of DailyStageRollup's key (day, stage): one row per day and stage, read along the key.
    db.prisma.dailyStageRollup.groupBy({ by: ['day', 'stageKey'], where: days, _sum: { firstAttempts: true, firstSuccesses: true } }),
    // From the rollup, not Rollout: rollouts older than the retention are deleted, their figures stay.
    db.prisma.rolloutDayRollup.findFirst({ where: { rollouts: { gt: 0 } }, orderBy: { day: 'asc' }, select: { day: true } }),
    db.prisma.errorClass.findMany({
      where: { OR: [{ firstSeen: { lt: last } }, { firstSeen: null, createdAt: { lt: last } }] },
      select: { id: true, firstSeen: true, createdAt: true, updatedAt: true, status: true, resolvedAt: true, mergedIntoId: true },
    }),
    db.prisma.classDecision.findMany({
      where: { kind: { in: ['status', 'merge'] } }, select: { classId: true, kind: true, value: true, createdAt: true },
    }),
    db.prisma.admissionViolation.findMany({
      where: { firstSeen: { lt: last }, OR: [{ resolvedAt: null }, { resolvedAt: { gte: first } }] },
      select: { firstSeen: true, status: true, resolvedAt: true, acknowledgedAt: true },
    }),
  ]);
  return {
    chain,
    byDay: rolloutDays(outcomes),
    stageDays: stageRows.map((r) => ({
      stageKey: r.stageKey, day: r.day, firstAttempts: r._sum.firstAttempts ?? 0, firstSuccesses: r._sum.firstSuccesses ?? 0,
    })),
    firstDay: firstRollout?.day ?? null,
    classes: classSpans(classes, decisions),
    violations: violationSpans(violations),
  };
}

type OutcomeDay = { day: string; outcome: string; rollouts: number; noFailedRuns: number; noManual: number };

/** Rollouts per day from RolloutDayRollup's (day, outcome) rows; first pass: succeeded, no failed run. */
function rolloutDays(groups: readonly OutcomeDay[]): Map<string, RolloutDay> {
  const byDay = new Map<string, RolloutDay>();
  for (const g of groups) {
    const d = byDay.get(g.day) ?? { day: g.day, rollouts: 0, finished: 0, succeeded: 0, firstPass: 0, unattended: 0 };
    const finished = g.outcome === 'succeeded' || g.outcome === 'failed';
    d.rollouts += g.rollouts;
    if (finished) d.finished += g.rollouts;
    if (finished) d.unattended += g.noManual;
    if (g.outcome === 'succeeded') d.succeeded += g.rollouts;
    if (g.outcome === 'succeeded') d.firstPass += g.noFailedRuns;
    byDay.set(g.day, d);
  }
  return byDay;
}
