import type { Db } from '../db';
import { previousWeek, weekOfInstant } from '../time/iso-week';
import { listViolations } from './list-violations';
import { getOutcomeReport } from './outcome-counts';
import type { OutcomePeriod } from './outcomes';
import { getViolationHistory } from './violations';

/**
 * What the admission pages show, each figure read bounded by what the page shows (issue #14): the
 * outcome join counted by the database and, on a rule's page, for that rule only.
 */
type History = Awaited<ReturnType<typeof getViolationHistory>>;

/** Weeks of history the pages show. */
const HISTORY_WEEKS = 8;

/** The last `count` ISO weeks up to the one holding `now`, oldest first. */
export function recentWeeks(now: Date, timeZone: string, count = HISTORY_WEEKS): string[] {
  const weeks = [weekOfInstant(now.getTime(), timeZone)];
  while (weeks.length < count) weeks.unshift(previousWeek(weeks[0]!));
  return weeks;
}

/** Violations per rule (or owner) and week, as a row per key with one count per week. */
function historyMatrix(history: History, weeks: string[], key: 'ruleId' | 'ownerId') {
  const rows = new Map<string, number[]>();
  for (const h of history) {
    const i = weeks.indexOf(h.week);
    if (i < 0) continue;
    const k = h[key] ?? '–';
    const row = rows.get(k) ?? weeks.map(() => 0);
    row[i]! += h.violations;
    rows.set(k, row);
  }
  return [...rows].map(([id, counts]) => ({ id, counts })).sort((a, b) => a.id.localeCompare(b.id));
}

const OPEN = { status: { in: ['open', 'acknowledged'] } };

/**
 * The /admission page: the rules with their open violations, a page of the violations (open
 * first), the weekly history per rule and per owner, the outcome join for a period (or all stored
 * rollouts), and the latest pre-flight checks.
 */
export async function getAdmissionOverview(db: Db, opts: { period: OutcomePeriod; now?: Date; timeZone: string; page?: number }) {
  const weeks = recentWeeks(opts.now ?? new Date(), opts.timeZone);
  const [rules, list, history, outcomes, preflights] = await Promise.all([
    db.prisma.admissionRule.findMany({ orderBy: { id: 'asc' }, include: { owner: { select: { name: true } }, _count: { select: { violations: { where: OPEN } } } } }),
    listViolations(db, { page: opts.page ?? 1 }),
    getViolationHistory(db, { weeks }),
    getOutcomeReport(db, opts.period),
    db.prisma.admissionPreflight.findMany({ orderBy: { id: 'desc' }, take: 20 }),
  ]);
  return {
    rules: rules.map((r) => ({ id: r.id, title: r.title, severity: r.severity, mode: r.mode, scope: r.scope, active: r.active, owner: r.owner?.name ?? null, open: r._count.violations })),
    violations: list.violations.map((v) => ({ id: v.id, ruleId: v.ruleId, rule: v.rule.title, severity: v.rule.severity, subjectType: v.subjectType, subjectId: v.subjectId, status: v.status, firstSeen: v.firstSeen, lastSeen: v.lastSeen, count: v.count })),
    violationPage: { total: list.total, open: list.open, page: list.page, pages: list.pages },
    weeks,
    byRule: historyMatrix(history, weeks, 'ruleId'),
    byOwner: historyMatrix(history, weeks, 'ownerId'),
    outcomes,
    preflights: preflights.map((p) => ({ ...p, failed: (p.results as { rule: string; result: string }[]).filter((r) => r.result !== 'pass') })),
  };
}

/**
 * One rule with a page of its violations (open first; evidence, linked rollouts), its weekly
 * history of the last weeks and its outcome join over all stored rollouts.
 */
export async function getAdmissionRule(db: Db, id: string, opts: { now?: Date; timeZone: string; page?: number }) {
  const rule = await db.prisma.admissionRule.findUnique({ where: { id }, include: { owner: { select: { name: true } } } });
  if (!rule) return null;
  const weeks = recentWeeks(opts.now ?? new Date(), opts.timeZone);
  const [list, history, report] = await Promise.all([
    listViolations(db, { ruleId: id, page: opts.page ?? 1 }),
    getViolationHistory(db, { weeks, ruleId: id }),
    getOutcomeReport(db, { ruleId: id }),
  ]);
  return {
    rule: { ...rule, violations: list.violations },
    violationPage: { total: list.total, open: list.open, page: list.page, pages: list.pages, pageSize: list.pageSize },
    weeks,
    history: weeks.map((w) => history.find((h) => h.week === w)?.violations ?? 0),
    outcome: report.rules[0] ?? null,
  };
}
