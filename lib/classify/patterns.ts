import { RE2JS } from 're2js';

/**
 * The matchers of class rules, compiled once per rule and run on every error event: globs (`*` is
 * any run of characters) for stage, error code, service and attributes; templates (`<*>` is any run
 * of characters, the rest literal, whitespace runs equal) and regular expressions for the message.
 * People type these patterns, and they run over every event of the history, so no pattern may take
 * more than linear time: globs and templates are matched by splitting on their wildcards, and
 * regular expressions run on RE2 (re2js), which never backtracks.
 */
export type Matcher = (value: string) => boolean;

export class PatternError extends Error {
  override name = 'PatternError';
}

export const TEMPLATE_WILDCARD = '<*>';
const SPACES = /\s+/g;

/** Whether `value` is the literal parts in order, with anything between them (and at the open ends). */
function matchParts(parts: readonly string[], value: string): boolean {
  const first = parts[0]!;
  const last = parts[parts.length - 1]!;
  if (parts.length === 1) return value === first;
  if (!value.startsWith(first) || value.length < first.length + last.length || !value.endsWith(last)) return false;
  let at = first.length;
  const end = value.length - last.length;
  for (let i = 1; i < parts.length - 1; i += 1) {
    const found = value.indexOf(parts[i]!, at);
    if (found === -1 || found + parts[i]!.length > end) return false;
    at = found + parts[i]!.length;
  }
  return true;
}

/** A glob: `*` matches any run of characters (also none); everything else literally, case-insensitive. */
export function compileGlob(glob: string): Matcher {
  const parts = glob.toLowerCase().split('*');
  return (value) => matchParts(parts, value.toLowerCase());
}

/** A message template: `<*>` matches any run of characters; literal text exactly, with whitespace runs equal. */
export function compileTemplate(template: string): Matcher {
  const normal = template.trim().replace(SPACES, ' ');
  if (normal.replaceAll(TEMPLATE_WILDCARD, '').trim() === '') throw new PatternError('a template needs some literal text besides <*>');
  const parts = normal.split(TEMPLATE_WILDCARD);
  return (message) => matchParts(parts, message.trim().replace(SPACES, ' '));
}

/** A regular expression (RE2 syntax: no backreferences or lookaround), case-insensitive, found anywhere in the message. */
export function compileRegex(pattern: string): Matcher {
  let re: RE2JS;
  try {
    re = RE2JS.compile(pattern, RE2JS.CASE_INSENSITIVE);
  } catch (error) {
    throw new PatternError(`is not a regular expression RE2 accepts: ${(error as Error).message}`);
  }
  return (message) => re.matcher(message).find();
}
