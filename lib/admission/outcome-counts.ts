import type { Db } from '../db';
import { ratio } from '../format';
import { queryRows } from '../sql';
import { weekDays } from '../time/iso-week';
import { RULE_KINDS } from './kinds';
import type { OutcomePeriod, OutcomeReport, RuleOutcome, Split } from './outcomes';

// The outcome report of lib/admission/outcomes.ts (same figures, same shape) read bounded by what
// the pages show (issue #14): the period's totals from RolloutDayRollup (a row per day) rather than
// a count over Rollout, and the violating rollouts counted by the database in one statement rather
// than every link read into the process rule by rule; for a rule's page, that rule's links only.

/** Only finished rollouts count, as in outcomes.ts. */
const FINISHED = ['succeeded', 'failed'];

type Counted = { ruleId: string; outcome: string; rollouts: number | bigint | string };

/** `?` for SQLite, `$n` for PostgreSQL, numbered in the order the arguments are pushed. */
function binder(db: Db) {
  const args: unknown[] = [];
  const bind = (value: unknown) => {
    args.push(value);
    return db.kind === 'sqlite' ? '?' : `$${args.length}`;
  };
  return { args, bind };
}

function split(rollouts: number, failed: number): Split {
  return { rollouts, failed, failShare: ratio(failed, rollouts) };
}

/**
 * Distinct finished rollouts per rule and outcome among the links of `ruleIds` in `days` (null:
 * every stored rollout), counted from the index (ruleId, day, outcome, rolloutId) of the links
 * alone: each link carries its rule and its rollout's day and outcome (lib/admission/violations.ts
 * sets them, ingestion keeps them current). Before, each link's rollout was looked up — at 50M stage
 * runs, 33,000 random reads of Rollout for the page over all weeks.
 */
async function countViolating(db: Db, ruleIds: string[], days: { from: string; to: string } | null): Promise<Counted[]> {
  if (ruleIds.length === 0) return [];
  const { args, bind } = binder(db);
  // Bound in the order they appear in the statement: SQLite's `?` are numbered by position.
  const rules = ruleIds.map(bind).join(',');
  const range = days ? ` AND "day" >= ${bind(days.from)} AND "day" <= ${bind(days.to)}` : '';
  // A rollout can take part in several violations of one rule (two hosts): counted once.
  const sql = `SELECT "ruleId", "outcome", COUNT(DISTINCT "rolloutId") AS "rollouts" FROM "AdmissionViolationRollout"
    WHERE "ruleId" IN (${rules})${range} AND "outcome" IN (${FINISHED.map(bind).join(',')})
    GROUP BY "ruleId", "outcome"`;
  return queryRows<Counted>(await db.bulk(), sql, args);
}

/**
 * The finished rollouts stored in `days` (all days: null), per outcome, read from RolloutDayRollup
 * (a row per day, kept exact by ingestion) rather than counted over Rollout. Retention deletes the
 * oldest rollouts, day by day and oldest first, and leaves the rollups as they were, so a rollup
 * counts only stored rollouts for the days after the earliest stored one; that day itself may be
 * deleted in part (a retention run stopped half-way) and is counted from Rollout (one day's rows).
 * Ingestion refuses records before the retention horizon, so no stored day follows a deleted one.
 */
async function countFinished(db: Db, days: { from: string; to: string } | null): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  // Not aggregate({ _min }): Prisma wraps it in a subquery that reads every row; this reads one index entry.
  const first = (await db.prisma.rollout.findFirst({ orderBy: { day: 'asc' }, select: { day: true } }))?.day;
  if (first === undefined) return counts;
  const from = days && days.from > first ? days.from : first;
  const to = days?.to;
  if (to !== undefined && from > to) return counts;
  const outcome = { in: FINISHED };
  const laterDays = { gt: first, gte: from, ...(to !== undefined ? { lte: to } : {}) };
  const [firstDay, later] = await Promise.all([
    from === first ? db.prisma.rollout.groupBy({ by: ['outcome'], where: { day: first, outcome }, _count: { _all: true } }) : [],
    db.prisma.rolloutDayRollup.groupBy({ by: ['outcome'], where: { day: laterDays, outcome }, _sum: { rollouts: true } }),
  ]);
  const add = (o: string, n: number) => counts.set(o, (counts.get(o) ?? 0) + n);
  for (const g of firstDay) add(g.outcome, g._count._all);
  for (const g of later) add(g.outcome, g._sum.rollouts ?? 0);
  return counts;
}

/**
 * Violations joined to outcomes (see getAdmissionOutcomes) for a period; with `ruleId`, the
 * report holds that rule only (none when it is inactive or unknown), its totals still the period's.
 */
export async function getOutcomeReport(db: Db, opts: OutcomePeriod & { ruleId?: string } = {}): Promise<OutcomeReport> {
  const week = opts.week ?? null;
  const weekRange = week ? weekDays(week) : null;
  const days = weekRange ? { from: weekRange[0]!, to: weekRange.at(-1)! } : (opts.days ?? null);
  const [totals, rules] = await Promise.all([
    countFinished(db, days),
    db.prisma.admissionRule.findMany({ where: { active: true, ...(opts.ruleId !== undefined ? { id: opts.ruleId } : {}) }, orderBy: { id: 'asc' } }),
  ]);
  const total = [...totals.values()].reduce((n, c) => n + c, 0);
  const totalFailed = totals.get('failed') ?? 0;
  const joins = (kind: string) => RULE_KINDS[kind]?.joinsOutcomes ?? false;
  const counted = await countViolating(db, rules.filter((r) => joins(r.kind)).map((r) => r.id), days);
  const out: RuleOutcome[] = rules.map((rule) => {
    const of = counted.filter((c) => c.ruleId === rule.id);
    const failed = Number(of.find((c) => c.outcome === 'failed')?.rollouts ?? 0);
    const blocked = of.reduce((n, c) => n + Number(c.rollouts), 0);
    const joinsOutcomes = joins(rule.kind);
    const whatIf = joinsOutcomes && rule.mode !== 'enforce'
      ? { blocked, failuresPrevented: failed, goodBlocked: blocked - failed, shareOfAllFailures: ratio(failed, totalFailed) }
      : null;
    const violating = split(blocked, failed);
    const compliant = split(total - blocked, totalFailed - failed);
    return { rule: rule.id, title: rule.title, mode: rule.mode, joinsOutcomes, violating, compliant, whatIf };
  });
  return { week, days, rollouts: total, failed: totalFailed, rules: out };
}
