/**
 * RFC 4180 CSV writing, for files people open (exports, the tables' "Export CSV") and for the demo's
 * input files. Text in a cell can come from ingested messages or renames, i.e. from anyone, and a
 * spreadsheet runs a cell that starts with = + - @ (or a tab or line break) as a formula. So text
 * cells are neutralised as OWASP's "CSV Injection" page says: a single quote in front, the cell
 * quoted. Typed numbers (-3, 1e-7) are data a spreadsheet reads as numbers, not formulas: written as is.
 */
// Quoted: RFC 4180's comma, quote and line breaks, and the semicolon and tab that spreadsheets in
// other locales split on (an unquoted "a;=cmd()" would become a formula cell there).
const NEEDS_QUOTES = /[",;\t\r\n]/;
// OWASP's = + - @ tab CR, with LF and NUL (ASVS 1.2.10), also behind leading spaces, which some
// spreadsheets trim before deciding whether a cell is a formula.
const FORMULA_START = /^[ \u00a0]*[=+\-@\t\r\n\u0000]/;

const quote = (text: string) => `"${text.replaceAll('"', '""')}"`;

/** Whether a text would start a formula in a spreadsheet. */
export function startsFormula(text: string): boolean {
  return FORMULA_START.test(text);
}

function cellText(value: unknown): string {
  return typeof value === 'object' ? JSON.stringify(value) : String(value);
}

/** One cell for a file people open: empty for null/undefined, JSON for objects, formula-like text neutralised. */
export function csvCell(value: unknown): string {
  if (value === undefined || value === null) return '';
  const text = cellText(value);
  if (typeof value === 'string' && startsFormula(text)) return quote(`'${text}`);
  return NEEDS_QUOTES.test(text) ? quote(text) : text;
}

/**
 * One cell of a data file for a machine (the demo's input files for ingestion): the text exactly,
 * quoted only where RFC 4180 needs it. Never hand such a file to a person as an export.
 */
export function csvDataCell(value: unknown): string {
  if (value === undefined || value === null) return '';
  const text = cellText(value);
  return /[",\r\n]/.test(text) ? quote(text) : text;
}

/** A whole CSV document for people, with a header row, CRLF line ends. */
export function toCsv(header: string[], rows: unknown[][]): string {
  return [header, ...rows].map((r) => r.map(csvCell).join(',')).join('\r\n') + '\r\n';
}
