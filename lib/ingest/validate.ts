import type { z } from 'zod';
import { ingestRecordSchema, type IngestRecord } from './record';

export type Validated = { ok: true; record: IngestRecord } | { ok: false; field: string | null; reason: string };

const INTEGER_FIELDS = ['attempt', 'durationMs'] as const;
const BOOLEAN_CELLS: Record<string, boolean> = { true: true, false: false, '1': true, '0': false, yes: true, no: false };

/**
 * Turns a CSV row's strings into the typed values the record schema expects. Cells that cannot be
 * converted are left as they are, so the schema rejects them with the field's name.
 */
export function typeCsvCells(row: Record<string, unknown>): { ok: true; value: Record<string, unknown> } | { ok: false; field: string; reason: string } {
  const out: Record<string, unknown> = {};
  for (const [key, cell] of Object.entries(row)) {
    if (cell === '' || cell === undefined) continue;
    out[key] = cell;
  }
  for (const key of INTEGER_FIELDS) {
    const cell = out[key];
    if (typeof cell === 'string' && /^-?\d+$/.test(cell.trim())) out[key] = Number(cell);
  }
  if (typeof out.manual === 'string') out.manual = BOOLEAN_CELLS[out.manual.trim().toLowerCase()] ?? out.manual;
  if (typeof out.attrs === 'string') {
    try {
      out.attrs = JSON.parse(out.attrs);
    } catch {
      return { ok: false, field: 'attrs', reason: 'is not valid JSON (in CSV, attrs is a JSON object in one cell)' };
    }
  }
  return { ok: true, value: out };
}

function describeIssue(issue: z.core.$ZodIssue, value: Record<string, unknown>): { field: string | null; reason: string } {
  const field = issue.path.length ? issue.path.map(String).join('.') : null;
  const top = issue.path[0];
  if (issue.code === 'invalid_type' && top !== undefined && value[String(top)] === undefined) return { field, reason: 'is required' };
  if (issue.code === 'invalid_format' && field && /At$/.test(field)) {
    return { field, reason: 'must be an ISO-8601 timestamp with an offset, e.g. 2026-11-20T09:30:00Z' };
  }
  return { field, reason: issue.message };
}

/** Validates one parsed object against the record schema and the configured chain. */
export function validateRecord(value: Record<string, unknown>, stages: ReadonlySet<string>): Validated {
  const parsed = ingestRecordSchema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    return { ok: false, ...describeIssue(issue, value) };
  }
  if (!stages.has(parsed.data.stage)) {
    return { ok: false, field: 'stage', reason: `unknown stage "${parsed.data.stage}" (not in the configured chain)` };
  }
  return { ok: true, record: parsed.data };
}
