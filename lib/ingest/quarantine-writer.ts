import type { Db } from '../db';
import { classifyDbError, describeDbError, retryTransient } from '../db-errors';
import { insertRows, type Column } from '../sql';
import { RAW_EXCERPT_BYTES } from './parse';

/**
 * Writes rejected lines to the quarantine (RejectedLine) in batches. It must never fail on the
 * content of a line — that would lose every rejection of the input: the original bytes are kept as
 * bytes, and every text column is made storable (NUL and unpaired surrogates shown as visible marks).
 */
export type QuarantineEntry = {
  kind: 'invalid' | 'conflict' | 'unstorable';
  line: number;
  field: string | null;
  reason: string;
  /** The line as text (as far as it could be decoded). */
  raw: string;
  /** The line's original bytes, when they differ from `raw` encoded as UTF-8 (say, invalid UTF-8). */
  bytes?: Buffer;
};

const BATCH = 500;
const COLUMNS: Column[] = [
  { name: 'batchId', pgType: 'integer' }, { name: 'source' }, { name: 'line', pgType: 'integer' }, { name: 'kind' },
  { name: 'field' }, { name: 'reason' }, { name: 'raw' }, { name: 'rawBytes', pgType: 'bytea' },
];
const SPEC = { table: 'RejectedLine', columns: COLUMNS, suffix: '' };

/** Text any database stores: NUL becomes ␀ (U+2400), an unpaired surrogate U+FFFD. */
export function storableText(text: string): string {
  return text.replace(/\u0000/g, '\u2400').toWellFormed();
}

/** The first RAW_EXCERPT_BYTES bytes, copied (a slice would keep the whole input chunk alive). */
function excerptBytes(entry: QuarantineEntry): Buffer {
  const bytes = entry.bytes ?? Buffer.from(entry.raw, 'utf8');
  return Buffer.from(bytes.subarray(0, RAW_EXCERPT_BYTES));
}

export class Quarantine {
  private rows: unknown[][] = [];

  constructor(private readonly db: Db, private readonly batchId: number, private readonly source: string) {}

  async add(entry: QuarantineEntry): Promise<void> {
    const bytes = excerptBytes(entry);
    const raw = storableText(bytes.toString('utf8'));
    this.rows.push([this.batchId, storableText(this.source), entry.line, entry.kind, entry.field === null ? null : storableText(entry.field), storableText(entry.reason), raw, bytes]);
    if (this.rows.length >= BATCH) await this.flush();
  }

  async flush(): Promise<void> {
    const rows = this.rows;
    this.rows = [];
    if (rows.length === 0) return;
    try {
      await this.insert(rows);
    } catch (error) {
      if (classifyDbError(error) !== 'data') throw error;
      // One row at a time, so one bad row costs only itself; a row refused even then is kept without its text.
      for (const row of rows) await this.insert([row]).catch((e: unknown) => this.insert([withoutText(row, e)]));
    }
  }

  private async insert(rows: unknown[][]): Promise<void> {
    await retryTransient(async () => insertRows(await this.db.bulk(), this.db.kind, SPEC, rows));
  }
}

function withoutText(row: unknown[], error: unknown): unknown[] {
  const [batchId, source, line, kind, field, , , bytes] = row;
  return [batchId, source, line, kind, field, `(the reason could not be stored: ${storableText(describeDbError(error))})`, '', bytes];
}
