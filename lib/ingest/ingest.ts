import { checkNewRuns, type CheckResult } from '../admission/check';
import type { AdmissionPolicy } from '../admission/config';
import type { Db } from '../db';
import { insertRows, type Column } from '../sql';
import type { CheckedLine } from './check';
import type { InputFormat } from './parse';
import type { IngestRecord } from './record';
import { storeRecords, type StoreContext } from './store';

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
  /** Of `seconds`, the time spent writing to the database. */
  storeSeconds: number;
  /** The admission pass over the stored runs (null when it did not run, e.g. while another ingestion was in flight); its time is in `seconds`. */
  admission: (Pick<CheckResult, 'findings' | 'opened' | 'reopened'> & { seconds: number }) | null;
  recordsPerSecond: number;
};

export type IngestOptions = {
  db: Db;
  source: string;
  format: InputFormat | 'json';
  /** Validated lines in input order, in batches (see check.ts). */
  lines: AsyncIterable<CheckedLine[]>;
  lastStage: string;
  timeZone: string;
  /** The admission rules checked on the stored runs right after ingestion (none when null). */
  admission: AdmissionPolicy | null;
  onProgress?: (progress: { records: number; accepted: number; rejected: number }) => void;
  now?: () => number;
};

// Records per transaction: large enough to amortise the commit, small enough to keep memory flat.
export const STORE_BATCH = 20_000;
const REJECT_BATCH = 500;
const SHOWN_REJECTIONS = 20;
const PROGRESS_EVERY = 50_000;
const REJECT_COLUMNS: Column[] = [
  { name: 'batchId', pgType: 'integer' }, { name: 'source' }, { name: 'line', pgType: 'integer' }, { name: 'field' }, { name: 'reason' }, { name: 'raw' },
];

/** The per-record admission rules on the runs just stored; a failure here loses no data and is retried by the daily check. */
async function checkAdmission(opts: IngestOptions, policy: AdmissionPolicy, summary: IngestSummary): Promise<void> {
  const started = performance.now();
  try {
    const r = await checkNewRuns({ db: opts.db, policy, timeZone: opts.timeZone });
    if (r) summary.admission = { findings: r.findings, opened: r.opened, reopened: r.reopened, seconds: (performance.now() - started) / 1000 };
  } catch (error) {
    summary.warnings.push(`admission check after ingestion failed (the daily check will read these runs): ${(error as Error).message}`);
  }
}

/**
 * The one ingestion path (CLI, HTTP, inbox): takes validated lines, stores the valid ones
 * idempotently, quarantines the invalid ones with file, line, field and reason, and records the
 * batch with its summary.
 */
export async function ingestLines(opts: IngestOptions): Promise<IngestSummary> {
  const now = opts.now ?? Date.now;
  const started = now();
  const batch = await opts.db.prisma.ingestBatch.create({ data: { source: opts.source, format: opts.format, startedAt: new Date(started) } });
  const ctx: StoreContext = { db: opts.db, timeZone: opts.timeZone, lastStage: opts.lastStage, knownServices: new Set() };
  const summary: IngestSummary = { batchId: batch.id, source: opts.source, format: opts.format, accepted: 0, duplicates: 0, rejected: 0, warnings: [], rejections: [], seconds: 0, storeSeconds: 0, admission: null, recordsPerSecond: 0 };
  let valid: IngestRecord[] = [];
  let rejects: unknown[][] = [];
  let seen = 0;

  const flushValid = async () => {
    const storeStarted = performance.now();
    const { inserted, duplicates } = await storeRecords(ctx, valid, batch.id);
    summary.storeSeconds += (performance.now() - storeStarted) / 1000;
    summary.accepted += inserted;
    summary.duplicates += duplicates;
    valid = [];
  };
  const flushRejects = async () => {
    await insertRows(await opts.db.bulk(), opts.db.kind, { table: 'RejectedLine', columns: REJECT_COLUMNS, suffix: '' }, rejects);
    rejects = [];
  };

  const quarantine = (checked: CheckedLine & { ok: false }) => {
    summary.rejected += 1;
    if (summary.rejections.length < SHOWN_REJECTIONS) summary.rejections.push({ source: opts.source, line: checked.line, field: checked.field, reason: checked.reason });
    rejects.push([batch.id, opts.source, checked.line, checked.field, checked.reason, checked.raw]);
  };

  for await (const chunk of opts.lines) {
    for (const checked of chunk) {
      seen += 1;
      if (checked.ok) valid.push(checked.record);
      else quarantine(checked);
      if (valid.length >= STORE_BATCH) await flushValid();
      if (rejects.length >= REJECT_BATCH) await flushRejects();
      if (opts.onProgress && seen % PROGRESS_EVERY === 0) opts.onProgress({ records: seen, accepted: summary.accepted + valid.length, rejected: summary.rejected });
    }
  }
  await flushValid();
  await flushRejects();
  if (seen === 0) summary.warnings.push('empty input: no records');

  const finished = now();
  summary.seconds = (finished - started) / 1000;
  summary.recordsPerSecond = summary.seconds > 0 ? Math.round(seen / summary.seconds) : seen;
  await opts.db.prisma.ingestBatch.update({
    where: { id: batch.id },
    data: { finishedAt: new Date(finished), status: 'finished', accepted: summary.accepted, duplicates: summary.duplicates, rejected: summary.rejected },
  });
  // After the batch is marked finished: the pass waits while other ingestions are in flight.
  if (opts.admission && summary.accepted > 0) {
    await checkAdmission(opts, opts.admission, summary);
    summary.seconds = (now() - started) / 1000;
    summary.recordsPerSecond = summary.seconds > 0 ? Math.round(seen / summary.seconds) : seen;
  }
  return summary;
}
