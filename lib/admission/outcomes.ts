import type { Db } from '../db';
import { ratio } from '../format';
import { weekDays } from '../time/iso-week';
import { RULE_KINDS } from './kinds';

/**
 * Violations joined to outcomes: for each rule, how often the rollouts that broke it failed
 * compared with the rollouts that did not, and for a rule that does not refuse (audit or warn) the
 * what-if of enforcing it: the rollouts it would have refused, and how many of those failed
 * (failures prevented) against how many succeeded (good rollouts blocked). Only finished rollouts
 * count (succeeded or failed); the README's "Metric definitions" has the details.
 */
export type Split = { rollouts: number; failed: number; failShare: number | null };
export type RuleOutcome = {
  rule: string;
  title: string;
  mode: string;
  /** False for kinds about stages, owners and the like, whose violations name no rollouts. */
  joinsOutcomes: boolean;
  violating: Split;
  compliant: Split;
  /** Null for `enforce` rules (they already refuse) and for kinds that do not join outcomes. */
  whatIf: { blocked: number; failuresPrevented: number; goodBlocked: number; shareOfAllFailures: number | null } | null;
};
export type OutcomeReport = { week: string | null; days: { from: string; to: string } | null; rollouts: number; failed: number; rules: RuleOutcome[] };
/** A period: an ISO week, a range of days (inclusive), or — neither — every stored rollout. */
export type OutcomePeriod = { week?: string | null; days?: { from: string; to: string } | null };

const FINISHED = ['succeeded', 'failed'];

function split(rollouts: number, failed: number): Split {
  return { rollouts, failed, failShare: ratio(failed, rollouts) };
}

export async function getAdmissionOutcomes(db: Db, opts: OutcomePeriod = {}): Promise<OutcomeReport> {
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
