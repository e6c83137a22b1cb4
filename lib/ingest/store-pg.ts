import { queryRows } from '../sql';
import { inCopyTransaction, type CopyTransaction } from './copy-connection';
import { copyPieces, type CopyValue } from './copy-text';
import { STORED_RUN_COLUMNS, type StoredRun } from './run-content';
import { ERROR_EVENT_COLUMNS, pushStageRunValues, STAGE_RUN_COLUMNS, storeWith, type StoreContext, type StoreItem, type Row, type StoreResult, type WriteStageRuns } from './store';

/**
 * PostgreSQL's way to write a chunk's stage runs, under the store lock (lib/ingest/store.ts): read
 * which keys are stored already (with their content, for the comparison), take ids for the others
 * from StageRun's own sequence, in the rows’ order (day order: see mergeRows), then COPY the new
 * runs, ids included, straight into StageRun and their error events into ErrorEvent. No staging
 * table and no INSERT … SELECT: the runs are written once, at COPY's speed. StageRun's constraints
 * refuse what they would refuse in an INSERT, and refusing fails the whole COPY as it would the
 * statement.
 */
const quote = (name: string) => `"${name}"`;
const RUN_TARGET = `"StageRun" ("id",${STAGE_RUN_COLUMNS.map((c) => quote(c.name)).join(',')})`;
const EVENT_TARGET = `"ErrorEvent" (${ERROR_EVENT_COLUMNS.map((c) => quote(c.name)).join(',')})`;
const TAKE_IDS = `SELECT nextval(pg_get_serial_sequence('"StageRun"', 'id'))::integer AS "id" FROM generate_series(1, $1::integer)`;

// Where each ErrorEvent column comes from among the run's values (STAGE_RUN_COLUMNS after the id),
// as lib/ingest/store.ts addErrorEvents writes it: occurredAt is the run's start, the message never null.
const RUN_INDEX = new Map(STAGE_RUN_COLUMNS.map((c, i) => [c.name, i + 1]));
const EVENT_FROM: Record<string, string> = {
  stageRunId: 'id', rolloutId: 'rolloutId', service: 'service', stageKey: 'stageKey', attempt: 'attempt', env: 'env',
  host: 'host', occurredAt: 'startedAt', day: 'day', message: 'errorMessage', code: 'errorCode',
};
const EVENT_INDEX = ERROR_EVENT_COLUMNS.map((c) => (EVENT_FROM[c.name] === 'id' ? 0 : RUN_INDEX.get(EVENT_FROM[c.name]!)!));
const MESSAGE_AT = ERROR_EVENT_COLUMNS.findIndex((c) => c.name === 'message');

/** A run's COPY values: its id, then STAGE_RUN_COLUMNS (pushStageRunValues writes only strings, numbers, booleans and nulls). */
function runValues(row: Row, batchId: number | null): CopyValue[] {
  const values: unknown[] = [row.id];
  pushStageRunValues(row, batchId, values);
  return values as CopyValue[];
}

function eventValues(run: readonly CopyValue[]): CopyValue[] {
  const values = EVENT_INDEX.map((i) => run[i]);
  values[MESSAGE_AT] ??= '';
  return values;
}

/** See the header. */
const copyStageRuns: WriteStageRuns<CopyTransaction> = async (_ctx, tx, rows, batchId) => {
  if (rows.length === 0) return { inserted: [], existing: [] };
  const found = await queryRows<StoredRun>(tx, `SELECT ${STORED_RUN_COLUMNS} FROM "StageRun" WHERE "key" = ANY($1::text[])`, [rows.map((r) => r.key)]);
  const byKey = new Map(found.map((s) => [s.key, s]));
  const inserted = rows.filter((r) => !byKey.has(r.key));
  const existing = rows.filter((r) => byKey.has(r.key)).map((row) => ({ row, stored: byKey.get(row.key) }));
  if (inserted.length === 0) return { inserted, existing };
  const ids = (await queryRows<{ id: number }>(tx, TAKE_IDS, [inserted.length])).map((r) => Number(r.id)).sort((a, b) => a - b);
  inserted.forEach((row, i) => (row.id = ids[i]!));
  const runs = inserted.map((row) => runValues(row, batchId));
  await tx.copyIn(RUN_TARGET, copyPieces(runs, (values) => values));
  const failed = runs.filter((_, i) => inserted[i]!.record.status === 'failed');
  if (failed.length > 0) await tx.copyIn(EVENT_TARGET, copyPieces(failed, eventValues));
  return { inserted, existing };
};

/** storeRecords (lib/ingest/store.ts) on PostgreSQL, writing stage runs with COPY: the same results, the same rows. */
export function storePgRecords(ctx: StoreContext, items: readonly StoreItem[], batchId: number | null): Promise<StoreResult> {
  return storeWith(ctx, items, batchId, { transaction: inCopyTransaction, write: copyStageRuns });
}
