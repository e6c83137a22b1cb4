import { readFileSync } from 'node:fs';
import { z } from 'zod';
import defaultCategories from './default-categories.json';
import defaultRouting from './default-routing.json';

/**
 * Category rules and ownership routing: ordered, first match wins, read from JSON files validated
 * here (the shipped defaults, or ROLLSCOPE_CATEGORIES_FILE / ROLLSCOPE_ROUTING_FILE).
 */
const regex = z.string().min(1).refine((source) => {
  try {
    new RegExp(source, 'i');
    return true;
  } catch {
    return false;
  }
}, 'is not a valid regular expression');

export const categoryConfigSchema = z
  .object({
    categories: z.array(z.string().min(1)).min(1),
    rules: z.array(
      z.object({
        id: z.string().min(1),
        category: z.string().min(1),
        stages: z.array(z.string()).optional(),
        message: regex.optional(),
        code: regex.optional(),
      }),
    ),
  })
  .superRefine((config, ctx) => {
    const known = new Set(config.categories);
    if (!known.has('unknown')) ctx.addIssue({ code: 'custom', path: ['categories'], message: 'must include "unknown" (the fallback)' });
    config.rules.forEach((rule, i) => {
      if (!known.has(rule.category)) ctx.addIssue({ code: 'custom', path: ['rules', i, 'category'], message: `"${rule.category}" is not in categories` });
    });
  });

export const routingConfigSchema = z.object({
  rules: z.array(
    z.object({
      id: z.string().min(1),
      owner: z.string().min(1),
      assignee: z.string().min(1).optional(),
      match: z
        .object({
          service: z.array(z.string().min(1)).optional(),
          stage: z.array(z.string().min(1)).optional(),
          category: z.array(z.string().min(1)).optional(),
          template: regex.optional(),
          attrs: z.record(z.string(), regex).optional(),
        })
        .strict(),
    }),
  ),
});

export type CategoryConfig = z.infer<typeof categoryConfigSchema>;
export type RoutingConfig = z.infer<typeof routingConfigSchema>;

export class RulesConfigError extends Error {
  override name = 'RulesConfigError';
}

function parseWith<T>(schema: z.ZodType<T>, data: unknown, source: string): T {
  const parsed = schema.safeParse(data);
  if (parsed.success) return parsed.data;
  const lines = parsed.error.issues.map((i) => `  ${i.path.join('.') || '(root)'}: ${i.message}`);
  throw new RulesConfigError(`${source}: invalid configuration\n${lines.join('\n')}`);
}

function readJson(file: string): unknown {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new RulesConfigError(`${file}: cannot read: ${(error as Error).message}`);
  }
}

export function parseCategoryConfig(data: unknown, source: string): CategoryConfig {
  return parseWith(categoryConfigSchema, data, source);
}

export function parseRoutingConfig(data: unknown, source: string): RoutingConfig {
  return parseWith(routingConfigSchema, data, source);
}

export function loadCategoryConfig(file: string | null): CategoryConfig {
  return file ? parseCategoryConfig(readJson(file), file) : parseCategoryConfig(defaultCategories, 'lib/classify/default-categories.json');
}

export function loadRoutingConfig(file: string | null): RoutingConfig {
  return file ? parseRoutingConfig(readJson(file), file) : parseRoutingConfig(defaultRouting, 'lib/classify/default-routing.json');
}

/** What rules look at: one class, by its template and its dominant stage, service, code and attributes. */
export type ClassFacts = { template: string; stage: string | null; service: string | null; code: string | null; category: string; attrs: Record<string, string | number> };

const test = (source: string, text: string) => new RegExp(source, 'i').test(text);

/** The first category rule that matches, or the fallback "unknown". */
export function categorize(config: CategoryConfig, facts: Omit<ClassFacts, 'category' | 'attrs'>): { category: string; rule: string | null } {
  for (const rule of config.rules) {
    if (rule.stages && !(facts.stage && rule.stages.includes(facts.stage))) continue;
    if (rule.message && !test(rule.message, facts.template)) continue;
    if (rule.code && !(facts.code && test(rule.code, facts.code))) continue;
    return { category: rule.category, rule: rule.id };
  }
  return { category: 'unknown', rule: null };
}

/** A glob ("payments-*") as a whole-string test. */
function globMatches(pattern: string, value: string): boolean {
  const source = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${source}$`, 'i').test(value);
}

/**
 * The owner of a class: the first routing rule whose conditions all hold (services as globs,
 * stages and categories as lists, template and attributes as regular expressions), else the
 * owner of the class's stage.
 */
export function route(config: RoutingConfig, facts: ClassFacts, stageOwner: string | null): { owner: string | null; assignee: string | null; rule: string } {
  for (const rule of config.rules) {
    const m = rule.match;
    if (m.service && !(facts.service && m.service.some((g) => globMatches(g, facts.service!)))) continue;
    if (m.stage && !(facts.stage && m.stage.includes(facts.stage))) continue;
    if (m.category && !m.category.includes(facts.category)) continue;
    if (m.template && !test(m.template, facts.template)) continue;
    if (m.attrs && !Object.entries(m.attrs).every(([k, source]) => facts.attrs[k] !== undefined && test(source, String(facts.attrs[k])))) continue;
    return { owner: rule.owner, assignee: rule.assignee ?? null, rule: rule.id };
  }
  return { owner: stageOwner, assignee: null, rule: 'stage-owner' };
}
