import { createWriteStream, type WriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { once } from 'node:events';
import path from 'node:path';
import { finished } from 'node:stream/promises';
import { csvDataCell } from '../format-csv';
import { RECORD_FIELDS, type IngestRecordInput } from '../ingest/record';
import { generateDemoRecords, type DemoOptions } from './generate';

export type RecordFileFormat = 'ndjson' | 'csv';

export type WriteRecordFilesOptions = {
  dir: string;
  format: RecordFileFormat;
  /** Called every PROGRESS_EVERY records and once at the end with the running count. */
  onProgress?: (records: number) => void;
};

export type WriteResult = { files: string[]; records: number };

/** Writes are batched: one write per record would make the stream, not the generator, the bottleneck. */
const CHUNK_CHARS = 256 * 1024;
const PROGRESS_EVERY = 50_000;
/** Small enough to be quick for any range, large enough that rounding noise stays around 1%. */
const CALIBRATION_ROLLOUTS_PER_DAY = 50;

type DayFile = { day: string; stream: WriteStream; error: Error | null };

/** Generates demo records and writes one file per UTC day of rollout start. */
export async function writeDemoFiles(opts: DemoOptions & WriteRecordFilesOptions): Promise<WriteResult> {
  return writeRecordFiles(generateDemoRecords(opts), opts);
}

/**
 * Streams records into `rollouts-YYYY-MM-DD.<format>` files in `dir`, one per UTC day of each
 * rollout's first record, so a rollout crossing midnight stays in one file. Waits for 'drain'.
 */
export async function writeRecordFiles(records: Iterable<IngestRecordInput>, opts: WriteRecordFilesOptions): Promise<WriteResult> {
  await mkdir(opts.dir, { recursive: true });
  const files: string[] = [];
  const format = opts.format === 'csv' ? formatCsvRow : formatNdjsonLine;
  let file: DayFile | null = null;
  let buffer = '';
  let count = 0;
  let lastRollout: string | null = null;
  for (const record of records) {
    if (record.rollout !== lastRollout) {
      lastRollout = record.rollout;
      const day = new Date(Date.parse(record.startedAt)).toISOString().slice(0, 10);
      if (day !== file?.day) {
        if (file) await closeDayFile(file, buffer);
        buffer = '';
        file = openDayFile(opts, day, files);
      }
    }
    buffer += format(record);
    count += 1;
    if (buffer.length >= CHUNK_CHARS && file) {
      await writeChunk(file, buffer);
      buffer = '';
    }
    if (count % PROGRESS_EVERY === 0) opts.onProgress?.(count);
  }
  if (file) await closeDayFile(file, buffer);
  opts.onProgress?.(count);
  return { files, records: count };
}

/** Opens a day's file; a day seen earlier in this run (unsorted input) is appended to, not truncated. */
function openDayFile(opts: WriteRecordFilesOptions, day: string, files: string[]): DayFile {
  const name = path.join(opts.dir, `rollouts-${day}.${opts.format}`);
  const append = files.includes(name);
  if (!append) files.push(name);
  const stream = createWriteStream(name, { flags: append ? 'a' : 'w' });
  const file: DayFile = { day, stream, error: null };
  // Keep the error for the next write: an unhandled 'error' event would crash the process.
  stream.on('error', (error) => { file.error = error; });
  if (!append && opts.format === 'csv') stream.write(`${RECORD_FIELDS.join(',')}\r\n`);
  return file;
}

async function writeChunk(file: DayFile, chunk: string): Promise<void> {
  if (file.error) throw file.error;
  if (!file.stream.write(chunk)) await once(file.stream, 'drain');
}

async function closeDayFile(file: DayFile, rest: string): Promise<void> {
  if (rest) await writeChunk(file, rest);
  file.stream.end();
  await finished(file.stream);
}

function formatNdjsonLine(record: IngestRecordInput): string {
  return `${JSON.stringify(record)}\n`;
}

/**
 * One CSV row in RECORD_FIELDS order, CRLF-terminated (RFC 4180); attrs as JSON, absent values empty.
 * Cells are written exactly (csvDataCell, no formula quote): these files are input for ingestion, and a
 * quote in front of "-" or "=" would become part of the message that is stored and classified.
 */
export function formatCsvRow(record: IngestRecordInput): string {
  const cells = RECORD_FIELDS.map((field) => csvDataCell(field === 'manual' ? record.manual === true : record[field]));
  return `${cells.join(',')}\r\n`;
}


/**
 * The rolloutsPerDay that yields about `target` records over the range, measured by generating the
 * same range at a small volume (records per rollout depend on the chain and its failure rates).
 */
export function computeRolloutsPerDay(target: number, opts: Omit<DemoOptions, 'rolloutsPerDay'>): number {
  let sample = 0;
  for (const _ of generateDemoRecords({ ...opts, rolloutsPerDay: CALIBRATION_ROLLOUTS_PER_DAY })) sample += 1;
  if (sample === 0) return 0;
  return Math.max(1, Math.round((target * CALIBRATION_ROLLOUTS_PER_DAY) / sample));
}
