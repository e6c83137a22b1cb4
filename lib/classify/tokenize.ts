import { judgeWord, type TokenForm } from './word-form';

/**
 * Splits a message into template tokens, keeping its structure: words, and the punctuation between
 * them as tokens of their own (brackets, quotes, `:`, `=`, `,` … are structure, not noise). A token
 * carries whether whitespace came before it, so the template can be written back as the message's
 * own text with each variable replaced by `<*>`.
 *
 * Each word is judged by its form alone (what any log message would show, nothing of a particular
 * system): numbers, addresses, paths, hex ids and ids made mostly of digits are variables at once
 * (`<*>`); words that merely contain a digit (`ssh2`, `rdd_2_1`), quoted text and plain words are
 * kept as they are: whether they vary is for the evidence of many messages to tell (miner.ts).
 */
export { judgeWord, type TokenForm } from './word-form';
export const WILDCARD = '<*>';

/**
 * A message's tokens; `forms[i]` says how token i looks: `var` a variable by its form, `soft` maybe
 * a variable (digits, quoted text), `word` or `punct`.
 */
export type Tokens = { tokens: string[]; forms: TokenForm[] };

// Messages longer than this many tokens keep their tail as one variable: a bound on work per message.
const MAX_TOKENS = 200;
// Quoted text longer than this is not taken as one quoted value (an unbalanced quote, most likely).
const MAX_QUOTED = 256;

const STRUCTURE = new Set('()[]{}<>,;:="\'|#@`'.split('').map((c) => c.charCodeAt(0)));
const isSpace = (c: number) => c === 32 || (c >= 9 && c <= 13) || c === 160;
const isDigit = (c: number) => c >= 48 && c <= 57;
const isLetter = (c: number) => (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c > 127;
const QUOTE = 39;
const DQUOTE = 34;
const COLON = 58;
const DOT = 46;

/** The tokens of a message and their forms. */
export function lex(message: string): Tokens {
  const out = new TokenSink();
  const n = message.length;
  let i = 0;
  while (i < n && out.tokens.length < MAX_TOKENS) {
    const c = message.charCodeAt(i);
    if (isSpace(c)) {
      out.spaced = true;
      i += 1;
    } else if ((c === QUOTE || c === DQUOTE) && out.atBoundary(message, i)) {
      i = readQuoted(message, i, out);
    } else if (STRUCTURE.has(c) && !startsComparedNumber(message, i)) {
      i = readPunct(message, i, out);
    } else {
      i = readWord(message, i, out);
    }
  }
  if (i < n && message.slice(i).trim() !== '') {
    out.spaced ||= isSpace(message.charCodeAt(i));
    out.push(WILDCARD, 'var');
  }
  markHostPorts(out);
  return { tokens: out.tokens, forms: out.forms };
}

/**
 * `name.domain:443`, `node-7:8030`: a dotted name, or a name with digits, joined by a colon to a
 * number is an address (host and port). A plain word before a colon is a key (`port:8080`).
 */
function markHostPorts(out: TokenSink): void {
  const { tokens, forms } = out;
  for (let i = 2; i < tokens.length; i += 1) {
    if (forms[i] !== 'var' || tokens[i] !== WILDCARD || tokens[i - 1] !== ':' || forms[i - 2] === 'var' || forms[i - 2] === 'punct') continue;
    const name = tokens[i - 2]!;
    if (forms[i - 2] !== 'soft' && (!name.includes('.') || name.endsWith('.'))) continue;
    tokens[i - 2] = name.startsWith(' ') ? ` ${WILDCARD}` : WILDCARD;
    forms[i - 2] = 'var';
  }
}

/** The template tokens of a message (each with a leading space when whitespace came before it). */
export function tokenize(message: string): string[] {
  return lex(message).tokens;
}

class TokenSink {
  tokens: string[] = [];
  forms: TokenForm[] = [];
  spaced = false;

  push(text: string, form: TokenForm): void {
    this.tokens.push(this.tokens.length > 0 && this.spaced ? ` ${text}` : text);
    this.forms.push(form);
    this.spaced = false;
  }

  /** A quote opens a quoted value at the start, after whitespace or after punctuation (`key='v'`). */
  atBoundary(message: string, i: number): boolean {
    return i === 0 || this.spaced || STRUCTURE.has(message.charCodeAt(i - 1));
  }
}

/** `<1`, `>5`: a comparison sign glued to a number is part of that number. */
function startsComparedNumber(message: string, i: number): boolean {
  const c = message.charCodeAt(i);
  return (c === 60 || c === 62) && isDigit(message.charCodeAt(i + 1)) && (i === 0 || !isWordChar(message.charCodeAt(i - 1)));
}

const isWordChar = (c: number) => !isSpace(c) && !STRUCTURE.has(c) && !Number.isNaN(c);

function readPunct(message: string, start: number, out: TokenSink): number {
  let i = start + 1;
  while (i < message.length) {
    const c = message.charCodeAt(i);
    if (!STRUCTURE.has(c) || c === QUOTE || c === DQUOTE || startsComparedNumber(message, i)) break;
    i += 1;
  }
  out.push(message.slice(start, i), 'punct');
  return i;
}

/**
 * A quoted value is one token between its quotes, whatever it holds (spaces too, each run of them
 * one space). The first quote of the same kind closes it, and must end a word; otherwise the quote
 * is plain punctuation.
 */
function readQuoted(message: string, start: number, out: TokenSink): number {
  const close = message.indexOf(message[start]!, start + 1);
  const after = message.charCodeAt(close + 1);
  const closes = close !== -1 && close - start - 1 <= MAX_QUOTED && (close + 1 === message.length || isSpace(after) || STRUCTURE.has(after) || after === DOT);
  out.push(message[start]!, 'punct');
  if (!closes) return start + 1;
  const text = message.slice(start + 1, close).trim().replace(/\s+/g, ' ');
  if (text !== '') {
    const form = judgeWord(text);
    out.push(form === 'var' ? WILDCARD : text, form === 'var' ? 'var' : 'soft');
  }
  out.push(message[close]!, 'punct');
  return close + 1;
}

/**
 * A run of word characters. `:` joins digits of a time (12:30:05); `scheme://` starts a URL that
 * runs to the end of the word; dots that end the run are punctuation (the end of a sentence).
 */
function readWord(message: string, start: number, out: TokenSink): number {
  const n = message.length;
  let i = start;
  let timeLike = true;
  while (i < n) {
    const c = message.charCodeAt(i);
    if (isSpace(c)) break;
    if (c === COLON && message.startsWith('//', i + 1) && i > start) return readUrl(message, start, i, out);
    if (c === COLON && timeLike && i > start && isDigit(message.charCodeAt(i - 1)) && isDigit(message.charCodeAt(i + 1))) {
      i += 1;
      continue;
    }
    if (c === QUOTE && isLetter(message.charCodeAt(i - 1)) && isLetter(message.charCodeAt(i + 1))) {
      i += 1; // an apostrophe inside a word (can't)
      continue;
    }
    if (STRUCTURE.has(c) && !(i === start && startsComparedNumber(message, i))) break;
    if (!isDigit(c)) timeLike = false;
    i += 1;
  }
  let end = i;
  while (end > start && message.charCodeAt(end - 1) === DOT) end -= 1;
  if (end === i - 1 && !endsSentence(message, i)) end = i;
  if (end > start) pushWord(message.slice(start, end), out);
  if (end < i) out.push(message.slice(end, i), 'punct');
  return i;
}

/**
 * A dot ends a sentence before the end of the message, punctuation or a capitalised word; before
 * a lowercase word it belongs to the word (a file name `part-00299.` followed by more values).
 */
function endsSentence(message: string, after: number): boolean {
  let j = after;
  while (j < message.length && isSpace(message.charCodeAt(j))) j += 1;
  const c = message.charCodeAt(j);
  return j === message.length || j === after || !(c >= 97 && c <= 122);
}

/** `host/10.1.2.3` (a host name and its address, as Java prints them) is two variables. */
const HOST_ADDRESS = /^([^/]+)\/(\d{1,3}(?:\.\d{1,3}){3})$/;

function pushWord(text: string, out: TokenSink): void {
  const pair = text.includes('/') ? HOST_ADDRESS.exec(text) : null;
  if (pair) {
    out.push(WILDCARD, 'var');
    out.push('/', 'punct');
    out.push(WILDCARD, 'var');
    return;
  }
  const form = judgeWord(text);
  out.push(form === 'var' ? WILDCARD : text, form);
}

/** `hdfs://host:9000/path`: the scheme is kept, the rest (up to closing punctuation) is one variable. */
function readUrl(message: string, start: number, colon: number, out: TokenSink): number {
  let i = colon + 3;
  while (i < message.length && !isSpace(message.charCodeAt(i))) i += 1;
  let end = i;
  while (end > colon + 3 && ',;.)]}>\'"'.includes(message[end - 1]!)) end -= 1;
  out.push(message.slice(start, colon + 3), 'word');
  out.spaced = false;
  if (end > colon + 3) out.push(WILDCARD, 'var');
  out.spaced = false;
  if (end < i) out.push(message.slice(end, i), 'punct');
  return i;
}
