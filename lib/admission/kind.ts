import { z } from 'zod';
import type { Db } from '../db';
import { addDays, dayInZone, startOfDayInZone } from '../time/day';
import type { ImageSettings } from './config';
import type { NewRuns } from './new-runs';

/**
 * One kind of admission rule: a typed config and the functions that check it. Adding a kind = one
 * module in kinds/ and one line in kinds.ts.
 *
 * A kind checks in one of three ways, all by the daily job and `npm run admission:check`:
 * `checkRuns` looks at the stage runs stored by one ingestion (also right after it), `evaluateDays`
 * judges each calendar day of a range (a window of data ending that day, or the day's own runs;
 * see window-days.ts), `evaluate` looks at the state now (owners). `preflight` answers the
 * pre-flight API for a planned rollout.
 */
export type SubjectType = 'rollout' | 'host' | 'service' | 'stage' | 'error-class';
export type Finding = {
  subjectType: SubjectType;
  subjectId: string;
  evidence: Record<string, unknown>;
  /** When the breach happened, for per-record findings (default: the time of the check). */
  at?: Date;
  /**
   * The calendar days (in the time zone) the breach happened on: the violation is counted once in
   * the ISO week of each (default: the day of `at`). A rollout's breach is on the rollout's day.
   */
  days?: string[];
  /** The earliest breach of the finding, when it covers several (default: `at`). */
  since?: Date;
  /** The rollouts that took part in the breach: the join from violations to outcomes. */
  rollouts?: string[];
};
export type EvaluateContext = { db: Db; now: Date; timeZone: string; images: ImageSettings };
/** Calendar days, inclusive. */
export type DayRange = { from: string; to: string };

/** A planned rollout, as the pipeline describes it to the pre-flight API. */
export type PreflightRequest = { service: string; env: 'test' | 'prerelease' | 'online'; hosts: string[]; image: string | null; stages: string[] };
/** The policy-engine vocabulary for one rule and one request (mode turns fail into warn or deny later). */
export type PreflightVerdict = { result: 'pass' | 'fail' | 'skip'; reasons: string[] };

export type RuleKind<C> = {
  kind: string;
  scope: 'rollout' | 'host' | 'service' | 'stage';
  configSchema: z.ZodType<C>;
  /** Days a rule of this kind must hold before its open violations resolve by themselves. */
  windowDays: (config: C) => number;
  /** Whether findings name the rollouts involved, so the outcome report can compare them. */
  joinsOutcomes: boolean;
  /** State kinds: the subjects breaking the rule now, with evidence. */
  evaluate?: (ctx: EvaluateContext, config: C) => Promise<Finding[]>;
  /**
   * Window kinds: the subjects breaking the rule on days of `range` (never after the check's day),
   * each with those days in `days` and the evidence of its latest one. The whole range is judged:
   * a subject left out had no breach in it.
   */
  evaluateDays?: (ctx: EvaluateContext, config: C, range: DayRange) => Promise<Finding[]>;
  /** Per-record kinds: the breaches among the stage runs one ingestion stored. */
  checkRuns?: (ctx: EvaluateContext, config: C, runs: NewRuns) => Promise<Finding[]>;
  /**
   * The answer for a planned rollout. Kinds without one fail a request whose service, hosts or
   * stages have an open violation of the rule (see preflight.ts).
   */
  preflight?: (ctx: EvaluateContext, config: C, request: PreflightRequest) => Promise<PreflightVerdict>;
};

/** The `windowDays` of a kind's config: days a breach counts, and the rule must hold to resolve. */
export const windowDaysSchema = z.number().int().min(1).max(90).default(7);

/** The calendar days (inclusive) of the `windowDays` ending on `day`. */
export function windowEnding(day: string, windowDays: number): DayRange {
  return { from: addDays(day, -(windowDays - 1)), to: day };
}

/**
 * One finding per subject from the days it broke a window rule on (oldest first, each with its
 * evidence): seen from the start of its first day to the end of its last (the check's time when
 * that day is today), with the latest day's evidence.
 */
export function findingsPerDay(ctx: Pick<EvaluateContext, 'now' | 'timeZone'>, subjectType: SubjectType, breaches: Map<string, { day: string; evidence: Record<string, unknown> }[]>): Finding[] {
  return [...breaches].flatMap(([subjectId, list]) => {
    if (list.length === 0) return [];
    const last = list.at(-1)!;
    const at = Math.min(ctx.now.getTime(), startOfDayInZone(addDays(last.day, 1), ctx.timeZone) - 1);
    return [{ subjectType, subjectId, at: new Date(at), since: new Date(startOfDayInZone(list[0]!.day, ctx.timeZone)), days: list.map((b) => b.day), evidence: last.evidence }];
  });
}

/**
 * One finding per service from per-record breaches: first and last seen at the earliest and latest
 * breach, counted in the week of each breach's day, the rollouts involved, and the evidence built
 * from the service's breaches (oldest first).
 */
export function findingsPerService<B extends { service: string; rolloutId: string; at: Date }>(timeZone: string, breaches: B[], evidence: (service: string, list: B[]) => Record<string, unknown>): Finding[] {
  const byService = new Map<string, B[]>();
  for (const b of breaches) {
    const list = byService.get(b.service);
    if (list) list.push(b);
    else byService.set(b.service, [b]);
  }
  return [...byService].map(([service, list]) => {
    list.sort((a, b) => a.at.getTime() - b.at.getTime());
    const days = [...new Set(list.map((b) => dayInZone(b.at.getTime(), timeZone)))];
    return { subjectType: 'service', subjectId: service, at: list.at(-1)!.at, since: list[0]!.at, days, rollouts: list.map((b) => b.rolloutId), evidence: evidence(service, list) };
  });
}

/** Declares a kind with its config type inferred from its schema. */
export function defineKind<S extends z.ZodType>(kind: RuleKind<z.infer<S>> & { configSchema: S }): RuleKind<z.infer<S>> {
  return kind;
}
