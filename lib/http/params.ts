import type { z } from 'zod';
import { ValidationError } from '../errors';

/** One bad value: which parameter (or form field, or path segment) and what is wrong with it. */
export type ParamIssue = { param: string; message: string };
export type ParamsResult<T> = { ok: true; data: T } | { ok: false; issues: ParamIssue[] };

/** URL parameters as Next hands them to a page, or as a URL carries them. */
export type ParamsInput = URLSearchParams | Record<string, string | string[] | undefined>;

type ObjectSchema = z.ZodObject<z.ZodRawShape>;

/** The ZodError's issues, each naming its field path ("ids.3", or "form" for the whole). */
export function issuesOf(error: z.ZodError): ParamIssue[] {
  return error.issues.map((i) => ({ param: i.path.map(String).join('.') || 'form', message: i.message }));
}

/** "from: … ; to: …" — the sentence an error page or action result shows. */
export function describeIssues(issues: ParamIssue[]): string {
  return issues.map((i) => `${i.param}: ${i.message}`).join('; ');
}

function valuesOf(input: ParamsInput, key: string): string[] {
  if (input instanceof URLSearchParams) return input.getAll(key);
  const value = input[key];
  return value === undefined ? [] : Array.isArray(value) ? value : [value];
}

/**
 * Parses the parameters a schema knows (others are ignored: links may carry more). An empty value
 * counts as absent (a form's "All" option sends `stage=`); a parameter given twice is refused.
 */
export function parseParams<S extends ObjectSchema>(schema: S, input: ParamsInput): ParamsResult<z.infer<S>> {
  const picked: Record<string, string> = {};
  const issues: ParamIssue[] = [];
  for (const key of Object.keys(schema.shape)) {
    const values = valuesOf(input, key);
    if (values.length > 1) issues.push({ param: key, message: `is given ${values.length} times; give it once` });
    else if (values[0] !== undefined && values[0] !== '') picked[key] = values[0];
  }
  if (issues.length > 0) return { ok: false, issues };
  const parsed = schema.safeParse(picked);
  return parsed.success ? { ok: true, data: parsed.data } : { ok: false, issues: issuesOf(parsed.error) };
}

/** For pages, after proxy.ts has answered bad requests: the typed values, or a ValidationError. */
export function paramsOrThrow<S extends ObjectSchema>(schema: S, input: ParamsInput): z.infer<S> {
  const result = parseParams(schema, input);
  if (!result.ok) throw new ValidationError(describeIssues(result.issues), result.issues);
  return result.data;
}

/**
 * A server action's form as a plain object for its schema: `lists` are the fields that may repeat
 * (checkboxes); any other field given twice stays a list, which its string schema then refuses.
 */
export function formFields(form: FormData, lists: readonly string[] = []): Record<string, unknown> {
  const fields: Record<string, unknown> = {};
  for (const key of new Set(form.keys())) {
    const all = form.getAll(key);
    fields[key] = lists.includes(key) || all.length > 1 ? all : all[0];
  }
  return fields;
}

/** Parses a form (or body) with its schema; a ValidationError names each bad field. */
export function fieldsOrThrow<S extends z.ZodType>(schema: S, fields: unknown): z.infer<S> {
  const parsed = schema.safeParse(fields);
  if (!parsed.success) throw new ValidationError(describeIssues(issuesOf(parsed.error)), issuesOf(parsed.error));
  return parsed.data;
}
