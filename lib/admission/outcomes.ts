import type { Db } from '../db';
import { getOutcomeReport } from './outcome-counts';

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

/** The report for a period, counted by the database (lib/admission/outcome-counts.ts). */
export function getAdmissionOutcomes(db: Db, opts: OutcomePeriod = {}): Promise<OutcomeReport> {
  return getOutcomeReport(db, opts);
}
