/**
 * How a word looks by its form alone (what any log message would show, nothing of a particular
 * system). Used by the tokenizer (tokenize.ts) and by the evidence that widens templates.
 */
export type TokenForm = 'var' | 'soft' | 'word' | 'punct';

const isDigit = (c: number) => c >= 48 && c <= 57;
const isLetter = (c: number) => (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c > 127;
const isHex = (c: number) => isDigit(c) || (c >= 65 && c <= 70) || (c >= 97 && c <= 102);
const SLASH = 47;
const BACKSLASH = 92;
const TILDE = 126;
const SIGNS = new Set([43, 45, 60, 62]); // + - < >

/**
 * How a word looks. A variable: no letters (numbers, addresses, dates, versions), a path, a hex
 * literal, a hex id (or 8+ hex digits inside the word: UUIDs, hashes, req-9f8e…), a number with
 * a glued unit (10000ms, 3s), or digits that outweigh the letters or run to 4 or more (ids,
 * timestamps). `soft`:
 * another word with a digit (ssh2, log4j, rdd_2_1).
 */
export function judgeWord(text: string): TokenForm {
  let digits = 0;
  let letters = 0;
  let run = 0;
  let longest = 0;
  let hex = true;
  let hexRun = 0;
  let hexDigits = false;
  let longHex = false;
  let slashes = 0;
  for (let i = 0; i < text.length; i += 1) {
    const c = text.charCodeAt(i);
    if (isDigit(c)) {
      digits += 1;
      run += 1;
      if (run > longest) longest = run;
    } else {
      run = 0;
      if (isLetter(c)) letters += 1;
      if (c === SLASH || c === BACKSLASH) slashes += 1;
    }
    if (!isHex(c)) {
      hex = false;
      hexRun = 0;
      hexDigits = false;
    } else {
      hexRun += 1;
      hexDigits ||= isDigit(c);
      if (hexRun >= 8 && hexDigits) longHex = true;
    }
  }
  const first = text.charCodeAt(0);
  const path = text.length > 1 && (first === SLASH || first === BACKSLASH || (first === TILDE && slashes > 0) || slashes >= 2);
  if (path) return 'var';
  if (digits === 0) return 'word';
  const leading = isDigit(first) || (SIGNS.has(first) && isDigit(text.charCodeAt(1)));
  if (letters === 0 || leading || longest >= 4 || digits > letters) return 'var';
  if ((hex && text.length >= 6) || longHex || /^0x[0-9a-f]+$/i.test(text)) return 'var';
  return 'soft';
}
