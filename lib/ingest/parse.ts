import { parse as parseCsvText } from 'csv-parse/sync';
import { decodeUtf8, splitLines, type RawLine } from './lines';
import { RECORD_FIELDS } from './record';

export type InputFormat = 'ndjson' | 'csv';

/** One input line (or CSV record) turned into a plain object, or the reason it could not be. */
export type ParsedLine =
  | { ok: true; line: number; value: Record<string, unknown>; raw: string }
  | { ok: false; line: number; field: string | null; reason: string; raw: string };

/** How much of a rejected line is kept in the quarantine. */
export const RAW_EXCERPT_BYTES = 4096;

function excerpt(bytes: Buffer): string {
  return bytes.subarray(0, RAW_EXCERPT_BYTES).toString('utf8');
}

function reject(line: RawLine | { lineNo: number; bytes: Buffer }, reason: string, field: string | null = null): ParsedLine {
  return { ok: false, line: line.lineNo, field, reason, raw: excerpt(line.bytes) };
}

/** Checks size and encoding of a physical line; returns its text or a rejection. */
function lineText(line: RawLine, maxLineBytes: number): string | ParsedLine {
  if (line.oversized) return reject(line, `line is ${line.size} bytes, over the ${maxLineBytes}-byte limit`);
  const text = decodeUtf8(line.bytes);
  return text ?? reject(line, 'line is not valid UTF-8');
}

/** NDJSON: one JSON object per line; blank lines are skipped. */
export async function* parseNdjson(input: AsyncIterable<Uint8Array>, maxLineBytes: number): AsyncGenerator<ParsedLine> {
  for await (const line of splitLines(input, maxLineBytes)) {
    const text = lineText(line, maxLineBytes);
    if (typeof text !== 'string') {
      yield text;
      continue;
    }
    if (text.trim() === '') continue;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (error) {
      yield reject(line, `malformed JSON: ${(error as Error).message}`);
      continue;
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      yield reject(line, 'expected a JSON object');
      continue;
    }
    yield { ok: true, line: line.lineNo, value: value as Record<string, unknown>, raw: text };
  }
}

const KNOWN_COLUMNS = new Set<string>(RECORD_FIELDS);

/**
 * CSV (RFC 4180) with a header row of field names. Records are framed here, by quote parity, so
 * that one bad record (say, an unclosed quote) is rejected alone and the records after it survive;
 * each framed record's fields are split by csv-parse.
 */
export async function* parseCsv(input: AsyncIterable<Uint8Array>, maxLineBytes: number): AsyncGenerator<ParsedLine> {
  let header: string[] | null = null;
  for await (const rec of frameCsvRecords(input, maxLineBytes)) {
    if (!rec.ok) {
      yield rec;
      continue;
    }
    let cells: string[];
    try {
      cells = (parseCsvText(rec.text, { relax_column_count: true }) as string[][])[0] ?? [];
    } catch (error) {
      yield { ok: false, line: rec.line, field: null, reason: `malformed CSV: ${(error as Error).message}`, raw: rec.text.slice(0, RAW_EXCERPT_BYTES) };
      continue;
    }
    if (header === null) {
      header = cells.map((c) => c.trim());
      const unknown = header.filter((c) => !KNOWN_COLUMNS.has(c));
      if (unknown.length) yield { ok: false, line: rec.line, field: unknown.join(','), reason: `unknown column(s) ignored: ${unknown.join(', ')}`, raw: rec.text };
      continue;
    }
    if (cells.length !== header.length) {
      yield { ok: false, line: rec.line, field: null, reason: `has ${cells.length} cells, the header has ${header.length}`, raw: rec.text.slice(0, RAW_EXCERPT_BYTES) };
      continue;
    }
    const value: Record<string, unknown> = {};
    header.forEach((name, i) => {
      if (KNOWN_COLUMNS.has(name)) value[name] = cells[i];
    });
    yield { ok: true, line: rec.line, value, raw: rec.text };
  }
}

type Framed = { ok: true; line: number; text: string } | (ParsedLine & { ok: false });

function quoteCount(text: string): number {
  let n = 0;
  for (let i = text.indexOf('"'); i !== -1; i = text.indexOf('"', i + 1)) n += 1;
  return n;
}

/** Joins physical lines into CSV records (a quoted field may hold newlines). */
async function* frameCsvRecords(input: AsyncIterable<Uint8Array>, maxLineBytes: number): AsyncGenerator<Framed> {
  let pending: { lineNo: number; bytes: Buffer; text: string }[] = [];
  let open = false;
  let pendingBytes = 0;

  // An unclosed quote: reject the record's first line and read the lines after it afresh.
  function* unwind(reason: string): Generator<Framed> {
    const [first, ...rest] = pending;
    pending = [];
    open = false;
    pendingBytes = 0;
    if (first) yield reject(first, reason) as Framed;
    for (const line of rest) yield* take(line);
  }

  function* take(line: { lineNo: number; bytes: Buffer; text: string }): Generator<Framed> {
    pending.push(line);
    pendingBytes += line.bytes.length;
    if (quoteCount(line.text) % 2 === 1) open = !open;
    if (open && pendingBytes > maxLineBytes) {
      yield* unwind(`quoted field not closed within ${maxLineBytes} bytes`);
      return;
    }
    if (open) return;
    const text = pending.map((p) => p.text).join('\n');
    const first = pending[0]!.lineNo;
    pending = [];
    pendingBytes = 0;
    if (text.trim() !== '') yield { ok: true, line: first, text };
  }

  for await (const line of splitLines(input, maxLineBytes)) {
    const text = lineText(line, maxLineBytes);
    if (typeof text !== 'string') {
      yield text as Framed;
      continue;
    }
    yield* take({ lineNo: line.lineNo, bytes: line.bytes, text });
  }
  if (open) yield* unwind('quoted field not closed before the end of the input');
}
