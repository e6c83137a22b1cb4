// The admission page readers as they were before issue #14 (full reads into the process), kept as the
// obvious oracle the bounded readers of lib/admission are compared against (admission-readers.db.test.ts,
// outcome-counts.db.test.ts): copied, not imported, so they stay the old ones whatever lib/ becomes.
import type { OutcomePeriod, OutcomeReport, RuleOutcome, Split } from '../../../lib/admission/outcomes';
import { RULE_KINDS } from '../../../lib/admission/kinds';
import type { Db } from '../../../lib/db';
import { ratio } from '../../../lib/format';
import { recentWeeks } from '../../../lib/admission/pages';
import { weekDays } from '../../../lib/time/iso-week';

/** Violations per page of the admission pages: a page stays a screen or two high. */
const VIOLATIONS_PER_PAGE = 20;
/** Linked rollouts listed per violation; the rest are counted. */
const ROLLOUTS_SHOWN = 50;
/** Open first, then acknowledged, then resolved (any other status last). */
const STATUS_ORDER = ['open', 'acknowledged', 'resolved'];

const include = {
  rule: { select: { title: true, severity: true } },
  rollouts: { take: ROLLOUTS_SHOWN, orderBy: { rolloutId: 'asc' as const }, select: { rolloutId: true } },
  _count: { select: { rollouts: true } },
};

/**
 * One page of the violations (of a rule, or of all rules): open first, then acknowledged, then
 * resolved, the latest seen first within each, with up to ROLLOUTS_SHOWN linked rollouts each. A
 * page past the last shows the last. Counts: all, and open or acknowledged.
 */
export async function oldListViolations(db: Db, opts: { ruleId?: string; page: number; pageSize?: number }) {
  const where = opts.ruleId ? { ruleId: opts.ruleId } : {};
  const size = opts.pageSize ?? VIOLATIONS_PER_PAGE;
  const groups = await db.prisma.admissionViolation.groupBy({ by: ['status'], where, _count: { _all: true } });
  const rank = (s: string) => (STATUS_ORDER.includes(s) ? STATUS_ORDER.indexOf(s) : STATUS_ORDER.length);
  groups.sort((a, b) => rank(a.status) - rank(b.status) || a.status.localeCompare(b.status));
  const total = groups.reduce((n, g) => n + g._count._all, 0);
  const open = groups.filter((g) => g.status === 'open' || g.status === 'acknowledged').reduce((n, g) => n + g._count._all, 0);
  const pages = Math.max(1, Math.ceil(total / size));
  const page = Math.min(Math.max(1, opts.page), pages);
  let skip = (page - 1) * size;
  let take = size;
  const violations = [];
  for (const g of groups) {
    if (take === 0) break;
    if (skip >= g._count._all) {
      skip -= g._count._all;
      continue;
    }
    const orderBy = [{ lastSeen: 'desc' as const }, { id: 'desc' as const }];
    const rows = await db.prisma.admissionViolation.findMany({ where: { ...where, status: g.status }, orderBy, skip, take, include });
    violations.push(...rows);
    take -= rows.length;
    skip = 0;
  }
  return { violations, total, open, page, pages, pageSize: size };
}

/** Violations per rule and per owner per ISO week, from the recorded sightings (newest week first); optionally of some weeks or one rule. */
export async function oldGetViolationHistory(db: Db, opts: { weeks?: string[]; ruleId?: string } = {}): Promise<{ week: string; ruleId: string; ownerId: string | null; violations: number }[]> {
  const rows = await db.prisma.admissionViolationWeek.findMany({
    where: { ...(opts.weeks ? { week: { in: opts.weeks } } : {}), ...(opts.ruleId ? { violation: { ruleId: opts.ruleId } } : {}) },
    select: { week: true, violation: { select: { ruleId: true, rule: { select: { ownerId: true } } } } },
  });
  const counts = new Map<string, { week: string; ruleId: string; ownerId: string | null; violations: number }>();
  for (const r of rows) {
    const k = `${r.week}\u0000${r.violation.ruleId}`;
    const c = counts.get(k) ?? { week: r.week, ruleId: r.violation.ruleId, ownerId: r.violation.rule.ownerId, violations: 0 };
    c.violations += 1;
    counts.set(k, c);
  }
  return [...counts.values()].sort((a, b) => b.week.localeCompare(a.week) || a.ruleId.localeCompare(b.ruleId));
}

const FINISHED = ['succeeded', 'failed'];

function split(rollouts: number, failed: number): Split {
  return { rollouts, failed, failShare: ratio(failed, rollouts) };
}

export async function oldGetAdmissionOutcomes(db: Db, opts: OutcomePeriod = {}): Promise<OutcomeReport> {
  const week = opts.week ?? null;
  const weekRange = week ? weekDays(week) : null;
  const days = weekRange ? { from: weekRange[0]!, to: weekRange.at(-1)! } : (opts.days ?? null);
  const dayFilter = days ? { day: { gte: days.from, lte: days.to } } : {};
  const totals = await db.prisma.rollout.groupBy({ by: ['outcome'], where: { ...dayFilter, outcome: { in: FINISHED } }, _count: { _all: true } });
  const total = totals.reduce((n, t) => n + t._count._all, 0);
  const totalFailed = totals.find((t) => t.outcome === 'failed')?._count._all ?? 0;
  const rules = await db.prisma.admissionRule.findMany({ where: { active: true }, orderBy: { id: 'asc' } });
  const out: RuleOutcome[] = [];
  for (const rule of rules) {
    const joins = RULE_KINDS[rule.kind]?.joinsOutcomes ?? false;
    const links = joins
      ? await db.prisma.admissionViolationRollout.findMany({
          where: { violation: { ruleId: rule.id }, rollout: { ...dayFilter, outcome: { in: FINISHED } } },
          select: { rolloutId: true, rollout: { select: { outcome: true } } },
        })
      : [];
    // A rollout can take part in several violations of one rule (two hosts): count it once.
    const outcomes = new Map(links.map((l) => [l.rolloutId, l.rollout.outcome]));
    const failed = [...outcomes.values()].filter((o) => o === 'failed').length;
    const violating = split(outcomes.size, failed);
    const compliant = split(total - outcomes.size, totalFailed - failed);
    const whatIf = joins && rule.mode !== 'enforce' ? { blocked: outcomes.size, failuresPrevented: failed, goodBlocked: outcomes.size - failed, shareOfAllFailures: ratio(failed, totalFailed) } : null;
    out.push({ rule: rule.id, title: rule.title, mode: rule.mode, joinsOutcomes: joins, violating, compliant, whatIf });
  }
  return { week, days, rollouts: total, failed: totalFailed, rules: out };
}

/** Violations per rule (or owner) and week, as a row per key with one count per week. */
function historyMatrix(history: Awaited<ReturnType<typeof oldGetViolationHistory>>, weeks: string[], key: 'ruleId' | 'ownerId') {
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

/**
 * The /admission page: the rules with their open violations, a page of the violations (open
 * first), the weekly history per rule and per owner, the outcome join for a week (or all stored
 * rollouts), and the latest pre-flight checks.
 */
export async function oldGetAdmissionOverview(db: Db, opts: { period: OutcomePeriod; now?: Date; timeZone: string; page?: number }) {
  const weeks = recentWeeks(opts.now ?? new Date(), opts.timeZone);
  const [rules, list, history, outcomes, preflights] = await Promise.all([
    db.prisma.admissionRule.findMany({ orderBy: { id: 'asc' }, include: { owner: { select: { name: true } }, _count: { select: { violations: { where: { status: { in: ['open', 'acknowledged'] } } } } } } }),
    oldListViolations(db, { page: opts.page ?? 1 }),
    oldGetViolationHistory(db, { weeks }),
    oldGetAdmissionOutcomes(db, opts.period),
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
export async function oldGetAdmissionRule(db: Db, id: string, opts: { now?: Date; timeZone: string; page?: number }) {
  const rule = await db.prisma.admissionRule.findUnique({ where: { id }, include: { owner: { select: { name: true } } } });
  if (!rule) return null;
  const list = await oldListViolations(db, { ruleId: id, page: opts.page ?? 1 });
  const weeks = recentWeeks(opts.now ?? new Date(), opts.timeZone);
  const history = await oldGetViolationHistory(db, { weeks, ruleId: id });
  const outcome = (await oldGetAdmissionOutcomes(db)).rules.find((r) => r.rule === id) ?? null;
  return {
    rule: { ...rule, violations: list.violations },
    violationPage: { total: list.total, open: list.open, page: list.page, pages: list.pages, pageSize: list.pageSize },
    weeks,
    history: weeks.map((w) => history.find((h) => h.week === w)?.violations ?? 0),
    outcome,
  };
}
