import { z } from 'zod';
import type { Db } from '../db';
import { addDays, dayInZone } from '../time/day';
import type { ImageSettings } from './config';
import type { NewRuns } from './new-runs';

/**
 * One kind of admission rule: a typed config and the functions that check it. Adding a kind = one
 * module in kinds/ and one line in kinds.ts.
 *
 * A kind checks in one of two ways: `evaluate` looks at a window of data now (the daily job and
 * `npm run admission:check`), `checkRuns` looks at the stage runs stored by one ingestion (run right
 * after it). `preflight` answers the pre-flight API for a planned rollout.
 */
export type SubjectType = 'rollout' | 'host' | 'service' | 'stage' | 'error-class';
export type Finding = {
  subjectType: SubjectType;
  subjectId: string;
  evidence: Record<string, unknown>;
  /** When the breach happened, for per-record findings (default: the time of the check). */
  at?: Date;
  /** The earliest breach of the finding, when it covers several (default: `at`). */
  since?: Date;
  /** The rollouts that took part in the breach: the join from violations to outcomes. */
  rollouts?: string[];
};
export type EvaluateContext = { db: Db; now: Date; timeZone: string; images: ImageSettings };

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
  /** Window kinds: the subjects breaking the rule now, with evidence. */
  evaluate?: (ctx: EvaluateContext, config: C) => Promise<Finding[]>;
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

/** The calendar days (inclusive, in the time zone) of the `windowDays` ending today. */
export function dayWindow(ctx: Pick<EvaluateContext, 'now' | 'timeZone'>, windowDays: number): { from: string; to: string } {
  const to = dayInZone(ctx.now.getTime(), ctx.timeZone);
  return { from: addDays(to, -(windowDays - 1)), to };
}

/**
 * One finding per service from per-record breaches: first and last seen at the earliest and latest
 * breach, the rollouts involved, and the evidence built from the service's breaches (oldest first).
 */
export function findingsPerService<B extends { service: string; rolloutId: string; at: Date }>(breaches: B[], evidence: (service: string, list: B[]) => Record<string, unknown>): Finding[] {
  const byService = new Map<string, B[]>();
  for (const b of breaches) {
    const list = byService.get(b.service);
    if (list) list.push(b);
    else byService.set(b.service, [b]);
  }
  return [...byService].map(([service, list]) => {
    list.sort((a, b) => a.at.getTime() - b.at.getTime());
    return { subjectType: 'service', subjectId: service, at: list.at(-1)!.at, since: list[0]!.at, rollouts: list.map((b) => b.rolloutId), evidence: evidence(service, list) };
  });
}

/** Declares a kind with its config type inferred from its schema. */
export function defineKind<S extends z.ZodType>(kind: RuleKind<z.infer<S>> & { configSchema: S }): RuleKind<z.infer<S>> {
  return kind;
}
