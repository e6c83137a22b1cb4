import { createReadStream } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { admissionPolicyOf } from '../admission/config';
import { loadChainConfig } from '../chain/config';
import { getChain, syncChain } from '../chain/sync';
import { loadCategoryConfig, loadRoutingConfig } from '../classify/rules';
import type { Db } from '../db';
import type { Settings } from '../env';
import { checkLines } from './check';
import { ingestLines, type IngestOptions, type IngestSummary } from './ingest';
import { splitJsonArray } from './json-array';
import { parseInput, parseJsonLine, type InputFormat, type ParsedLine } from './parse';

export type IngestTarget = Pick<IngestOptions, 'db' | 'lastStage' | 'timeZone' | 'retentionDays' | 'admission' | 'classify'> & {
  stages: ReadonlySet<string>;
  maxLineBytes: number;
};

/**
 * What every ingestion needs from the database and settings; loads the chain on first use. Records
 * older than the retention (ROLLSCOPE_RETENTION_DAYS, when given) are skipped. The
 * admission rules (ROLLSCOPE_ADMISSION_FILE or the default) are checked after each ingestion unless
 * `admission` is false; the new failures are classified (category and routing rules from their
 * files or the defaults) unless `classify` is false.
 */
export async function prepareIngest(
  db: Db,
  settings: Pick<Settings, 'chainFile' | 'timeZone' | 'maxLineBytes'> &
    Partial<Pick<Settings, 'admissionFile' | 'categoriesFile' | 'routingFile' | 'retentionDays'>>,
  opts: { admission?: boolean; classify?: boolean } = {},
): Promise<IngestTarget> {
  let chain = await getChain(db);
  if (chain.stages.length === 0) {
    await syncChain(db, loadChainConfig(settings.chainFile));
    chain = await getChain(db);
  }
  const admission = opts.admission === false ? null : admissionPolicyOf(settings.admissionFile ?? null);
  const classify = opts.classify === false ? null : { categories: loadCategoryConfig(settings.categoriesFile ?? null), routing: loadRoutingConfig(settings.routingFile ?? null) };
  const stages = new Set(chain.stages.map((s) => s.key));
  const retentionDays = settings.retentionDays ?? null;
  return { db, stages, lastStage: chain.stages.at(-1)!.key, timeZone: settings.timeZone, retentionDays, maxLineBytes: settings.maxLineBytes, admission, classify };
}

const EXTENSIONS: Record<string, InputFormat> = { '.ndjson': 'ndjson', '.jsonl': 'ndjson', '.json': 'ndjson', '.csv': 'csv' };

/** The input format of a file, from its extension. */
export function formatOf(file: string): InputFormat | null {
  return EXTENSIONS[path.extname(file).toLowerCase()] ?? null;
}

/** Ingests one stream (a file, stdin or a request body), parsing on this thread. */
export function ingestStream(target: IngestTarget, opts: { source: string; format: InputFormat; input: AsyncIterable<Uint8Array>; onProgress?: IngestOptions['onProgress'] }): Promise<IngestSummary> {
  const warnings: string[] = [];
  const parsed = parseInput(opts.format, opts.input, target.maxLineBytes, { warn: (w) => warnings.push(w) });
  const lines = checkLines(parsed, { format: opts.format, stages: target.stages });
  return ingestLines({ ...target, source: opts.source, format: opts.format, lines, warnings, onProgress: opts.onProgress });
}

/**
 * Ingests an HTTP body holding one JSON array of records. Each element is checked as an NDJSON
 * line is (size, UTF-8, a JSON object), numbered by its position from 1. Returns the reason,
 * without ingesting anything, when the body is not an array at all.
 */
export function ingestJsonArray(target: IngestTarget, opts: { source: string; body: Buffer }): { reason: string } | Promise<IngestSummary> {
  const split = splitJsonArray(opts.body);
  if (!split.ok) return { reason: split.reason };
  const parsed: ParsedLine[] = split.elements.map(({ index, bytes }) => {
    const line = { lineNo: index, bytes, oversized: bytes.length > target.maxLineBytes, size: bytes.length };
    return parseJsonLine(line, target.maxLineBytes) ?? { ok: false, line: index, field: null, reason: 'empty array element', raw: '' };
  });
  const lines = checkLines([parsed], { format: 'json', stages: target.stages });
  return ingestLines({ ...target, source: opts.source, format: 'json', lines });
}

/** Ingests parsed items (a JSON array body), numbered from 1. */
export function ingestItems(target: IngestTarget, opts: { source: string; items: unknown[] }): Promise<IngestSummary> {
  const lines = checkLines([[...parseJsonArray(opts.items)]], { format: 'json', stages: target.stages });
  return ingestLines({ ...target, source: opts.source, format: 'json', lines });
}

/** Ingests one file, streamed (never read whole). */
export function ingestFile(target: IngestTarget, file: string, opts: { format?: InputFormat; onProgress?: IngestOptions['onProgress'] } = {}): Promise<IngestSummary> {
  const format = opts.format ?? formatOf(file) ?? 'ndjson';
  return ingestStream(target, { source: file, format, input: createReadStream(file, { highWaterMark: 256 * 1024 }), onProgress: opts.onProgress });
}

/** The input files under a path: the file itself, or a directory's .ndjson/.jsonl/.json/.csv files in name order. */
export async function listInputFiles(target: string): Promise<string[]> {
  const info = await stat(target);
  if (!info.isDirectory()) return [target];
  const entries = await readdir(target, { withFileTypes: true });
  return entries.filter((e) => e.isFile() && formatOf(e.name) !== null).map((e) => path.join(target, e.name)).sort();
}

/** An HTTP body that is one JSON array of records: each element becomes one "line" (its 1-based index). */
export function* parseJsonArray(items: unknown[]): Generator<ParsedLine> {
  for (const [i, item] of items.entries()) {
    const raw = JSON.stringify(item) ?? 'undefined';
    if (typeof item !== 'object' || item === null || Array.isArray(item)) yield { ok: false, line: i + 1, field: null, reason: 'expected a JSON object', raw };
    else yield { ok: true, line: i + 1, value: item as Record<string, unknown>, raw };
  }
}

/** A buffer already in memory (an HTTP body) as a byte stream. */
export async function* fromBuffer(buf: Buffer): AsyncGenerator<Buffer> {
  yield buf;
}
