import type { z } from 'zod';
import type { Db } from '../db';

/**
 * One kind of admission rule: a typed config and one evaluate function that returns the subjects
 * breaking the rule now, with evidence. Adding a kind = one module in kinds/ and one line in kinds.ts.
 */
export type SubjectType = 'rollout' | 'host' | 'service' | 'stage' | 'error-class';
export type Finding = { subjectType: SubjectType; subjectId: string; evidence: Record<string, unknown> };
export type EvaluateContext = { db: Db; now: Date; timeZone: string };

export type RuleKind<C> = {
  kind: string;
  scope: 'rollout' | 'host' | 'service' | 'stage';
  configSchema: z.ZodType<C>;
  /** Days a rule of this kind must hold before its open violations resolve by themselves. */
  windowDays: (config: C) => number;
  evaluate: (ctx: EvaluateContext, config: C) => Promise<Finding[]>;
};

/** Declares a kind with its config type inferred from its schema. */
export function defineKind<S extends z.ZodType>(kind: RuleKind<z.infer<S>> & { configSchema: S }): RuleKind<z.infer<S>> {
  return kind;
}
