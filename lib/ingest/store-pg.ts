import { queryRows } from '../sql';
import { inCopyTransaction, type CopyTransaction } from './copy-connection';
import { copyPieces, type CopyValue } from './copy-text';
import { STORED_RUN_COLUMNS, type StoredRun } from './run-content';
import { ERROR_EVENT_COLUMNS, pushStageRunValues, STAGE_RUN_COLUMNS, storeWith, type StoreContext, type StoreItem, type Row, type StoreResult, type WriteStageRuns } from './store';

/**
 * PostgreSQL's way to write a chunk's stage runs, under the store lock (lib/ingest/store.ts): take
 * ids from StageRun's own sequence, in the rows' order (day order: see mergeRows), and COPY the runs,
 * ids included, straight into StageRun and their error events into ErrorEvent — each run written
 * once, no staging table, no INSERT … SELECT. Usually none of a chunk's keys is stored yet, so the
 * COPY is tried at once, inside a savepoint; when a key is stored already the unique index refuses
 * it, the savepoint is rolled back, and the chunk reads which of its keys are stored (with their
 * content, for the duplicate/conflict judgement) and COPYs the others. StageRun's constraints refuse
 * what they would refuse in an INSERT; any other refusal fails the statement, as it would an INSERT.
 */
const quote = (name: string) => `"${name}"`;
const RUN_TARGET = `"StageRun" ("id",${STAGE_RUN_COLUMNS.map((c) => quote(c.name)).join(',')})`;
const EVENT_TARGET = `"ErrorEvent" (${ERROR_EVENT_COLUMNS.map((c) => quote(c.name)).join(',')})`;
const KEY_INDEX = 'StageRun_key_key';
const SAVEPOINT = 'rollscope_copy';
/**
 * `$1` ids in one step: the sequence moved past them at once, rather than one nextval per run (6%
 * of the store step at 1M records). Safe because only ingestion writes StageRun, always under the store
 * lock, so no other nextval can come between the two calls; a rolled-back chunk leaves a gap.
 */
const TAKE_IDS = `SELECT setval(pg_get_serial_sequence('"StageRun"', 'id'), nextval(pg_get_serial_sequence('"StageRun"', 'id')) + $1::bigint - 1)::bigint - $1::bigint + 1 AS "first"`;

// Where each ErrorEvent column comes from among the run's values (STAGE_RUN_COLUMNS after the id),
// as lib/ingest/store.ts addErrorEvents writes it: occurredAt is the run's start, the message never
// null; rolloutFailed (the last column) is the row's, not a run value.
const RUN_INDEX = new Map(STAGE_RUN_COLUMNS.map((c, i) => [c.name, i + 1]));
const EVENT_FROM: Record<string, string> = {
  stageRunId: 'id', rolloutId: 'rolloutId', service: 'service', stageKey: 'stageKey', attempt: 'attempt', env: 'env',
  host: 'host', occurredAt: 'startedAt', day: 'day', message: 'errorMessage', code: 'errorCode',
};
const EVENT_INDEX = ERROR_EVENT_COLUMNS.slice(0, -1).map((c) => (EVENT_FROM[c.name] === 'id' ? 0 : RUN_INDEX.get(EVENT_FROM[c.name]!)!));
const MESSAGE_AT = ERROR_EVENT_COLUMNS.findIndex((c) => c.name === 'message');

/** A run's COPY values: its id, then STAGE_RUN_COLUMNS (pushStageRunValues writes only strings, numbers, booleans and nulls). */
function runValues(row: Row, batchId: number | null): CopyValue[] {
  const values: unknown[] = [row.id];
  pushStageRunValues(row, batchId, values);
  return values as CopyValue[];
}

function eventValues({ run, row }: { run: readonly CopyValue[]; row: Row }): CopyValue[] {
  const values = EVENT_INDEX.map((i) => run[i]);
  values[MESSAGE_AT] ??= '';
  values.push(row.rolloutFailed);
  return values;
}

const exec = (tx: CopyTransaction, sql: string) => tx.executeRaw({ sql, args: [], argTypes: [] });

/** Gives `rows` ids and COPYs them with their error events. */
async function copyNew(tx: CopyTransaction, rows: readonly Row[], batchId: number | null): Promise<void> {
  const [taken] = await queryRows<{ first: number | string }>(tx, TAKE_IDS, [rows.length]);
  const first = Number(taken!.first);
  rows.forEach((row, i) => (row.id = first + i));
  const runs = rows.map((row) => runValues(row, batchId));
  await tx.copyIn(RUN_TARGET, copyPieces(runs, (values) => values));
  const failed = runs.flatMap((run, i) => (rows[i]!.record.status === 'failed' ? [{ run, row: rows[i]! }] : []));
  if (failed.length > 0) await tx.copyIn(EVENT_TARGET, copyPieces(failed, eventValues));
}

/** PostgreSQL's unique_violation on StageRun's record key. */
function isStoredKey(error: unknown): boolean {
  const e = error as { code?: unknown; constraint?: unknown };
  return e?.code === '23505' && e.constraint === KEY_INDEX;
}

/** See the header. */
const copyStageRuns: WriteStageRuns<CopyTransaction> = async (_ctx, tx, rows, batchId) => {
  if (rows.length === 0) return { inserted: [], existing: [] };
  await exec(tx, `SAVEPOINT ${SAVEPOINT}`);
  try {
    await copyNew(tx, rows, batchId);
    await exec(tx, `RELEASE SAVEPOINT ${SAVEPOINT}`);
    return { inserted: [...rows], existing: [] };
  } catch (error) {
    if (!isStoredKey(error)) throw error;
    await exec(tx, `ROLLBACK TO SAVEPOINT ${SAVEPOINT}`);
  }
  const found = await queryRows<StoredRun>(tx, `SELECT ${STORED_RUN_COLUMNS} FROM "StageRun" WHERE "key" = ANY($1::text[])`, [rows.map((r) => r.key)]);
  const byKey = new Map(found.map((s) => [s.key, s]));
  const inserted = rows.filter((r) => !byKey.has(r.key));
  const existing = rows.filter((r) => byKey.has(r.key)).map((row) => ({ row, stored: byKey.get(row.key) }));
  if (inserted.length > 0) await copyNew(tx, inserted, batchId);
  return { inserted, existing };
};

/** storeRecords (lib/ingest/store.ts) on PostgreSQL, writing stage runs with COPY: the same results, the same rows. */
export function storePgRecords(ctx: StoreContext, items: readonly StoreItem[], batchId: number | null): Promise<StoreResult> {
  return storeWith(ctx, items, batchId, { transaction: inCopyTransaction, write: copyStageRuns });
}
