import { WILDCARD } from './tokenize';
import { SPAN, isPunct, isUnit, isWild, looksVariable, runEnd, wildLike } from './template';

/**
 * How templates widen: pure functions from the current clusters to the merges to make.
 *
 * Templates are compared in their compressed form: each run of values (a value, a list of values,
 * a value with its unit) is one position, so templates that differ only in how many values a run
 * holds ("lifetime <1 sec" / "lifetime 00:01", "delete blk_1" / "delete blk_1 blk_2") pool their
 * evidence and become one template, and a run all members write alike keeps its words ("<*> ms").
 *
 * Brain's idea (Yu et al., 2023): the constant words of a template occur in every one of its
 * lines, so they share one frequency — the template's count — while the values of a variable each
 * occur in only some of them. Per compressed length, each word is counted with its position; a
 * cluster's *pattern* is its set of words sharing the frequency that most of its words have (ties:
 * the higher frequency). Clusters with one pattern are one candidate family; within it, a position
 * that holds several values is either a variable or the word that tells two templates apart, and
 * the evidence decides (isVariable, besideWildcard). The family is split at the position that
 * looks most like a constant (fewest values) until only variables differ.
 */
export type ClusterView = { id: number; tokens: readonly string[]; count: number };
/** Clusters to merge (the oldest, ids[0], survives) and the widened template. */
export type Merge = { ids: number[]; tokens: string[] };

export type WidenOptions = {
  /** Distinct plain words at one position that make it a variable (names, hosts); fewer are kept apart. */
  minDistinct: number;
  /** Keep positions whose values are all all-caps identifiers (states, kinds) apart, however many. */
  enumStates: boolean;
};

type Values = Map<string, { weight: number; rep: readonly string[] }>;
/** A cluster cut into segments (a constant token, or a run of values) and its compressed form. */
type Cut = { c: ClusterView; segments: string[][]; form: string[] };

// All-caps identifiers (RUNNING, SCREEN_ON, TIME_TICK) name states and kinds in code: constants.
const ENUM_LIKE = /^[A-Z][A-Z0-9_]*[A-Z0-9]$/;
const bare = (t: string) => (t.charCodeAt(0) === 32 ? t.slice(1) : t);

/** The merges that make clusters differing only in variables (and run lengths) one template. */
export function planMerges(clusters: readonly ClusterView[], options: WidenOptions): Merge[] {
  const byLength = new Map<number, Cut[]>();
  for (const c of clusters) {
    const cut = cutOf(c);
    const list = byLength.get(cut.form.length);
    if (list) list.push(cut);
    else byLength.set(cut.form.length, [cut]);
  }
  const merges: Merge[] = [];
  for (const group of byLength.values()) {
    if (group.length < 2) continue;
    for (const family of familiesByPattern(group)) {
      for (const leaf of split(family, options)) if (leaf.length > 1) merges.push(mergeLeaf(leaf));
    }
  }
  return merges;
}

function cutOf(c: ClusterView): Cut {
  const segments: string[][] = [];
  const form: string[] = [];
  for (let i = 0; i < c.tokens.length; ) {
    const t = c.tokens[i]!;
    const end = isWild(t) ? runEnd(c.tokens, i) : i + 1;
    segments.push(end === i + 1 ? [t] : c.tokens.slice(i, end));
    form.push(isWild(t) ? wildLike(t, SPAN) : t);
    i = end;
  }
  return { c, segments, form };
}

/**
 * Groups clusters of one compressed length by their pattern (see the module comment). Only words
 * make a pattern: punctuation and wildcards are shared by many templates and tell none apart.
 */
function familiesByPattern(group: readonly Cut[]): Cut[][] {
  const isWord = (t: string) => !isWild(t) && !isPunct(t);
  const freq: Map<string, number>[] = Array.from({ length: group[0]!.form.length }, () => new Map());
  for (const { c, form } of group) {
    form.forEach((t, p) => {
      if (isWord(t)) freq[p]!.set(t, (freq[p]!.get(t) ?? 0) + c.count);
    });
  }
  const families = new Map<string, Cut[]>();
  for (const cut of group) {
    const perFrequency = new Map<number, number>();
    const f = cut.form.map((t, p) => (isWord(t) ? freq[p]!.get(t)! : 0));
    for (const v of f) if (v > 0) perFrequency.set(v, (perFrequency.get(v) ?? 0) + 1);
    let best = 0;
    let most = 0;
    for (const [v, n] of perFrequency) if (n > most || (n === most && v > best)) [best, most] = [v, n];
    // Without words, the punctuation itself is the pattern.
    const key = cut.form.map((t, p) => (best === 0 ? (isWild(t) ? '' : t) : f[p] === best ? t : '')).join('\u0001');
    const family = families.get(key);
    if (family) family.push(cut);
    else families.set(key, [cut]);
  }
  return [...families.values()];
}

/** Splits a family at its most constant-looking position until only variables differ. */
function split(family: Cut[], options: WidenOptions): Cut[][] {
  if (family.length < 2) return [family];
  const length = family[0]!.form.length;
  let at = -1;
  let fewest = Infinity;
  for (let p = 0; p < length; p += 1) {
    const values = valuesAt(family, p);
    if (values.size < 2 || values.size >= fewest || isVariable(values, p, options) || besideWildcard(family, p)) continue;
    at = p;
    fewest = values.size;
  }
  if (at === -1) return [family];
  const parts = new Map<string, Cut[]>();
  for (const cut of family) {
    const part = parts.get(cut.form[at]!);
    if (part) part.push(cut);
    else parts.set(cut.form[at]!, [cut]);
  }
  return [...parts.values()].flatMap((part) => split(part, options));
}

/**
 * A word where an otherwise identical cluster has a variable is a value of that variable
 * (`for ns.example.com [<*>]` beside `for <*> [<*>]`). Only siblings count: across unrelated
 * templates of one family a wildcard beside a word says nothing.
 */
function besideWildcard(family: readonly Cut[], p: number): boolean {
  const seen = new Map<string, number>();
  for (const { form } of family) {
    const rest = form.map((t, i) => (i === p ? '' : t)).join('\u0001');
    const kind = isWild(form[p]!) ? 1 : 2;
    const before = seen.get(rest) ?? 0;
    if ((before | kind) === 3) return true;
    seen.set(rest, before | kind);
  }
  return false;
}

function valuesAt(family: readonly Cut[], p: number): Values {
  const values: Values = new Map();
  for (const { c, form } of family) {
    const t = form[p]!;
    const v = values.get(t);
    if (v) v.weight += c.count;
    else values.set(t, { weight: c.count, rep: form });
  }
  return values;
}

/**
 * Whether the values at one position make it a variable. Punctuation is structure, never a
 * variable. A position is a variable when its values are units, when at least half of them (two
 * or more) look like values (wildcards, digits, quotes), or when it holds many distinct plain
 * words — except all-caps identifiers, which name states. One value-looking value beside a word
 * (`<*>` / `set`, HTTPS / SOCKS5) is no evidence: in a family of unrelated templates it is common.
 */
export function isVariable(values: Values, p: number, options: WidenOptions): boolean {
  let formish = 0;
  let units = 0;
  let enums = 0;
  for (const [t, v] of values) {
    if (isPunct(t)) return false;
    if (looksVariable(v.rep, p)) formish += 1;
    if (isUnit(t)) units += 1;
    if (ENUM_LIKE.test(bare(t))) enums += 1;
  }
  const d = values.size;
  if (units === d || (formish >= 2 && formish * 2 >= d)) return true;
  if (enums === d && options.enumStates) return false;
  return d >= options.minDistinct;
}

/**
 * One template from a leaf: a segment all members write alike is kept; one they write differently
 * becomes a wildcard — one token wide where every member has one token there, else a SPAN.
 */
function mergeLeaf(leaf: Cut[]): Merge {
  const sorted = [...leaf].sort((a, b) => a.c.id - b.c.id);
  const first = sorted[0]!.segments;
  const tokens: string[] = [];
  first.forEach((segment, k) => {
    const all = sorted.map((cut) => cut.segments[k]!);
    const key = segment.join('\u0001');
    if (all.every((s) => s.join('\u0001') === key)) tokens.push(...segment);
    else if (all.every((s) => s.length === 1 && !s[0]!.endsWith(SPAN))) tokens.push(wildLike(segment[0]!, WILDCARD));
    else tokens.push(wildLike(segment[0]!, SPAN));
  });
  return { ids: sorted.map((cut) => cut.c.id), tokens };
}
