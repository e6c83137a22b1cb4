// The two admission readers issue #14 rewrote, as they were (full reads into the process), kept as the
// obvious oracle the bounded readers are compared against (admission-readers.db.test.ts,
// outcome-counts.db.test.ts): copied, not imported, so they stay the old ones whatever lib/ becomes.
import type { OutcomePeriod, OutcomeReport, RuleOutcome, Split } from '../../../lib/admission/outcomes';
import { RULE_KINDS } from '../../../lib/admission/kinds';
import type { Db } from '../../../lib/db';
import { ratio } from '../../../lib/format';
import { weekDays } from '../../../lib/time/iso-week';

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
