import { z } from 'zod';
import { getChain } from '../chain/sync';
import type { Db } from '../db';
import { ratio } from '../format';
import { calendarDaySchema, checkDayRange, isoWeekSchema, oneOf } from '../http/fields';
import { addDays, dayCount, dayInZone, daysBetween } from '../time/day';
import { isoWeekOfDay, weekDays } from '../time/iso-week';

/** The stages page: per-stage figures over a range of days, the chain's cumulative yield, and daily success rates. */
export const rangeFields = {
  /** An ISO week instead of from/to (the digest links a week). */
  week: isoWeekSchema.optional(),
  from: calendarDaySchema.optional(),
  to: calendarDaySchema.optional(),
  grain: oneOf(['day', 'week']).default('day'),
};
// A quarter: each of the 17 stages draws a chart of one point per day.
export const MAX_STAGE_RANGE_DAYS = 92;
/** `from`/`to` (at most 92 days, `to` not before `from`) and the chart grain, as the URL gives them. */
export const rangeSchema = z.object(rangeFields).superRefine(checkDayRange({ maxDays: MAX_STAGE_RANGE_DAYS })).superRefine(checkWeekOrDays);

/** A week and days together are ambiguous: say so, naming the parameter. */
export function checkWeekOrDays(v: { week?: string; from?: string; to?: string }, ctx: z.RefinementCtx): void {
  if (v.week !== undefined && (v.from !== undefined || v.to !== undefined)) ctx.addIssue({ code: 'custom', path: ['week'], message: 'give either week or from/to, not both' });
}

export type StageRow = {
  key: string;
  name: string;
  ownerId: string | null;
  attempts: number;
  failures: number;
  successes: number;
  successRate: number | null;
  firstPassRate: number | null;
  previousRate: number | null;
  /** Product of the first-pass rates of the chain up to and including this stage: rollouts still on track. */
  cumulativeYield: number | null;
  /** Success rate per day, or per ISO week with grain "week" (`day` is then the week, e.g. 2026-W47). */
  daily: { day: string; rate: number | null }[];
};

const DEFAULT_DAYS = 7;

/**
 * Resolves a range from the URL: an ISO week's seven days; by default the last 7 days; a missing `from` is 7 days before
 * `to`; a missing `to` is today, kept within 92 days after `from`. Total for any calendar days: a
 * reversed range becomes one day, a longer one its last 92 days (the URL schema refuses both).
 */
export function resolveRange(input: Pick<z.infer<typeof rangeSchema>, 'from' | 'to'> & { week?: string }, timeZone: string, now = new Date()): { from: string; to: string } {
  if (input.week !== undefined && input.from === undefined && input.to === undefined) {
    const days = weekDays(input.week);
    return { from: days[0]!, to: days[6]! };
  }
  const today = dayInZone(now.getTime(), timeZone);
  const latest = input.from === undefined ? today : addDays(input.from, MAX_STAGE_RANGE_DAYS - 1);
  const to = input.to ?? (input.from !== undefined && today < input.from ? input.from : today > latest ? latest : today);
  let from = input.from ?? addDays(to, -(DEFAULT_DAYS - 1));
  if (from > to) from = to;
  if (dayCount(from, to) > MAX_STAGE_RANGE_DAYS) from = addDays(to, -(MAX_STAGE_RANGE_DAYS - 1));
  return { from, to };
}

/** Sums daily successes and failures into buckets (days, or ISO weeks) and gives each bucket its rate. */
function bucketRates(days: string[], rows: { day: string; s: number; f: number }[], grain: 'day' | 'week'): { day: string; rate: number | null }[] {
  const key = (day: string) => (grain === 'week' ? isoWeekOfDay(day) : day);
  const sums = new Map<string, { s: number; f: number }>(days.map((d) => [key(d), { s: 0, f: 0 }]));
  for (const r of rows) {
    const b = sums.get(key(r.day));
    if (!b) continue;
    b.s += r.s;
    b.f += r.f;
  }
  return [...sums].map(([day, b]) => ({ day, rate: ratio(b.s, b.s + b.f) }));
}

export async function getStagesView(db: Db, range: { from: string; to: string }, grain: 'day' | 'week' = 'day'): Promise<StageRow[]> {
  const days = daysBetween(range.from, range.to, MAX_STAGE_RANGE_DAYS);
  const prevFrom = addDays(range.from, -days.length);
  const [chain, perDay, previous] = await Promise.all([
    getChain(db),
    db.prisma.dailyStageRollup.groupBy({ by: ['stageKey', 'day'], where: { day: { gte: range.from, lte: range.to } }, _sum: { attempts: true, successes: true, failures: true, firstAttempts: true, firstSuccesses: true } }),
    db.prisma.dailyStageRollup.groupBy({ by: ['stageKey'], where: { day: { gte: prevFrom, lt: range.from } }, _sum: { successes: true, failures: true } }),
  ]);
  const prev = new Map(previous.map((p) => [p.stageKey, ratio(p._sum.successes ?? 0, (p._sum.successes ?? 0) + (p._sum.failures ?? 0))]));
  let cumulative: number | null = 1;
  return chain.stages.map((s) => {
    const rows = perDay.filter((r) => r.stageKey === s.key);
    const sum = (f: 'attempts' | 'successes' | 'failures' | 'firstAttempts' | 'firstSuccesses') => rows.reduce((a, r) => a + (r._sum[f] ?? 0), 0);
    const successes = sum('successes');
    const failures = sum('failures');
    const firstPassRate = ratio(sum('firstSuccesses'), sum('firstAttempts'));
    if (firstPassRate !== null && cumulative !== null) cumulative *= firstPassRate;
    return {
      key: s.key, name: s.name, ownerId: s.ownerId, attempts: sum('attempts'), failures, successes, successRate: ratio(successes, successes + failures), firstPassRate,
      previousRate: prev.get(s.key) ?? null, cumulativeYield: firstPassRate === null ? null : cumulative,
      daily: bucketRates(days, rows.map((r) => ({ day: r.day, s: r._sum.successes ?? 0, f: r._sum.failures ?? 0 })), grain),
    };
  });
}

/** One stage's drill-down: its error classes, services and hosts in the range. */
export async function getStageDrilldown(db: Db, key: string, range: { from: string; to: string }) {
  const where = { stageKey: key, day: { gte: range.from, lte: range.to } };
  const [stage, classes, services, hosts] = await Promise.all([
    db.prisma.stage.findUnique({ where: { key }, include: { owner: true } }),
    db.prisma.errorEvent.groupBy({ by: ['errorClassId'], where, _count: { _all: true }, orderBy: { _count: { errorClassId: 'desc' } }, take: 50 }),
    db.prisma.dailyRollup.groupBy({ by: ['service'], where: { stageKey: key, day: { gte: range.from, lte: range.to } }, _sum: { attempts: true, failures: true, successes: true } }),
    db.prisma.errorEvent.groupBy({ by: ['host'], where, _count: { _all: true }, orderBy: { _count: { host: 'desc' } }, take: 30 }),
  ]);
  if (!stage) return null;
  const meta = await db.prisma.errorClass.findMany({ where: { id: { in: classes.flatMap((c) => (c.errorClassId === null ? [] : [c.errorClassId])) } }, select: { id: true, name: true, template: true, category: true } });
  const byId = new Map(meta.map((m) => [m.id, m]));
  return {
    stage: { key: stage.key, name: stage.name, owner: stage.owner?.name ?? null },
    classes: classes.flatMap((c) => {
      const m = c.errorClassId === null ? undefined : byId.get(c.errorClassId);
      return m ? [{ id: m.id, title: m.name ?? m.template, category: m.category, failures: c._count._all }] : [];
    }),
    services: services
      .map((s) => ({ service: s.service, attempts: s._sum.attempts ?? 0, failures: s._sum.failures ?? 0, successRate: ratio(s._sum.successes ?? 0, (s._sum.successes ?? 0) + (s._sum.failures ?? 0)) }))
      .sort((a, b) => b.failures - a.failures || a.service.localeCompare(b.service))
      .slice(0, 50),
    hosts: hosts.flatMap((h) => (h.host ? [{ host: h.host, failures: h._count._all }] : [])),
  };
}
