import { z } from 'zod';
import { compileGlob, compileRegex, compileTemplate, PatternError, type Matcher } from './patterns';

/**
 * Class rules: failure classes people define (as in LUCI Analysis, elastic-recheck, Jenkins' Build
 * Failure Analyzer). A rule is a predicate over an error event — its message (a template with <*>
 * wildcards, or a regular expression), and optionally its stage, error code, service and attributes
 * (globs) — and the class it gives the events it matches. Rules are ordered; the first that matches
 * wins over the template miner. This module is pure: the schema one rule (and a rules file) is
 * checked with, and the compiled predicate. Storage and re-classification: class-rule-store.ts.
 */
export const RULE_LIMITS = { pattern: 2_000, name: 200, glob: 200, attrs: 10, trackerUrl: 2_000, rules: 500 } as const;

const glob = (max: number = RULE_LIMITS.glob) => z.string().trim().min(1).max(max);
const optionalGlob = (max?: number) => glob(max).nullable().default(null);

export const ruleMatchSchema = z
  .object({
    kind: z.enum(['template', 'regex']),
    pattern: z.string().min(1).max(RULE_LIMITS.pattern),
    stage: optionalGlob(100),
    errorCode: optionalGlob(),
    service: optionalGlob(),
    attrs: z.record(z.string().trim().min(1).max(100), glob(500)).default({}),
  })
  .strict()
  .superRefine((m, ctx) => {
    if (Object.keys(m.attrs).length > RULE_LIMITS.attrs) ctx.addIssue({ code: 'custom', path: ['attrs'], message: `at most ${RULE_LIMITS.attrs} attributes` });
    try {
      (m.kind === 'template' ? compileTemplate : compileRegex)(m.pattern);
    } catch (error) {
      if (!(error instanceof PatternError)) throw error;
      ctx.addIssue({ code: 'custom', path: ['pattern'], message: error.message });
    }
  });

const trackerUrl = z
  .url({ protocol: /^https?$/, error: 'must be an http(s) link' })
  .max(RULE_LIMITS.trackerUrl)
  .nullable()
  .default(null);

/** One rule as people write it (the dashboard form, a rules file). Owner and category are checked against the chain config and categories when stored. */
export const classRuleSchema = z
  .object({
    name: z.string().trim().min(1).max(RULE_LIMITS.name),
    match: ruleMatchSchema,
    category: z.string().trim().min(1).max(100).nullable().default(null),
    ownerId: z.string().trim().min(1).max(100).nullable().default(null),
    assigneeId: z.string().trim().min(1).max(100).nullable().default(null),
    trackerUrl,
  })
  .strict();

export type ClassRuleInput = z.infer<typeof classRuleSchema>;
export type RuleMatch = z.infer<typeof ruleMatchSchema>;

/** A rules file (`npm run rules:export` / `rules:import`): the rules in order, first match wins. */
export const classRulesFileSchema = z.object({ version: z.literal(1), rules: z.array(classRuleSchema).max(RULE_LIMITS.rules) }).strict();
export type ClassRulesFile = z.infer<typeof classRulesFileSchema>;

/** What a rule looks at in an error event; attrs are those of its stage run. */
export type EventFacts = { message: string; stageKey: string; code: string | null; service: string; attrs: Record<string, unknown> | null };

export type CompiledRule = { id: number; classId: number; matches: (e: EventFacts) => boolean; needsAttrs: boolean };

/** The predicate of a stored rule (its match fields as in ClassRule). */
export function compileRule(rule: { id: number; classId: number; match: RuleMatch }): CompiledRule {
  const m = rule.match;
  const message = (m.kind === 'template' ? compileTemplate : compileRegex)(m.pattern);
  const stage = m.stage === null ? null : compileGlob(m.stage);
  const code = m.errorCode === null ? null : compileGlob(m.errorCode);
  const service = m.service === null ? null : compileGlob(m.service);
  const attrs: [string, Matcher][] = Object.entries(m.attrs).map(([k, g]) => [k, compileGlob(g)]);
  return {
    id: rule.id,
    classId: rule.classId,
    needsAttrs: attrs.length > 0,
    matches: (e) =>
      (stage === null || stage(e.stageKey)) &&
      (code === null || (e.code !== null && code(e.code))) &&
      (service === null || service(e.service)) &&
      attrs.every(([k, match]) => e.attrs !== null && e.attrs[k] !== undefined && e.attrs[k] !== null && match(String(e.attrs[k]))) &&
      message(e.message),
  };
}

/** The first rule (in order) that matches the event, or null: the miner's class then applies. */
export function firstMatch(rules: readonly CompiledRule[], e: EventFacts): CompiledRule | null {
  for (const rule of rules) if (rule.matches(e)) return rule;
  return null;
}

/** A stored rule's match fields as the schema has them. */
export function matchOf(row: { matchKind: string; pattern: string; stage: string | null; errorCode: string | null; service: string | null; attrs: unknown }): RuleMatch {
  const attrs = row.attrs && typeof row.attrs === 'object' && !Array.isArray(row.attrs) ? (row.attrs as Record<string, string>) : {};
  return { kind: row.matchKind === 'regex' ? 'regex' : 'template', pattern: row.pattern, stage: row.stage, errorCode: row.errorCode, service: row.service, attrs };
}
