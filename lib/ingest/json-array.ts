/**
 * A JSON array body split into its elements' bytes without decoding or parsing it whole, so that
 * each element goes through the same rules as an NDJSON line: a size cap, strict UTF-8, one JSON
 * object — and one bad element is rejected alone. Only the array's own structure is read here:
 * brackets and braces outside strings, string quotes and their escapes.
 */
export type ArrayElement = { index: number; bytes: Buffer };
export type SplitArray = { ok: true; elements: ArrayElement[] } | { ok: false; reason: string };

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;
const isSpace = (b: number | undefined) => b === 0x20 || b === 0x09 || b === 0x0a || b === 0x0d;

function skipSpace(buf: Buffer, at: number): number {
  while (at < buf.length && isSpace(buf[at])) at += 1;
  return at;
}

/** The end (exclusive) of the string starting at `at` (its opening quote), or -1 when it is not closed. */
function stringEnd(buf: Buffer, at: number): number {
  for (let i = at + 1; i < buf.length; i += 1) {
    if (buf[i] === BACKSLASH) i += 1;
    else if (buf[i] === QUOTE) return i + 1;
  }
  return -1;
}

/** The end (exclusive) of the element starting at `at`: the first comma or closing bracket at depth 0, or -1. */
function elementEnd(buf: Buffer, at: number): number {
  let depth = 0;
  for (let i = at; i < buf.length; i += 1) {
    const b = buf[i];
    if (b === QUOTE) {
      const end = stringEnd(buf, i);
      if (end === -1) return -1;
      i = end - 1;
    } else if (b === OPEN_ARRAY || b === OPEN_OBJECT) depth += 1;
    else if (depth > 0 && (b === CLOSE_ARRAY || b === CLOSE_OBJECT)) depth -= 1;
    else if (depth === 0 && (b === COMMA || b === CLOSE_ARRAY)) return i;
  }
  return -1;
}

function trimEnd(buf: Buffer, from: number, to: number): Buffer {
  while (to > from && isSpace(buf[to - 1])) to -= 1;
  return buf.subarray(from, to);
}

export function splitJsonArray(body: Buffer): SplitArray {
  let at = body[0] === 0xef && body[1] === 0xbb && body[2] === 0xbf ? 3 : 0;
  at = skipSpace(body, at);
  if (body[at] !== OPEN_ARRAY) return { ok: false, reason: 'a JSON body must be an array of records (or send NDJSON as application/x-ndjson)' };
  at = skipSpace(body, at + 1);
  const elements: ArrayElement[] = [];
  if (body[at] === CLOSE_ARRAY) at += 1;
  else {
    for (;;) {
      const end = elementEnd(body, at);
      if (end === -1) return { ok: false, reason: `the JSON array is not closed (element ${elements.length + 1} runs to the end of the body)` };
      elements.push({ index: elements.length + 1, bytes: trimEnd(body, at, end) });
      at = end + 1;
      if (body[end] === CLOSE_ARRAY) break;
      at = skipSpace(body, at);
    }
  }
  const rest = skipSpace(body, at);
  if (rest !== body.length) return { ok: false, reason: `unexpected content after the JSON array at byte ${rest + 1}` };
  return { ok: true, elements };
}
