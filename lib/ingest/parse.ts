import { parse as parseCsvText } from 'csv-parse/sync';
import { decodeUtf8, splitLines, type RawLine } from './lines';
import { RECORD_FIELDS } from './record';

export type InputFormat = 'ndjson' | 'csv';

/** One input line (or CSV record) turned into a plain object, or the reason it could not be. */
export type ParsedLine =
  | { ok: true; line: number; value: Record<string, unknown>; raw: string }
  | { ok: false; line: number; field: string | null; reason: string; raw: string; bytes?: Buffer };

/** How much of a rejected line is kept in the quarantine. */
export const RAW_EXCERPT_BYTES = 4096;

function excerpt(bytes: Buffer): string {
  return bytes.subarray(0, RAW_EXCERPT_BYTES).toString('utf8');
}

function reject(line: RawLine | { lineNo: number; bytes: Buffer }, reason: string, field: string | null = null): ParsedLine {
  // The bytes are copied: a slice would keep the whole input chunk alive until the quarantine is written.
  return { ok: false, line: line.lineNo, field, reason, raw: excerpt(line.bytes), bytes: Buffer.from(line.bytes.subarray(0, RAW_EXCERPT_BYTES)) };
}

/** Checks size and encoding of a physical line; returns its text or a rejection. */
function lineText(line: RawLine, maxLineBytes: number): string | ParsedLine {
  if (line.oversized) return reject(line, `line is ${line.size} bytes, over the ${maxLineBytes}-byte limit`);
  const text = decodeUtf8(line.bytes);
  return text ?? reject(line, 'line is not valid UTF-8');
}

/** What the parser notes about an input that is not a rejected line (e.g. CSV columns it ignores). */
export type ParseWarnings = { warn: (message: string) => void };
const NO_WARNINGS: ParseWarnings = { warn: () => undefined };

/** Parsed lines, a batch per input chunk. */
export function parseInput(format: InputFormat, input: AsyncIterable<Uint8Array>, maxLineBytes: number, warnings: ParseWarnings = NO_WARNINGS): AsyncIterable<ParsedLine[]> {
  return format === 'csv' ? parseCsv(input, maxLineBytes, warnings) : parseNdjson(input, maxLineBytes);
}

/** NDJSON: one JSON object per line; blank lines are skipped. */
export async function* parseNdjson(input: AsyncIterable<Uint8Array>, maxLineBytes: number): AsyncGenerator<ParsedLine[]> {
  for await (const lines of splitLines(input, maxLineBytes)) {
    const out: ParsedLine[] = [];
    for (const line of lines) {
      const parsed = parseJsonLine(line, maxLineBytes);
      if (parsed) out.push(parsed);
    }
    if (out.length) yield out;
  }
}

/** One NDJSON line (or one element of a JSON array body): size, UTF-8, one JSON object; null when blank. */
export function parseJsonLine(line: RawLine, maxLineBytes: number): ParsedLine | null {
  const text = lineText(line, maxLineBytes);
  if (typeof text !== 'string') return text;
  if (text.trim() === '') return null;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return reject(line, `malformed JSON: ${(error as Error).message}`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return reject(line, 'expected a JSON object');
  return { ok: true, line: line.lineNo, value: value as Record<string, unknown>, raw: text };
}

const KNOWN_COLUMNS = new Set<string>(RECORD_FIELDS);

/**
 * CSV (RFC 4180) with a header row of field names. Records are framed here, by quote parity, so
 * that one bad record (say, an unclosed quote) is rejected alone and the records after it survive;
 * each framed record's fields are split by csv-parse.
 */
export async function* parseCsv(input: AsyncIterable<Uint8Array>, maxLineBytes: number, warnings: ParseWarnings = NO_WARNINGS): AsyncGenerator<ParsedLine[]> {
  const state: CsvState = { header: null, warnings };
  for await (const records of frameCsvRecords(input, maxLineBytes)) {
    const out: ParsedLine[] = [];
    for (const rec of records) {
      const parsed = rec.ok ? parseCsvRecord(rec, state) : rec;
      if (parsed) out.push(parsed);
    }
    if (out.length) yield out;
  }
}

type CsvState = { header: string[] | null; warnings: ParseWarnings };

/** One framed record: the header (remembered in `state`), or a row mapped onto the header's names. */
function parseCsvRecord(rec: { line: number; text: string }, state: CsvState): ParsedLine | null {
  const bad = (reason: string, field: string | null = null): ParsedLine => ({ ok: false, line: rec.line, field, reason, raw: rec.text.slice(0, RAW_EXCERPT_BYTES) });
  let cells: string[];
  try {
    cells = (parseCsvText(rec.text, { relax_column_count: true }) as string[][])[0] ?? [];
  } catch (error) {
    return bad(`malformed CSV: ${(error as Error).message}`);
  }
  if (state.header === null) {
    state.header = cells.map((c) => c.trim());
    const unknown = state.header.filter((c) => !KNOWN_COLUMNS.has(c));
    if (unknown.length) state.warnings.warn(`line ${rec.line}: unknown CSV column(s) ignored: ${unknown.join(', ')}`);
    return null;
  }
  const header = state.header;
  if (cells.length !== header.length) return bad(`has ${cells.length} cells, the header has ${header.length}`);
  const value: Record<string, unknown> = {};
  header.forEach((name, i) => {
    if (KNOWN_COLUMNS.has(name)) value[name] = cells[i];
  });
  return { ok: true, line: rec.line, value, raw: rec.text };
}

type Framed = { ok: true; line: number; text: string } | (ParsedLine & { ok: false });

function quoteCount(text: string): number {
  let n = 0;
  for (let i = text.indexOf('"'); i !== -1; i = text.indexOf('"', i + 1)) n += 1;
  return n;
}

/** Joins physical lines into CSV records (a quoted field may hold newlines). */
async function* frameCsvRecords(input: AsyncIterable<Uint8Array>, maxLineBytes: number): AsyncGenerator<Framed[]> {
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

  for await (const lines of splitLines(input, maxLineBytes)) {
    const out: Framed[] = [];
    for (const line of lines) {
      const text = lineText(line, maxLineBytes);
      if (typeof text !== 'string') out.push(text as Framed);
      else out.push(...take({ lineNo: line.lineNo, bytes: line.bytes, text }));
    }
    if (out.length) yield out;
  }
  if (open) yield [...unwind('quoted field not closed before the end of the input')];
}
