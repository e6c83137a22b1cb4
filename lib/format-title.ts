/**
 * Shortening class titles and example messages without breaking their structure: a title cut in
 * the middle of `(host <*>, port <*>)` or `"registry/app:<*>"` would show an opener with no closer,
 * and a reader (or a mail client's link) cannot tell where the value ended. The cut falls on a word
 * boundary where one is near, and every bracket or quote still open at the cut is closed after the
 * ellipsis, inside the length budget.
 */
const PAIRS: Record<string, string> = { '(': ')', '[': ']', '{': '}', '<': '>', '"': '"', '`': '`', "'": "'", '“': '”', '‘': '’' };
const CLOSERS = new Set(Object.values(PAIRS));
/** How far back from the cut a space is looked for, so words are not split. */
const WORD_LOOKBACK = 24;

/** A `'` opens a quote only where a word cannot be going on (start, after a space or an opener). */
const opensQuote = (text: string, i: number) => i === 0 || /[\s([{<=:,]/.test(text[i - 1]!);

/** The closers, innermost first, of the brackets and quotes left open in `text`. */
export function openClosers(text: string): string[] {
  const stack: string[] = [];
  for (let i = 0; i < text.length; i += 1) {
    const ch = text[i]!;
    const top = stack.at(-1);
    if (top !== undefined && ch === top && (ch !== "'" || !/\w/.test(text[i + 1] ?? ''))) {
      stack.pop();
      continue;
    }
    // Inside quotes, brackets are text; a stray closer outside any opener is text too.
    if (top === '"' || top === '`' || top === "'" || top === '”' || top === '’') continue;
    if (ch === "'" && !opensQuote(text, i)) continue;
    if (PAIRS[ch] !== undefined && !(CLOSERS.has(ch) && stack.includes(ch))) stack.push(PAIRS[ch]!);
  }
  return stack.reverse();
}

/**
 * `text` when it fits in `max` characters, else a prefix + "…" + the closers of what the prefix
 * left open, at most `max` characters long. Openers the whole text never closes are not invented.
 */
export function clipTitle(text: string, max: number): string {
  if (text.length <= max) return text;
  const unbalancedInFull = openClosers(text).length;
  let cut = Math.max(0, max - 1);
  for (;;) {
    let end = cut;
    const space = text.lastIndexOf(' ', cut);
    if (space > 0 && cut - space <= WORD_LOOKBACK) end = space;
    const prefix = text.slice(0, end).trimEnd();
    const closers = openClosers(prefix);
    // Close only what the full text closes later: its own unclosed openers stay as they were.
    const added = closers.slice(0, Math.max(0, closers.length - unbalancedInFull)).join('');
    const out = `${prefix}…${added}`;
    if (out.length <= max || cut === 0) return out.length <= max ? out : '…'.slice(0, max);
    cut = Math.max(0, Math.min(cut - 1, end - (out.length - max)));
  }
}
