/**
 * PostgreSQL's COPY text format (https://www.postgresql.org/docs/current/sql-copy.html, "Text
 * Format"): one line per row, columns separated by tabs, `\N` for NULL. In a value, backslash,
 * tab, newline and carriage return are written as `\\`, `\t`, `\n` and `\r`; every other character
 * goes as it is (as UTF-8), so the server reads back exactly the string given. A NUL character is
 * sent as it is too: PostgreSQL refuses it in text, as it does in an INSERT's parameter.
 */
export type CopyValue = string | number | boolean | null | undefined;

const SPECIAL = /[\\\t\n\r]/;
const SPECIAL_ALL = /[\\\t\n\r]/g;
const ESCAPES: Record<string, string> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' };

/** One value in COPY text format (null and undefined are NULL, booleans t/f, numbers in decimal). */
export function copyValue(value: CopyValue): string {
  if (value === null || value === undefined) return '\\N';
  if (typeof value === 'string') return SPECIAL.test(value) ? value.replace(SPECIAL_ALL, (c) => ESCAPES[c]!) : value;
  if (typeof value === 'boolean') return value ? 't' : 'f';
  // Integers only on our paths; a non-finite number would be a bug upstream, and PostgreSQL refuses the text.
  return String(value);
}

/** One row in COPY text format, newline included. */
export function copyRow(values: readonly CopyValue[]): string {
  let line = '';
  for (let i = 0; i < values.length; i += 1) line += (i === 0 ? '' : '\t') + copyValue(values[i]);
  return `${line}\n`;
}

// Rows per piece of COPY text handed to the stream: large enough to keep per-write overhead away,
// small enough that the server parses one piece while the next is built.
const ROWS_PER_PIECE = 2_000;

/** The COPY text of rows, in pieces of ROWS_PER_PIECE rows, each row's values from `values` (given the row and its index). */
export function* copyPieces<T>(rows: readonly T[], values: (row: T, index: number) => readonly CopyValue[]): Generator<string> {
  for (let i = 0; i < rows.length; i += ROWS_PER_PIECE) {
    let piece = '';
    for (let r = i; r < Math.min(rows.length, i + ROWS_PER_PIECE); r += 1) piece += copyRow(values(rows[r]!, r));
    yield piece;
  }
}
