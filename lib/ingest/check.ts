import type { InputFormat, ParsedLine } from './parse';
import type { IngestRecord } from './record';
import { typeCsvCells, validateRecord } from './validate';

/** A parsed line after validation: a record to store, or a rejection for the quarantine. */
export type CheckedLine =
  | { ok: true; line: number; record: IngestRecord; raw: string }
  | { ok: false; line: number; field: string | null; reason: string; raw: string; bytes?: Buffer };

export type CheckOptions = { format: InputFormat | 'json'; stages: ReadonlySet<string> };

/** Validates one parsed line (CSV cells are typed first). */
export function checkLine(parsed: ParsedLine, opts: CheckOptions): CheckedLine {
  if (!parsed.ok) return parsed;
  const typed = opts.format === 'csv' ? typeCsvCells(parsed.value) : ({ ok: true, value: parsed.value } as const);
  if (!typed.ok) return { ok: false, line: parsed.line, field: typed.field, reason: typed.reason, raw: parsed.raw };
  const result = validateRecord(typed.value, opts.stages);
  if (result.ok) return { ok: true, line: parsed.line, record: result.record, raw: parsed.raw };
  return { ok: false, line: parsed.line, field: result.field, reason: result.reason, raw: parsed.raw };
}

/** Validates batches of parsed lines (batches keep the per-line cost of async iteration away). */
export async function* checkLines(batches: AsyncIterable<ParsedLine[]> | Iterable<ParsedLine[]>, opts: CheckOptions): AsyncGenerator<CheckedLine[]> {
  for await (const batch of batches) yield batch.map((parsed) => checkLine(parsed, opts));
}
