import type { Db } from '../db';
import { inTransaction, insertMapped, insertRows, inList, queryRows, type Column, type Queryable } from '../sql';
import { dayInZone, isoToDbTimestamp, toDbTimestamp } from '../time/day';
import type { IngestRecord } from './record';
import { computeRolloutState, type RunFacts } from './rollout-state';

export type StoreContext = { db: Db; timeZone: string; lastStage: string; knownServices: Set<string> };

export const STAGE_RUN_COLUMNS: Column[] = [
  { name: 'key' }, { name: 'rolloutId' }, { name: 'service' }, { name: 'stageKey' }, { name: 'attempt', pgType: 'integer' },
  { name: 'status' }, { name: 'env' }, { name: 'host' }, { name: 'startedAt', pgType: 'timestamp(3)' },
  { name: 'finishedAt', pgType: 'timestamp(3)' }, { name: 'durationMs', pgType: 'integer' }, { name: 'day' },
  { name: 'errorMessage' }, { name: 'errorCode' }, { name: 'manual', pgType: 'boolean' }, { name: 'attrs', pgType: 'jsonb' },
  { name: 'batchId', pgType: 'integer' },
];
const ERROR_EVENT_COLUMNS: Column[] = [
  { name: 'stageRunId', pgType: 'integer' }, { name: 'rolloutId' }, { name: 'service' }, { name: 'stageKey' },
  { name: 'attempt', pgType: 'integer' }, { name: 'env' }, { name: 'host' }, { name: 'occurredAt', pgType: 'timestamp(3)' },
  { name: 'day' }, { name: 'message' }, { name: 'code' },
];
const ROLLOUT_COLUMNS: Column[] = [
  { name: 'id' }, { name: 'service' }, { name: 'env' }, { name: 'startedAt', pgType: 'timestamp(3)' },
  { name: 'finishedAt', pgType: 'timestamp(3)' }, { name: 'day' }, { name: 'outcome' },
  { name: 'manualCount', pgType: 'integer' }, { name: 'stageRuns', pgType: 'integer' }, { name: 'failedRuns', pgType: 'integer' },
  { name: 'steps', pgType: 'integer' },
];
const ROLLUP_COLUMNS: Column[] = [
  { name: 'day' }, { name: 'stageKey' }, { name: 'service' }, { name: 'attempts', pgType: 'integer' },
  { name: 'successes', pgType: 'integer' }, { name: 'failures', pgType: 'integer' }, { name: 'skips', pgType: 'integer' },
  { name: 'manual', pgType: 'integer' }, { name: 'firstAttempts', pgType: 'integer' }, { name: 'firstSuccesses', pgType: 'integer' },
];
const ROLLOUT_UPDATE = ROLLOUT_COLUMNS.slice(1).map((c) => `"${c.name}" = excluded."${c.name}"`).join(', ');
const ROLLUP_ADD = ROLLUP_COLUMNS.slice(3).map((c) => `"${c.name}" = "DailyRollup"."${c.name}" + excluded."${c.name}"`).join(', ');

/** The idempotency key of a record: its `id`, or rollout/stage/attempt. */
export function recordKey(r: IngestRecord): string {
  return r.id ?? `${r.rollout}/${r.stage}/${r.attempt}`;
}

type Row = { record: IngestRecord; key: string; facts: RunFacts; day: string; id: number };

function toRow(record: IngestRecord, timeZone: string): Row {
  const started = Date.parse(record.startedAt);
  let finished = record.finishedAt ? Date.parse(record.finishedAt) : null;
  if (finished === null && record.durationMs !== undefined) finished = started + record.durationMs;
  const facts: RunFacts = { stageKey: record.stage, attempt: record.attempt, status: record.status, env: record.env, startedAt: started, finishedAt: finished, manual: record.manual };
  return { record, key: recordKey(record), facts, day: dayInZone(started, timeZone), id: 0 };
}

/** Pushes a row's StageRun values, in STAGE_RUN_COLUMNS order. */
function pushStageRunValues(row: Row, batchId: number | null, args: unknown[]): void {
  const { record: r, facts } = row;
  const duration = r.durationMs ?? (facts.finishedAt !== null ? facts.finishedAt - facts.startedAt : null);
  args.push(
    row.key, r.rollout, r.service, r.stage, r.attempt, r.status, r.env, r.host ?? null, isoToDbTimestamp(r.startedAt, facts.startedAt),
    facts.finishedAt !== null ? toDbTimestamp(facts.finishedAt) : null, duration, row.day, r.errorMessage ?? null,
    r.errorCode ?? null, r.manual, r.attrs ? JSON.stringify(r.attrs) : null, batchId,
  );
}

/**
 * Stores validated records in one transaction: new services and rollouts, the stage runs that are
 * not stored yet (idempotent by key), their error events and daily rollups, and the state of every
 * rollout they touch. Returns how many runs were new.
 */
export async function storeRecords(ctx: StoreContext, records: readonly IngestRecord[], batchId: number | null): Promise<{ inserted: number; duplicates: number }> {
  if (records.length === 0) return { inserted: 0, duplicates: 0 };
  const rows = records.map((r) => toRow(r, ctx.timeZone));
  const inserted = await inTransaction(ctx.db, async (tx) => {
    await insertServices(ctx, tx, rows);
    const fresh = await insertNewRollouts(ctx, tx, rows);
    const spec = { table: 'StageRun', columns: STAGE_RUN_COLUMNS, suffix: 'ON CONFLICT ("key") DO NOTHING RETURNING "id", "key"' };
    const stored = await insertMapped<Row, { id: number; key: string }>(tx, ctx.db.kind, spec, rows, (row, args) => pushStageRunValues(row, batchId, args));
    const insertedRows = matchStored(rows, stored);
    await addErrorEvents(ctx, tx, insertedRows);
    await addRollups(ctx, tx, insertedRows);
    await refreshRollouts(ctx, tx, insertedRows, fresh);
    return insertedRows.length;
  });
  return { inserted, duplicates: records.length - inserted };
}

/** The StageRun column values of records, as storeRecords writes them (the ingest benchmark reuses it). */
export function buildStageRunRows(records: readonly IngestRecord[], timeZone: string, batchId: number | null): unknown[][] {
  return records.map((r) => {
    const values: unknown[] = [];
    pushStageRunValues(toRow(r, timeZone), batchId, values);
    return values;
  });
}

/** The rows that were stored now (RETURNING gave their ids); a key twice in one batch is stored once. */
function matchStored(rows: readonly Row[], stored: readonly { id: number; key: string }[]): Row[] {
  const ids = new Map(stored.map((k) => [k.key, k.id]));
  const out: Row[] = [];
  for (const row of rows) {
    const id = ids.get(row.key);
    if (id === undefined) continue;
    ids.delete(row.key);
    row.id = id;
    out.push(row);
  }
  return out;
}

async function insertServices(ctx: StoreContext, tx: Queryable, rows: readonly Row[]): Promise<void> {
  const fresh = [...new Set(rows.map((r) => r.record.service))].filter((s) => !ctx.knownServices.has(s));
  if (fresh.length === 0) return;
  const now = toDbTimestamp(Date.now());
  await insertRows(tx, ctx.db.kind, { table: 'Service', columns: [{ name: 'name' }, { name: 'createdAt', pgType: 'timestamp(3)' }], suffix: 'ON CONFLICT ("name") DO NOTHING' }, fresh.map((s) => [s, now]));
  for (const s of fresh) ctx.knownServices.add(s);
}

function groupByRollout(rows: readonly Row[]): Map<string, Row[]> {
  const groups = new Map<string, Row[]>();
  for (const row of rows) {
    const group = groups.get(row.record.rollout);
    if (group) group.push(row);
    else groups.set(row.record.rollout, [row]);
  }
  return groups;
}

function rolloutValues(id: string, service: string, facts: readonly RunFacts[], ctx: StoreContext): unknown[] {
  const s = computeRolloutState(facts, ctx.lastStage);
  return [id, service, s.env, toDbTimestamp(s.startedAt), toDbTimestamp(s.finishedAt), dayInZone(s.startedAt, ctx.timeZone), s.outcome, s.manualCount, s.stageRuns, s.failedRuns, s.steps];
}

/**
 * Creates the rollouts not stored yet, already in their final state (the usual case: a rollout's
 * runs arrive together). Stage runs reference them, so this comes first. Returns what it created,
 * with the runs the state was computed from.
 */
async function insertNewRollouts(ctx: StoreContext, tx: Queryable, rows: readonly Row[]): Promise<Map<string, Row[]>> {
  const groups = groupByRollout(rows);
  const ids = [...groups.keys()];
  for (let i = 0; i < ids.length; i += 500) {
    const chunk = ids.slice(i, i + 500);
    const found = await queryRows<{ id: string }>(tx, `SELECT "id" FROM "Rollout" WHERE "id" IN (${inList(ctx.db.kind, chunk.length)})`, chunk);
    for (const { id } of found) groups.delete(id);
  }
  const values = [...groups].map(([id, group]) => {
    const unique = [...new Map(group.map((r) => [r.key, r])).values()];
    return rolloutValues(id, group[0]!.record.service, unique.map((r) => r.facts), ctx);
  });
  const created = await insertRows<{ id: string }>(tx, ctx.db.kind, { table: 'Rollout', columns: ROLLOUT_COLUMNS, suffix: 'ON CONFLICT ("id") DO NOTHING RETURNING "id"' }, values);
  const made = new Set(created.map((c) => c.id));
  for (const id of groups.keys()) if (!made.has(id)) groups.delete(id);
  return groups;
}

/**
 * Recomputes, from all their stored runs, the rollouts that gained runs here and were not created
 * here with exactly those runs (a rollout spread over several batches or inputs).
 */
async function refreshRollouts(ctx: StoreContext, tx: Queryable, inserted: readonly Row[], created: ReadonlyMap<string, Row[]>): Promise<void> {
  const gained = groupByRollout(inserted);
  const stale = [...gained.keys()].filter((id) => {
    const basis = created.get(id);
    return !basis || new Set(basis.map((r) => r.key)).size !== gained.get(id)!.length;
  });
  if (stale.length === 0) return;
  const values: unknown[][] = [];
  for (const [id, facts] of await readStoredRuns(ctx, tx, stale)) values.push(rolloutValues(id, gained.get(id)![0]!.record.service, facts, ctx));
  await insertRows(tx, ctx.db.kind, { table: 'Rollout', columns: ROLLOUT_COLUMNS, suffix: `ON CONFLICT ("id") DO UPDATE SET ${ROLLOUT_UPDATE}` }, values);
}

/** Failed runs become error events, the rows classification and triage work on. */
async function addErrorEvents(ctx: StoreContext, tx: Queryable, rows: readonly Row[]): Promise<void> {
  const values = rows
    .filter((r) => r.record.status === 'failed')
    .map(({ record: r, facts, day, id }) => [id, r.rollout, r.service, r.stage, r.attempt, r.env, r.host ?? null, isoToDbTimestamp(r.startedAt, facts.startedAt), day, r.errorMessage ?? '', r.errorCode ?? null]);
  await insertRows(tx, ctx.db.kind, { table: 'ErrorEvent', columns: ERROR_EVENT_COLUMNS, suffix: '' }, values);
}

async function addRollups(ctx: StoreContext, tx: Queryable, rows: readonly Row[]): Promise<void> {
  const sums = new Map<string, unknown[]>();
  for (const { record: r, day } of rows) {
    const id = `${day}\u0000${r.stage}\u0000${r.service}`;
    let v = sums.get(id) as number[] | undefined;
    if (!v) sums.set(id, (v = [0, 0, 0, 0, 0, 0, 0]));
    v[0]! += 1;
    if (r.status === 'succeeded') v[1]! += 1;
    else if (r.status === 'failed') v[2]! += 1;
    else v[3]! += 1;
    if (r.manual) v[4]! += 1;
    if (r.attempt === 1 && r.status !== 'skipped') v[5]! += 1;
    if (r.attempt === 1 && r.status === 'succeeded') v[6]! += 1;
  }
  const values = [...sums.entries()].map(([id, v]) => [...id.split('\u0000'), ...v]);
  await insertRows(tx, ctx.db.kind, { table: 'DailyRollup', columns: ROLLUP_COLUMNS, suffix: `ON CONFLICT ("day","stageKey","service") DO UPDATE SET ${ROLLUP_ADD}` }, values);
}

type StoredRun = { rolloutId: string; stageKey: string; attempt: number; status: string; env: string; startedAt: Date | string; finishedAt: Date | string | null; manual: boolean | number };

async function readStoredRuns(ctx: StoreContext, tx: Queryable, ids: readonly string[]): Promise<Map<string, RunFacts[]>> {
  const out = new Map<string, RunFacts[]>();
  for (let i = 0; i < ids.length; i += 500) {
    const chunk = ids.slice(i, i + 500);
    const found = await queryRows<StoredRun>(
      tx,
      `SELECT "rolloutId","stageKey","attempt","status","env","startedAt","finishedAt","manual" FROM "StageRun" WHERE "rolloutId" IN (${inList(ctx.db.kind, chunk.length)})`,
      chunk,
    );
    for (const r of found) {
      if (!out.has(r.rolloutId)) out.set(r.rolloutId, []);
      out.get(r.rolloutId)!.push({ stageKey: r.stageKey, attempt: Number(r.attempt), status: r.status, env: r.env, startedAt: new Date(r.startedAt).getTime(), finishedAt: r.finishedAt === null ? null : new Date(r.finishedAt).getTime(), manual: Boolean(r.manual) });
    }
  }
  return out;
}
