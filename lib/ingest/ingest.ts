import { checkNewRuns, type CheckResult } from '../admission/check';
import type { AdmissionPolicy } from '../admission/config';
import { withClassifier } from '../classify/classifier-lease';
import { runClassification } from '../classify/run-classification';
import type { CategoryConfig, RoutingConfig } from '../classify/rules';
import type { Db } from '../db';
import { refreshWeekInProgress } from '../rank/week-in-progress';
import { computeRetentionHorizon } from '../retention/horizon';
import { startOfDayInZone } from '../time/day';
import { describeDbError } from '../db-errors';
import { failBatch, finishBatch, startBatch, sweepAbandonedBatches, type BatchLease } from './batches';
import type { CheckedLine } from './check';
import type { InputFormat } from './parse';
import { Quarantine, type QuarantineEntry } from './quarantine-writer';
import { storeChunk } from './store-chunk';
import type { StoreContext, StoreItem } from './store';

export type RejectionKind = QuarantineEntry['kind'];
export type Rejection = { source: string; line: number; kind: RejectionKind; field: string | null; reason: string };

export type IngestSummary = {
  batchId: number;
  source: string;
  format: InputFormat | 'json';
  accepted: number;
  duplicates: number;
  /** Lines not stored: invalid, conflicting or refused by the database (all in the quarantine). */
  rejected: number;
  /** Of `rejected`: records whose key, or whose rollout, is stored with other content. */
  conflicts: number;
  /**
   * Valid records not stored because they started before the retention horizon: retention may
   * have deleted their key already, and storing them again would count them twice in the rollups.
   */
  expired: number;
  warnings: string[];
  /** The first rejections, for display; all of them are in the quarantine (RejectedLine). */
  rejections: Rejection[];
  seconds: number;
  /** Of `seconds`, the time spent writing to the database. */
  storeSeconds: number;
  /** The admission pass over the stored runs (null when it did not run); its time is in `seconds`. */
  admission: (Pick<CheckResult, 'findings' | 'opened' | 'reopened'> & { seconds: number }) | null;
  /** The classification of the new failures (null when it did not run); its time is in `seconds`. */
  classification: { events: number; classesCreated: number; seconds: number } | null;
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
  /** ROLLSCOPE_RETENTION_DAYS: records that started before its horizon are skipped (unset: all kept). */
  retentionDays?: number | null;
  /** The admission rules checked on the stored runs right after ingestion (none when null). */
  admission: AdmissionPolicy | null;
  /** The category and routing rules of the classification right after ingestion (none when null). */
  classify: { categories: CategoryConfig; routing: RoutingConfig } | null;
  /** Warnings the parser raises while `lines` is read (e.g. unknown CSV columns); they end up in the summary. */
  warnings?: string[];
  onProgress?: (progress: { records: number; accepted: number; rejected: number }) => void;
  now?: () => number;
};

/** An ingestion stopped by a database error: what was stored before stays, the summary says how far it got. */
export class IngestAbortedError extends Error {
  override name = 'IngestAbortedError';
  constructor(message: string, readonly summary: IngestSummary) {
    super(message);
  }
}

// Records per transaction: large enough to amortise the commit, small enough to keep memory flat.
export const STORE_BATCH = 20_000;
const SHOWN_REJECTIONS = 20;
const PROGRESS_EVERY = 50_000;

/** The per-record admission rules on the runs just stored; a failure here loses no data and is retried by the daily check. */
async function checkAdmission(opts: IngestOptions, policy: AdmissionPolicy, summary: IngestSummary): Promise<void> {
  const started = performance.now();
  try {
    const r = await checkNewRuns({ db: opts.db, policy, timeZone: opts.timeZone });
    if (r) summary.admission = { findings: r.findings, opened: r.opened, reopened: r.reopened, seconds: (performance.now() - started) / 1000 };
    else summary.warnings.push('the admission rules were not checked on these runs: another pass was still running after 10 minutes (it, or the daily check, reads them)');
  } catch (error) {
    summary.warnings.push(`admission check after ingestion failed (the daily check will read these runs): ${(error as Error).message}`);
  }
}

/**
 * The new failures classified at once (so a new class shows on /errors while the data is fresh),
 * and the ranking of the week in progress refreshed; a failure here loses nothing: the weekly run
 * classifies what is left.
 */
async function classifyNew(opts: IngestOptions, config: NonNullable<IngestOptions['classify']>, summary: IngestSummary): Promise<void> {
  const started = performance.now();
  try {
    const r = await withClassifier(opts.db, () => runClassification({ db: opts.db, ...config, refresh: 'touched' }));
    if (!r) summary.warnings.push('the new failures were not classified yet: another classification was still running after 10 minutes (it, or the weekly run, classifies them)');
    else if (r.events > 0) await refreshWeekInProgress({ db: opts.db, timeZone: opts.timeZone });
    if (r) summary.classification = { events: r.events, classesCreated: r.classesCreated, seconds: (performance.now() - started) / 1000 };
  } catch (error) {
    summary.warnings.push(`classification after ingestion failed (the weekly run classifies these failures): ${(error as Error).message}`);
  }
}

const counts = (s: IngestSummary) => ({ accepted: s.accepted, duplicates: s.duplicates, rejected: s.rejected, conflicts: s.conflicts });

/**
 * The one ingestion path (CLI, HTTP, inbox): takes validated lines, stores the valid ones
 * idempotently, quarantines the invalid ones with file, line, field and reason, and records the
 * batch with its summary. A record the database refuses, or that conflicts with what is stored,
 * is quarantined alone; the others are stored.
 */
export async function ingestLines(opts: IngestOptions): Promise<IngestSummary> {
  const now = opts.now ?? Date.now;
  const started = now();
  await sweepAbandonedBatches(opts.db);
  const lease = await startBatch(opts.db, { source: opts.source, format: opts.format, now: new Date(started) });
  const summary: IngestSummary = { batchId: lease.id, source: opts.source, format: opts.format, accepted: 0, duplicates: 0, rejected: 0, conflicts: 0, expired: 0, warnings: [], rejections: [], seconds: 0, storeSeconds: 0, admission: null, classification: null, recordsPerSecond: 0 };
  const quarantine = new Quarantine(opts.db, lease.id, opts.source);
  const reject = async (entry: QuarantineEntry) => {
    summary.rejected += 1;
    if (entry.kind === 'conflict') summary.conflicts += 1;
    if (summary.rejections.length < SHOWN_REJECTIONS) summary.rejections.push({ source: opts.source, line: entry.line, kind: entry.kind, field: entry.field, reason: entry.reason });
    await quarantine.add(entry);
  };
  try {
    await readAndStore(opts, summary, reject, new Date(started));
    await quarantine.flush();
  } catch (error) {
    await quarantine.flush().catch(() => undefined);
    const message = error instanceof StoreStopped ? error.message : `ingestion stopped: ${describeDbError(error)}`;
    await failBatch(opts.db, lease, counts(summary), message, new Date(now()));
    throw new IngestAbortedError(`${opts.source}: ${message} (batch #${lease.id}: ${summary.accepted} stored before it stopped)`, summary);
  }
  summary.warnings.unshift(...(opts.warnings ?? []));
  const seen = summary.accepted + summary.duplicates + summary.rejected + summary.expired;
  if (seen === 0) summary.warnings.push('empty input: no records');
  await finishBatch(opts.db, lease, counts(summary), new Date(now()));
  if (opts.admission && summary.accepted > 0) await checkAdmission(opts, opts.admission, summary);
  if (opts.classify && summary.accepted > 0) await classifyNew(opts, opts.classify, summary);
  summary.seconds = (now() - started) / 1000;
  summary.recordsPerSecond = summary.seconds > 0 ? Math.round(seen / summary.seconds) : seen;
  return summary;
}

class StoreStopped extends Error {}

/** The first instant whose records are stored under the retention (null: every record is). */
function retentionStart(opts: IngestOptions, now: Date): { day: string; ms: number } | null {
  const day = computeRetentionHorizon(opts.retentionDays ?? null, now, opts.timeZone);
  return day === null ? null : { day, ms: startOfDayInZone(day, opts.timeZone) };
}

async function readAndStore(opts: IngestOptions, summary: IngestSummary, reject: (e: QuarantineEntry) => Promise<void>, now: Date): Promise<void> {
  const horizon = retentionStart(opts, now);
  const ctx: StoreContext = { db: opts.db, timeZone: opts.timeZone, lastStage: opts.lastStage, knownServices: new Set() };
  let valid: StoreItem[] = [];
  let seen = 0;
  const store = async (chunk: StoreItem[]) => {
    const storeStarted = performance.now();
    let r: Awaited<ReturnType<typeof storeChunk>>;
    try {
      r = await storeChunk(ctx, chunk, summary.batchId);
    } catch (error) {
      const lines = `lines ${chunk[0]!.line}–${chunk.at(-1)!.line}`;
      throw new StoreStopped(`database error while storing ${lines} (those may be partly stored, the lines after them are not; ingest the input again to complete it): ${describeDbError(error)}`);
    } finally {
      summary.storeSeconds += (performance.now() - storeStarted) / 1000;
    }
    summary.accepted += r.inserted;
    summary.duplicates += r.duplicates;
    for (const x of r.rejections) await reject(x);
  };
  // One chunk is stored while the next is read and validated (the database and this process work
  // at once); chunks are stored one after the other, in input order.
  let storing: Promise<void> | null = null;
  const flushValid = async () => {
    if (valid.length === 0) return;
    const chunk = valid;
    valid = [];
    if (storing) await storing;
    storing = store(chunk);
    // Awaited before the next chunk and at the end; this only keeps a failure from being unhandled meanwhile.
    storing.catch(() => undefined);
  };
  try {
    for await (const lines of opts.lines) {
      for (const checked of lines) {
        seen += 1;
        if (checked.ok && horizon !== null && Date.parse(checked.record.startedAt) < horizon.ms) summary.expired += 1;
        else if (checked.ok) valid.push({ record: checked.record, line: checked.line, raw: checked.raw });
        else await reject({ kind: 'invalid', line: checked.line, field: checked.field, reason: checked.reason, raw: checked.raw, bytes: checked.bytes });
        if (valid.length >= STORE_BATCH) await flushValid();
        if (opts.onProgress && seen % PROGRESS_EVERY === 0) opts.onProgress({ records: seen, accepted: summary.accepted + valid.length, rejected: summary.rejected });
      }
    }
    await flushValid();
  } finally {
    // Whatever stopped the reading, the chunk being stored finishes (or fails) before the batch is closed.
    if (storing) await storing;
  }
  if (horizon !== null && summary.expired) {
    const setting = `ROLLSCOPE_RETENTION_DAYS=${opts.retentionDays}`;
    summary.warnings.push(`${summary.expired} record(s) not stored: they started before ${horizon.day}, older than the retention (${setting})`);
  }
}
