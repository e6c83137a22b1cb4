import type { Db } from '../db';
import { insertRows, type Column } from '../sql';
import type { InputFormat, ParsedLine } from './parse';
import type { IngestRecord } from './record';
import { storeRecords, type StoreContext } from './store';
import { typeCsvCells, validateRecord } from './validate';

export type Rejection = { source: string; line: number; field: string | null; reason: string };

export type IngestSummary = {
  batchId: number;
  source: string;
  format: InputFormat | 'json';
  accepted: number;
  duplicates: number;
  rejected: number;
  warnings: string[];
  /** The first rejections, for display; all of them are in the quarantine (RejectedLine). */
  rejections: Rejection[];
  seconds: number;
  recordsPerSecond: number;
};

export type IngestOptions = {
  db: Db;
  source: string;
  format: InputFormat | 'json';
  lines: AsyncIterable<ParsedLine> | Iterable<ParsedLine>;
  stages: ReadonlySet<string>;
  lastStage: string;
  timeZone: string;
  onProgress?: (progress: { records: number; accepted: number; rejected: number }) => void;
  now?: () => number;
};

// Records per transaction: large enough to amortise the commit, small enough to keep memory flat.
const STORE_BATCH = 20_000;
const REJECT_BATCH = 500;
const SHOWN_REJECTIONS = 20;
const PROGRESS_EVERY = 50_000;
const REJECT_COLUMNS: Column[] = [
  { name: 'batchId', pgType: 'integer' }, { name: 'source' }, { name: 'line', pgType: 'integer' }, { name: 'field' }, { name: 'reason' }, { name: 'raw' },
];

/**
 * The one ingestion path (CLI, HTTP, inbox): validates parsed lines, stores the valid ones
 * idempotently, quarantines the invalid ones with file, line, field and reason, and records the
 * batch with its summary.
 */
export async function ingestLines(opts: IngestOptions): Promise<IngestSummary> {
  const now = opts.now ?? Date.now;
  const started = now();
  const batch = await opts.db.prisma.ingestBatch.create({ data: { source: opts.source, format: opts.format, startedAt: new Date(started) } });
  const ctx: StoreContext = { db: opts.db, timeZone: opts.timeZone, lastStage: opts.lastStage, knownServices: new Set() };
  const summary: IngestSummary = { batchId: batch.id, source: opts.source, format: opts.format, accepted: 0, duplicates: 0, rejected: 0, warnings: [], rejections: [], seconds: 0, recordsPerSecond: 0 };
  let valid: IngestRecord[] = [];
  let rejects: unknown[][] = [];
  let seen = 0;

  const flushValid = async () => {
    const { inserted, duplicates } = await storeRecords(ctx, valid, batch.id);
    summary.accepted += inserted;
    summary.duplicates += duplicates;
    valid = [];
  };
  const flushRejects = async () => {
    await insertRows(await opts.db.bulk(), opts.db.kind, { table: 'RejectedLine', columns: REJECT_COLUMNS, suffix: '' }, rejects);
    rejects = [];
  };

  for await (const parsed of opts.lines) {
    seen += 1;
    const checked = parsed.ok ? check(parsed.value, opts) : parsed;
    if ('record' in checked) {
      valid.push(checked.record);
      if (valid.length >= STORE_BATCH) await flushValid();
    } else {
      summary.rejected += 1;
      if (summary.rejections.length < SHOWN_REJECTIONS) summary.rejections.push({ source: opts.source, line: parsed.line, field: checked.field, reason: checked.reason });
      rejects.push([batch.id, opts.source, parsed.line, checked.field, checked.reason, parsed.raw]);
      if (rejects.length >= REJECT_BATCH) await flushRejects();
    }
    if (opts.onProgress && seen % PROGRESS_EVERY === 0) opts.onProgress({ records: seen, accepted: summary.accepted + valid.length, rejected: summary.rejected });
  }
  await flushValid();
  await flushRejects();
  if (seen === 0) summary.warnings.push('empty input: no records');

  const finished = now();
  summary.seconds = (finished - started) / 1000;
  summary.recordsPerSecond = summary.seconds > 0 ? Math.round(seen / summary.seconds) : seen;
  await opts.db.prisma.ingestBatch.update({
    where: { id: batch.id },
    data: { finishedAt: new Date(finished), accepted: summary.accepted, duplicates: summary.duplicates, rejected: summary.rejected },
  });
  return summary;
}

function check(value: Record<string, unknown>, opts: IngestOptions): { record: IngestRecord } | { field: string | null; reason: string } {
  const typed = opts.format === 'csv' ? typeCsvCells(value) : ({ ok: true, value } as const);
  if (!typed.ok) return typed;
  const result = validateRecord(typed.value, opts.stages);
  return result.ok ? { record: result.record } : { field: result.field, reason: result.reason };
}
