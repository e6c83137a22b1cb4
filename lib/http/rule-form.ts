import { z } from 'zod';
import { RULE_LIMITS } from '../classify/class-rules';
import { boundedText, idSchema, MAX_KEY_LENGTH, oneOf, wholeNumber } from './fields';

/**
 * The class-rule form of the dashboard (/errors/rules/new and /errors/rules/<id>) and its server
 * actions: every field bounded here, at the edge; what a rule must be (a template with literal text,
 * a regular expression RE2 accepts, an http(s) link…) is judged by lib/classify's classRuleSchema,
 * whose errors name the same fields. Field names are those of the form's inputs.
 */

/** How far back a preview may look: a year of weeks (the preview reads every event of the window). */
export const MAX_PREVIEW_WEEKS = 52;
export const DEFAULT_PREVIEW_WEEKS = 4;

const text = (max: number) => boundedText(max).optional();
// A form sends "" for an empty input; a rule has null there.
const orNull = (value: string | undefined) => (value === undefined || value.trim() === '' ? null : value);
// One attribute row sends one value, several rows a list; at most RULE_LIMITS.attrs rows, empty ones dropped.
const list = (max: number) =>
  z.union([boundedText(max), z.array(boundedText(max)).max(RULE_LIMITS.attrs, { error: `at most ${RULE_LIMITS.attrs} attributes` })]).optional()
    .transform((v) => (v === undefined ? [] : Array.isArray(v) ? v : [v]));

// An empty input counts as absent (the position of a new rule left empty: last), as in URLs.
const withoutEmpty = (value: unknown) =>
  value && typeof value === 'object' && !Array.isArray(value) ? Object.fromEntries(Object.entries(value).filter(([, v]) => v !== '')) : value;

export const ruleFormSchema = z.preprocess(withoutEmpty, z
  .object({
    id: idSchema.optional(),
    name: boundedText(RULE_LIMITS.name).default(''),
    kind: oneOf(['template', 'regex']).default('template'),
    pattern: boundedText(RULE_LIMITS.pattern).default(''),
    stage: text(MAX_KEY_LENGTH),
    errorCode: text(RULE_LIMITS.glob),
    service: text(RULE_LIMITS.glob),
    attrName: list(MAX_KEY_LENGTH),
    attrGlob: list(500),
    category: text(MAX_KEY_LENGTH),
    ownerId: text(MAX_KEY_LENGTH),
    assigneeId: text(MAX_KEY_LENGTH),
    trackerUrl: text(RULE_LIMITS.trackerUrl),
    /** Where a new rule goes, 1 = first; empty: last. */
    position: wholeNumber(1, RULE_LIMITS.rules + 1).optional(),
    weeks: wholeNumber(1, MAX_PREVIEW_WEEKS).default(DEFAULT_PREVIEW_WEEKS),
  })
  .superRefine((f, ctx) => {
    const rows = Math.max(f.attrName.length, f.attrGlob.length);
    for (let i = 0; i < rows; i += 1) {
      const name = f.attrName[i]?.trim() ?? '';
      const glob = f.attrGlob[i]?.trim() ?? '';
      const issue = (message: string) => ctx.addIssue({ code: 'custom', path: ['attrs'], message });
      if (name === '' && glob !== '') issue(`row ${i + 1}: the glob “${glob.slice(0, 40)}” needs an attribute name`);
      if (name !== '' && glob === '') issue(`row ${i + 1}: attribute “${name.slice(0, 40)}” needs a glob (* for any value)`);
      if (name !== '' && f.attrName.slice(0, i).some((n) => n.trim() === name)) issue(`attribute “${name.slice(0, 40)}” is given twice`);
    }
  })
  .transform((f) => ({
    id: f.id,
    position: f.position === undefined ? undefined : f.position - 1,
    weeks: f.weeks,
    /** The rule as lib/classify/class-rules.ts#classRuleSchema takes it (it checks the rest). */
    rule: {
      name: f.name,
      match: {
        kind: f.kind,
        pattern: f.pattern,
        stage: orNull(f.stage),
        errorCode: orNull(f.errorCode),
        service: orNull(f.service),
        attrs: Object.fromEntries(f.attrName.map((n, i) => [n.trim(), f.attrGlob[i]?.trim() ?? '']).filter(([n]) => n !== '')),
      },
      category: orNull(f.category),
      ownerId: orNull(f.ownerId),
      assigneeId: orNull(f.assigneeId),
      trackerUrl: orNull(f.trackerUrl),
    },
  })));
export type RuleForm = z.infer<typeof ruleFormSchema>;

/** The list's move and delete buttons. */
export const ruleChangeFormSchema = z.discriminatedUnion('op', [
  z.object({ op: z.literal('move'), id: idSchema, position: wholeNumber(0, RULE_LIMITS.rules) }),
  z.object({ op: z.literal('delete'), id: idSchema }),
]);

/** /errors/rules/new: `class=<id>` starts from that class ("Split this class"). */
export const newRulePageSchema = z.object({ class: idSchema.optional() });

// The inputs of the form a field error can stand beside (attribute rows: `attrs`).
const FORM_FIELDS = ['name', 'kind', 'pattern', 'stage', 'errorCode', 'service', 'category', 'ownerId', 'assigneeId', 'trackerUrl', 'position', 'weeks'];

/**
 * The form input a rule field's error belongs to: lib names fields as in the rule
 * (`match.pattern`, `match.attrs.image`, `ownerId`), the form schema as its inputs.
 */
export function formFieldOf(path: string): string {
  const field = path.replace(/^rule\./, '').replace(/^match\./, '');
  if (field.startsWith('attr')) return 'attrs';
  return FORM_FIELDS.includes(field) ? field : 'form';
}

/**
 * Each field's errors from a ValidationError's details (`{ field, reason }` from lib/classify,
 * `{ param, message }` from lib/http) or, without details, from its message ("ownerId: …").
 */
export function fieldErrors(message: string, details: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  const add = (path: string, reason: string) => {
    const field = formFieldOf(path);
    out[field] = out[field] ? `${out[field]}; ${reason}` : reason;
  };
  const items = Array.isArray(details) ? (details as Record<string, unknown>[]) : [];
  for (const d of items) {
    const path = typeof d.field === 'string' ? d.field : typeof d.param === 'string' ? d.param : 'form';
    add(path, String(d.reason ?? d.message ?? ''));
  }
  if (items.length > 0) return out;
  const named = /^([A-Za-z][\w.]*): (.*)$/s.exec(message);
  if (named) add(named[1]!, named[2]!);
  else add('form', message);
  return out;
}
