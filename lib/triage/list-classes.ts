import type { UserOwners } from '../auth/user-owners';
import type { Db } from '../db';
import type { ClassImpact, ClassToil, HiddenBehind, JointGain } from '../rank/impact';
import { listRankedWeeks } from '../rank/snapshots';
import { z } from 'zod';
import { boundedText, calendarDaySchema, checkDayRange, isoWeekSchema, keySchema, MAX_KEY_LENGTH, MAX_RANGE_DAYS, MAX_TEXT_LENGTH, oneOf, pageSchema } from '../http/fields';
import { addDays, dayCount, daysBetween } from '../time/day';
import { weekDays } from '../time/iso-week';
import { readComparedDays, readEntryFigures, readFixTogether } from './entry-detail';
import { countClassEventsInRange, countClassesInRange } from './range-counts';

/** The error-class list of the dashboard: one ranked week, filtered, sorted, paged; all state from the URL. */
export const classFiltersSchema = z
  .object({
    week: isoWeekSchema.optional(),
    /** A date range instead of a week: classes by failures in the range (gain, uplift, toil and badges are weekly figures). */
    from: calendarDaySchema.optional(),
    to: calendarDaySchema.optional(),
    stage: keySchema.optional(),
    service: boundedText(MAX_TEXT_LENGTH).optional(),
    owner: boundedText(MAX_KEY_LENGTH).optional(),
    category: boundedText(MAX_KEY_LENGTH).optional(),
    status: oneOf(['open', 'acknowledged', 'resolved', 'ignored', 'active']).optional(),
    badge: oneOf(['new', 'regressed', 'escalating', 'ongoing']).optional(),
    /** `1`: only classes assigned to me or owned by my teams (the owners my account acts for, lib/auth/user-owners.ts). */
    mine: oneOf(['1']).optional(),
    sort: oneOf(['rank', 'gain', 'failures', 'uplift', 'lastSeen', 'change']).default('rank'),
    /** `toil`: the classes retries got past, in the week's toil order (the sort does not apply). */
    view: oneOf(['classes', 'toil']).default('classes'),
    page: pageSchema,
  })
  .superRefine(checkDayRange({ both: true }));
export type ClassFilters = z.infer<typeof classFiltersSchema>;

export type ClassRow = {
  id: number;
  rank: number;
  title: string;
  template: string;
  badge: string;
  in80: boolean;
  failures: number;
  previousFailures: number;
  failedRollouts: number;
  uplift: number;
  upliftRollouts: number;
  upliftOf: number;
  /** Expected gain and toil of the week: null in range mode, in rankings stored before they existed, where the class had none. */
  impact: ClassImpact | null;
  toil: ClassToil | null;
  toilRank: number | null;
  /** Classes fixing this one may reveal (impact.hiddenBehind), with their titles. */
  reveals: Reveal[];
  stage: string | null;
  category: string;
  ownerId: string | null;
  assigneeId: string | null;
  status: string;
  lastSeen: Date | null;
  /** The issue in the owning team's tracker the class is followed in, if linked. */
  trackerUrl: string | null;
  /** Failures per ranked week, oldest first, ending with the listed week. */
  trend: { week: string; failures: number }[];
};

export type Reveal = HiddenBehind & { title: string };

export const PAGE_SIZE = 50;
const TREND_WEEKS = 8;

/**
 * `computedAt`: when the listed week's ranking was computed; `frozenAt`: when it was sent in the
 * week's digest (it then stays as reported). Both null in range mode. `hasImpact`: whether the
 * week's ranking has expected gain and toil (false in range mode and for rankings stored before
 * they existed, which were ranked by uplift); `fixTogether`: its top 3 and top 5 fixed together.
 */
export type ClassList = {
  weeks: string[]; week: string | null; range: { from: string; to: string } | null; rows: ClassRow[]; total: number; pageSize: number;
  computedAt: Date | null; frozenAt: Date | null; hasImpact: boolean; fixTogether: JointGain[];
  /** Days of the week and of the week before that the change figures compare (fewer than 7 for a week in progress). */
  comparedDays: number;
};
type Listed = { rows: ClassRow[]; computedAt: Date | null; frozenAt: Date | null; fixTogether: JointGain[] | null; comparedDays?: number };

/**
 * `defaultWeek`: the week listed when the URL names none — the one the digest reports (the last
 * complete week; lib/time/iso-week.ts `weekJustEnding`), or the newest ranked week before it.
 * `mine`: the owners the signed-in user acts for, for `filters.mine` (without them nothing is mine).
 */
export async function listErrorClasses(db: Db, filters: ClassFilters, opts: { defaultWeek?: string; mine?: UserOwners } = {}): Promise<ClassList> {
  const weeks = await listRankedWeeks(db);
  // The URL schema refuses reversed and over-long ranges; other callers fall back to the week.
  const range = filters.from && filters.to && filters.from <= filters.to && dayCount(filters.from, filters.to) <= MAX_RANGE_DAYS ? { from: filters.from, to: filters.to } : null;
  const fallback = weeks.find((w) => !opts.defaultWeek || w <= opts.defaultWeek) ?? weeks[0] ?? null;
  const week = filters.week && weeks.includes(filters.week) ? filters.week : fallback;
  const empty = { weeks, week: null, range: null, rows: [], total: 0, pageSize: PAGE_SIZE, computedAt: null, frozenAt: null, hasImpact: false, fixTogether: [], comparedDays: 7 };
  if (!week && !range) return empty;
  const listed: Listed = range
    ? { rows: await rangeRows(db, range, filters.service), computedAt: null, frozenAt: null, fixTogether: null }
    : await weekRows(db, week!, filters.service);
  const rows = listed.rows.filter(rowFilter(filters, opts.mine));
  rows.sort(filters.view === 'toil' ? byToilRank : SORTS[filters.sort]);
  const page = rows.slice((filters.page - 1) * PAGE_SIZE, filters.page * PAGE_SIZE);
  const last = range ? 0 : weeks.indexOf(week!);
  await addTrends(db, page, weeks.slice(last, last + TREND_WEEKS).reverse());
  return {
    ...empty, week: range ? null : week, range, rows: page, total: rows.length, computedAt: listed.computedAt, frozenAt: listed.frozenAt,
    hasImpact: listed.fixTogether !== null, fixTogether: listed.fixTogether ?? [], comparedDays: listed.comparedDays ?? 7,
  };
}

async function weekRows(db: Db, week: string, service: string | undefined): Promise<Listed> {
  const snapshot = await db.prisma.rankingSnapshot.findUniqueOrThrow({ where: { week }, include: { entries: { include: { errorClass: true } } } });
  // Titles of every class of the week, merged ones too: a class may reveal one merged since.
  const titles = new Map(snapshot.entries.map((e) => [e.classId, e.errorClass.name ?? e.errorClass.template]));
  let entries = snapshot.entries.filter((e) => e.errorClass.mergedIntoId === null);
  if (service) {
    const withService = await db.prisma.errorEvent.groupBy({ by: ['errorClassId'], where: { day: { in: weekDays(week) }, service } });
    const ids = new Set(withService.map((r) => r.errorClassId));
    entries = entries.filter((e) => ids.has(e.classId));
  }
  const rows = entries.map((e) => toRow(e, titles));
  return { rows, computedAt: snapshot.computedAt, frozenAt: snapshot.frozenAt, fixTogether: readFixTogether(snapshot.summary), comparedDays: readComparedDays(snapshot.summary) };
}

/** Classes by their failures in a range of days (change: vs the as long range before), ranked by failures; weekly-only figures are left empty. */
async function rangeRows(db: Db, range: { from: string; to: string }, service: string | undefined): Promise<ClassRow[]> {
  const length = daysBetween(range.from, range.to, MAX_RANGE_DAYS).length;
  const before = { from: addDays(range.from, -length), to: addDays(range.from, -1) };
  // All services: from the per-class-per-day rollup; one service: counted from its events (index on service, day).
  const [totals, previous] = await Promise.all([
    countClassesInRange(db, range, service || undefined),
    service ? countServiceEvents(db, before, service) : countClassEventsInRange(db, before),
  ]);
  const classes = await db.prisma.errorClass.findMany({ where: { id: { in: totals.map((t) => t.classId) }, mergedIntoId: null } });
  const byId = new Map(classes.map((c) => [c.id, c]));
  const rows = totals.flatMap((t) => {
    const c = byId.get(t.classId);
    if (!c) return [];
    return [{
      id: c.id, rank: 0, title: c.name ?? c.template, template: c.template, badge: '', in80: false, failures: t.events, previousFailures: previous.get(c.id) ?? 0,
      failedRollouts: t.rollouts, uplift: 0, upliftRollouts: 0, upliftOf: 0, impact: null, toil: null, toilRank: null, reveals: [],
      stage: c.dominantStage, category: c.category,
      ownerId: c.ownerId, assigneeId: c.assigneeId, status: c.status, lastSeen: c.lastSeen, trackerUrl: c.trackerUrl, trend: [],
    }];
  });
  rows.sort((a, b) => b.failures - a.failures || a.id - b.id).forEach((r, i) => (r.rank = i + 1));
  return rows;
}

async function countServiceEvents(db: Db, days: { from: string; to: string }, service: string): Promise<Map<number | null, number>> {
  const where = { errorClassId: { not: null }, service, day: { gte: days.from, lte: days.to } };
  const rows = await db.prisma.errorEvent.groupBy({ by: ['errorClassId'], where, _count: { _all: true } });
  return new Map(rows.map((r) => [r.errorClassId, r._count._all]));
}

// In range mode `failedRollouts` counts the rollouts the class touched (outcomes are a weekly figure).
type Entry = Awaited<ReturnType<Db['prisma']['rankingEntry']['findMany']>>[number] & { errorClass: { id: number; name: string | null; template: string; category: string; ownerId: string | null; assigneeId: string | null; status: string; dominantStage: string | null; lastSeen: Date | null; trackerUrl: string | null } };

function toRow(e: Entry, titles: Map<number, string>): ClassRow {
  const c = e.errorClass;
  const { upliftOf, impact, toil, toilRank } = readEntryFigures(e.detail);
  const reveals = (impact?.hiddenBehind ?? []).map((h) => ({ ...h, title: titles.get(h.classId) ?? `class ${h.classId}` }));
  return {
    id: c.id, rank: e.rank, title: c.name ?? c.template, template: c.template, badge: e.badge, in80: e.in80, failures: e.failures, previousFailures: e.prevFailures,
    failedRollouts: e.failedRollouts, uplift: e.uplift, upliftRollouts: e.upliftRollouts, upliftOf, impact, toil, toilRank, reveals,
    stage: c.dominantStage, category: c.category, ownerId: c.ownerId, assigneeId: c.assigneeId, status: c.status, lastSeen: c.lastSeen,
    trackerUrl: c.trackerUrl, trend: [],
  };
}

/** The filters other than week, range and service (which choose the rows read). */
function rowFilter(filters: ClassFilters, mine: UserOwners | undefined): (r: ClassRow) => boolean {
  const my = new Set(filters.mine ? [...(mine?.persons ?? []), ...(mine?.teams ?? [])] : []);
  const status = (s: string) => !filters.status || (filters.status === 'active' ? s === 'open' || s === 'acknowledged' : s === filters.status);
  return (r) => (!filters.stage || r.stage === filters.stage)
    && (!filters.owner || r.ownerId === filters.owner || r.assigneeId === filters.owner)
    && (!filters.mine || my.has(r.ownerId ?? '') || my.has(r.assigneeId ?? ''))
    && (!filters.category || r.category === filters.category) && (!filters.badge || r.badge === filters.badge)
    && status(r.status) && (filters.view !== 'toil' || r.toilRank !== null);
}

const SORTS: Record<ClassFilters['sort'], (a: ClassRow, b: ClassRow) => number> = {
  rank: (a, b) => a.rank - b.rank,
  gain: (a, b) => (b.impact?.expectedGain ?? -1) - (a.impact?.expectedGain ?? -1) || a.rank - b.rank,
  failures: (a, b) => b.failures - a.failures || a.rank - b.rank,
  uplift: (a, b) => b.uplift - a.uplift || a.rank - b.rank,
  lastSeen: (a, b) => (b.lastSeen?.getTime() ?? 0) - (a.lastSeen?.getTime() ?? 0) || a.rank - b.rank,
  change: (a, b) => b.failures - b.previousFailures - (a.failures - a.previousFailures) || a.rank - b.rank,
};

const byToilRank = (a: ClassRow, b: ClassRow) => (a.toilRank ?? Infinity) - (b.toilRank ?? Infinity) || a.rank - b.rank;

/** Sparklines: each row's failures in the last ranked weeks (zero where a week did not list it). */
async function addTrends(db: Db, rows: ClassRow[], weeks: string[]): Promise<void> {
  if (rows.length === 0) return;
  const entries = await db.prisma.rankingEntry.findMany({ where: { classId: { in: rows.map((r) => r.id) }, snapshot: { week: { in: weeks } } }, select: { classId: true, failures: true, snapshot: { select: { week: true } } } });
  const byKey = new Map(entries.map((e) => [`${e.classId}\u0000${e.snapshot.week}`, e.failures]));
  for (const r of rows) r.trend = weeks.map((week) => ({ week, failures: byKey.get(`${r.id}\u0000${week}`) ?? 0 }));
}
