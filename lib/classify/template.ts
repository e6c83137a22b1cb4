import { WILDCARD, judgeWord } from './tokenize';

/**
 * Template tokens are message tokens (tokenize.ts: a leading space when whitespace came before)
 * where variable positions hold a wildcard: `<*>` for one token, or `<+>` (SPAN) for a run of
 * values of any length (a list of values, a value with its unit: "5.2 KB" and "1.1 MB" read as one
 * `<*>`). No message token can equal these (`<` is punctuation, never inside a word).
 */
export const SPAN = '<+>';

const bare = (token: string) => (token.charCodeAt(0) === 32 ? token.slice(1) : token);
const spaced = (token: string) => token.charCodeAt(0) === 32;
const withSpace = (like: string, text: string) => (spaced(like) ? ` ${text}` : text);

export function isWild(token: string): boolean {
  const b = bare(token);
  return b === WILDCARD || b === SPAN;
}

/** A wildcard (`<*>`, or SPAN) spaced like the token it stands for. */
export const wildLike = (like: string, kind: string = WILDCARD) => withSpace(like, kind);

// Units that follow a number: sizes, durations, rates, percent. A closed class of words.
const UNITS = new Set(
  ('b kb mb gb tb pb kib mib gib tib byte bytes k m g t ms msec msecs us µs ns s sec secs second seconds ' +
    'min mins minute minutes h hr hrs hour hours d day days % kbps mbps gbps bps')
    .split(' '),
);

export function isUnit(token: string): boolean {
  return UNITS.has(bare(token).toLowerCase());
}

/** Punctuation tokens are structure: where two templates differ in them, they are different templates. */
export function isPunct(token: string): boolean {
  const b = bare(token);
  for (let i = 0; i < b.length; i += 1) {
    const c = b.charCodeAt(i);
    if ((c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 || c > 127) return false;
  }
  return b.length > 0 && !isWild(token);
}

/**
 * Whether the token at `p` looks like a value by its form alone: a wildcard, a word with a digit
 * (ssh2, rdd_2_1) or a quoted value ("…" or '…' around it).
 */
export function looksVariable(tokens: readonly string[], p: number): boolean {
  const t = tokens[p]!;
  if (isWild(t)) return true;
  const b = bare(t);
  if (judgeWord(b) !== 'word') return true;
  const before = tokens[p - 1];
  const after = tokens[p + 1];
  if (before === undefined || after === undefined || spaced(t) || spaced(after)) return false;
  const q = bare(before);
  return (q.endsWith('"') || q.endsWith("'")) && after.startsWith(q.at(-1)!);
}

/** The template as text: the message's own words and punctuation, each variable as `<*>`. */
export function renderTemplate(tokens: readonly string[]): string {
  let out = '';
  for (const t of tokens) {
    const b = bare(t);
    const text = b === SPAN ? WILDCARD : b;
    out += out === '' ? text : spaced(t) ? ` ${text}` : text;
  }
  return out;
}

/**
 * Can token `t` of a message continue a run of values that began before it? Another variable, a
 * unit after a value, or a comma between values.
 */
function continuesRun(tokens: readonly string[], i: number): boolean {
  const t = tokens[i]!;
  if (isWild(t)) return true;
  if (spaced(t) && isUnit(t)) return true;
  const next = tokens[i + 1];
  return bare(t) === ',' && next !== undefined && isWild(next);
}

/** Where each run of values ends, from its first token (a run is a wildcard and what continues it). */
export function runEnd(tokens: readonly string[], start: number): number {
  let j = start + 1;
  while (j < tokens.length && continuesRun(tokens, j)) j += 1;
  return j;
}

/**
 * The template with each run of values written as one SPAN: two templates with the same compressed
 * form differ only in how many values (or units) their runs hold.
 */
export function compress(tokens: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < tokens.length; ) {
    const t = tokens[i]!;
    if (!isWild(t)) {
      out.push(t);
      i += 1;
      continue;
    }
    out.push(wildLike(t, SPAN));
    i = runEnd(tokens, i);
  }
  return out;
}

/** Does the template (which may hold SPANs: a run of values, or one token) match the message tokens? */
export function matches(template: readonly string[], tokens: readonly string[]): boolean {
  let j = 0;
  for (let i = 0; i < template.length; i += 1) {
    const t = template[i]!;
    if (j >= tokens.length) return false;
    const b = bare(t);
    if (b === SPAN) {
      j = isWild(tokens[j]!) ? runEnd(tokens, j) : j + 1;
    } else if (b === WILDCARD) {
      j += 1;
    } else if (tokens[j] !== t) {
      return false;
    } else {
      j += 1;
    }
  }
  return j === tokens.length;
}

/** How specific a template is: its constant tokens. The most specific matching template wins. */
export function constantCount(tokens: readonly string[]): number {
  let n = 0;
  for (const t of tokens) if (!isWild(t)) n += 1;
  return n;
}

/**
 * The variable parts of a message under a template, in order: the message text that stands where
 * each `<*>` of the template text stands (constant parts matched literally, whitespace runs equal).
 */
export function extractParams(template: string | readonly string[], message: string): string[] {
  const text = (typeof template === 'string' ? template : template.join(' ')).trim().replace(/\s+/g, ' ');
  const parts = text.split(WILDCARD);
  const body = message.trim().replace(/\s+/g, ' ');
  if (parts.length === 1 || !body.startsWith(parts[0]!)) return [];
  const params: string[] = [];
  let at = parts[0]!.length;
  for (let i = 1; i < parts.length; i += 1) {
    const part = parts[i]!;
    const last = i === parts.length - 1;
    // The last part closes the message; the others are found lazily, so each value is the shortest.
    const found = last ? (body.endsWith(part) ? body.length - part.length : -1) : body.indexOf(part, at + 1);
    if (found < at) return params;
    params.push(body.slice(at, found));
    at = found + part.length;
  }
  return params;
}
