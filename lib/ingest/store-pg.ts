import { queryRows, type Column } from '../sql';
import { inCopyTransaction, type CopyTransaction } from './copy-connection';
import { copyPieces, type CopyValue } from './copy-text';
import { STORED_RUN_COLUMNS, type StoredRun } from './run-content';
import { ERROR_EVENT_COLUMNS, matchStored, pushStageRunValues, STAGE_RUN_COLUMNS, storeWith, type StoreContext, type StoreItem, type Row, type StoreResult, type WriteStageRuns } from './store';

/**
 * PostgreSQL's way to write a chunk's stage runs: COPY them into a staging table, then one
 * statement inserts those whose key is not stored yet (in input order, so ids follow the input as
 * with INSERT) and the error events of the failed ones, returning the new ids. The staging table is
 * temporary (this connection's own, not WAL-logged) and emptied at every commit.
 */
const STAGE_TABLE = 'rollscope_stage_run';
const ORDINAL = 'ord';

const quote = (name: string) => `"${name}"`;
const typeOf = (c: Column) => c.pgType ?? 'text';
const RUN_COLUMNS = STAGE_RUN_COLUMNS.map((c) => quote(c.name)).join(',');

// Its columns are those of StageRun that ingestion writes, all nullable: StageRun's own constraints
// refuse what they refuse at the merge, as they would refuse an INSERT.
const CREATE_STAGE = `CREATE TEMP TABLE IF NOT EXISTS ${STAGE_TABLE} (${ORDINAL} integer, ${STAGE_RUN_COLUMNS.map((c) => `${quote(c.name)} ${typeOf(c)}`).join(', ')}) ON COMMIT DELETE ROWS`;
const COPY_TARGET = `${STAGE_TABLE} (${ORDINAL},${RUN_COLUMNS})`;

// Each ErrorEvent column from the inserted StageRun row, as lib/ingest/store.ts addErrorEvents writes it.
const EVENT_SOURCE: Record<string, string> = {
  stageRunId: '"id"', rolloutId: '"rolloutId"', service: '"service"', stageKey: '"stageKey"', attempt: '"attempt"', env: '"env"',
  host: '"host"', occurredAt: '"startedAt"', day: '"day"', message: `COALESCE("errorMessage", '')`, code: '"errorCode"',
};
const EVENT_COLUMNS = ERROR_EVENT_COLUMNS.map((c) => quote(c.name)).join(',');
const EVENT_VALUES = ERROR_EVENT_COLUMNS.map((c) => EVENT_SOURCE[c.name]!).join(',');

const MERGE = `WITH inserted AS (
  INSERT INTO "StageRun" (${RUN_COLUMNS}) SELECT ${RUN_COLUMNS} FROM ${STAGE_TABLE} ORDER BY ${ORDINAL}
  ON CONFLICT ("key") DO NOTHING
  RETURNING "id","key","status","rolloutId","service","stageKey","attempt","env","host","startedAt","day","errorMessage","errorCode"
), events AS (
  INSERT INTO "ErrorEvent" (${EVENT_COLUMNS}) SELECT ${EVENT_VALUES} FROM inserted WHERE "status" = 'failed' ORDER BY "id"
)
SELECT "id","key" FROM inserted`;

/** See the header: COPY, then one merge; the runs stored already are read back by key for the comparison. */
const copyStageRuns: WriteStageRuns<CopyTransaction> = async (_ctx, tx, rows, batchId) => {
  if (rows.length === 0) return { inserted: [], existing: [] };
  await tx.executeRaw({ sql: CREATE_STAGE, args: [], argTypes: [] });
  // One array for every row's values: pushStageRunValues writes only strings, numbers, booleans and nulls.
  const values: unknown[] = [];
  const rowValues = (row: Row, ordinal: number) => {
    values.length = 0;
    values.push(ordinal);
    pushStageRunValues(row, batchId, values);
    return values as CopyValue[];
  };
  await tx.copyIn(COPY_TARGET, copyPieces(rows, rowValues));
  const stored = await queryRows<{ id: number; key: string }>(tx, MERGE, []);
  const { inserted, existing } = matchStored(rows, stored);
  if (existing.length === 0) return { inserted, existing: [] };
  const found = await queryRows<StoredRun>(tx, `SELECT ${STORED_RUN_COLUMNS} FROM "StageRun" WHERE "key" = ANY($1::text[])`, [existing.map((r) => r.key)]);
  const byKey = new Map(found.map((s) => [s.key, s]));
  return { inserted, existing: existing.map((row) => ({ row, stored: byKey.get(row.key) })) };
};

/** storeRecords (lib/ingest/store.ts) on PostgreSQL, writing stage runs with COPY: the same results, the same rows. */
export function storePgRecords(ctx: StoreContext, items: readonly StoreItem[], batchId: number | null): Promise<StoreResult> {
  return storeWith(ctx, items, batchId, { transaction: inCopyTransaction, write: copyStageRuns });
}
