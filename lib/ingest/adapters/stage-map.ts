import { z } from 'zod';
import { compileRegex, PatternError, type Matcher } from '../../classify/patterns';

/**
 * How the name a CI system gives a job or task ("Build image", "deploy-canary", an OpenTelemetry
 * `cicd.pipeline.task.name`) becomes one of the chain's stage keys. Rules from the chain config's
 * `stageMap` come first, in order: `name` matches the whole name ignoring case and surrounding
 * space, `regex` (RE2, case-insensitive) matches anywhere in it. Without a matching rule a name maps
 * to the stage whose key or name it is (ignoring case; spaces, dots and underscores read as dashes).
 * A name that maps to nothing is not guessed: the adapter quarantines it with the reason.
 */
export const stageMapRuleSchema = z
  .object({
    name: z.string().min(1).max(200).optional(),
    regex: z.string().min(1).max(500).optional(),
    stage: z.string().min(1).max(100),
  })
  .refine((r) => (r.name === undefined) !== (r.regex === undefined), { error: 'give exactly one of name or regex' })
  .superRefine((r, ctx) => {
    if (r.regex === undefined) return;
    try {
      compileRegex(r.regex);
    } catch (error) {
      if (!(error instanceof PatternError)) throw error;
      ctx.addIssue({ code: 'custom', path: ['regex'], message: error.message });
    }
  });
export type StageMapRule = z.infer<typeof stageMapRuleSchema>;

export type StageMap = { map: (name: string) => string | null };

/** Lowercase, with runs of spaces, dots, underscores and slashes as one dash: "Image Pull" → "image-pull". */
export const slugOf = (name: string) => name.trim().toLowerCase().replace(/[\s._/]+/g, '-');

export function buildStageMap(stages: readonly { key: string; name: string }[], rules: readonly StageMapRule[] = []): StageMap {
  const keys = new Set(stages.map((s) => s.key));
  const compiled: { test: Matcher; stage: string }[] = rules.map((r) => {
    if (r.regex !== undefined) return { test: compileRegex(r.regex), stage: r.stage };
    const wanted = r.name!.trim().toLowerCase();
    return { test: (n: string) => n.trim().toLowerCase() === wanted, stage: r.stage };
  });
  const byName = new Map<string, string>();
  for (const s of stages) {
    byName.set(s.key, s.key);
    byName.set(slugOf(s.name), s.key);
  }
  return {
    map: (name) => {
      for (const rule of compiled) if (rule.test(name)) return keys.has(rule.stage) ? rule.stage : null;
      return byName.get(slugOf(name)) ?? null;
    },
  };
}
