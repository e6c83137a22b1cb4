import { readFileSync } from 'node:fs';
import { z } from 'zod';
import defaultRules from './default-rules.json';
import { RULE_KINDS } from './kinds';

/**
 * The admission rules file (the shipped default, or ROLLSCOPE_ADMISSION_FILE), validated with the
 * config schema of each rule's kind; errors name the file and the path of the bad field.
 */
const ruleSchema = z.object({
  id: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'lowercase letters, digits and dashes'),
  title: z.string().min(1),
  description: z.string().default(''),
  severity: z.enum(['info', 'warning', 'critical']),
  owner: z.string().min(1),
  mode: z.enum(['audit', 'warn', 'enforce']),
  kind: z.string(),
  config: z.unknown().default({}),
});
/** Which stages build and push images, and the attribute that names the image (see README). */
const imagesSchema = z.object({
  buildStage: z.string().min(1).default('image-build'),
  pushStage: z.string().min(1).default('image-push'),
  attr: z.string().regex(/^[A-Za-z0-9_]+$/, 'letters, digits and underscores').default('image'),
});
const fileSchema = z.object({ images: imagesSchema.default({ buildStage: 'image-build', pushStage: 'image-push', attr: 'image' }), rules: z.array(z.unknown()) });

export type ImageSettings = z.infer<typeof imagesSchema>;
export type AdmissionRuleConfig = z.infer<typeof ruleSchema> & { scope: string; windowDays: number };
/** The whole rules file: the image settings and the rules. */
export type AdmissionPolicy = { images: ImageSettings; rules: AdmissionRuleConfig[] };

export class AdmissionConfigError extends Error {
  override name = 'AdmissionConfigError';
}

export function parseAdmissionRules(data: unknown, source: string): AdmissionPolicy {
  const issues: string[] = [];
  const parsed = fileSchema.safeParse(data);
  if (!parsed.success) issues.push(...parsed.error.issues.map((i) => `  ${i.path.join('.') || '(root)'}: ${i.message}`));
  const rules: AdmissionRuleConfig[] = [];
  const seen = new Set<string>();
  // Each rule on its own, so that one bad rule (or a bad images block) does not hide the errors of the others.
  const raws: unknown[] = parsed.data?.rules ?? (typeof data === 'object' && data !== null && Array.isArray((data as { rules?: unknown }).rules) ? (data as { rules: unknown[] }).rules : []);
  raws.forEach((raw, i) => {
    const one = ruleSchema.safeParse(raw);
    if (!one.success) return issues.push(...one.error.issues.map((x) => `  rules.${i}.${x.path.join('.')}: ${x.message}`));
    const rule = one.data;
    const kind = RULE_KINDS[rule.kind];
    if (seen.has(rule.id)) issues.push(`  rules.${i}.id: duplicate rule id "${rule.id}"`);
    seen.add(rule.id);
    if (!kind) return issues.push(`  rules.${i}.kind: unknown kind "${rule.kind}"; one of ${Object.keys(RULE_KINDS).join(', ')}`);
    const config = kind.configSchema.safeParse(rule.config);
    if (!config.success) return issues.push(...config.error.issues.map((x) => `  rules.${i}.config.${x.path.join('.')}: ${x.message}`));
    rules.push({ ...rule, config: config.data, scope: kind.scope, windowDays: kind.windowDays(config.data) });
  });
  if (issues.length) throw new AdmissionConfigError(`${source}: invalid admission rules\n${issues.join('\n')}`);
  return { images: parsed.data!.images, rules };
}

export function loadAdmissionRules(file: string | null): AdmissionPolicy {
  if (!file) return parseAdmissionRules(defaultRules, 'lib/admission/default-rules.json');
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new AdmissionConfigError(`${file}: cannot read: ${(error as Error).message}`);
  }
  return parseAdmissionRules(data, file);
}

const loaded = new Map<string, AdmissionPolicy>();

/** The rules file as loaded once per process (the web server and ingestion; a change needs a restart). */
export function admissionPolicyOf(file: string | null): AdmissionPolicy {
  const key = file ?? '';
  let policy = loaded.get(key);
  if (!policy) loaded.set(key, (policy = loadAdmissionRules(file)));
  return policy;
}
