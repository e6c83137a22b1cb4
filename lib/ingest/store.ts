import type { Db } from '../db';
import { execute, inTransaction, insertMapped, insertRows, inList, queryRows, type Column, type Queryable, type TransactionOptions } from '../sql';
import { dayInZone, isoToDbTimestamp, toDbTimestamp } from '../time/day';
import type { IngestRecord } from './record';
import { setEventsRolloutFailed } from './event-outcomes';
import { addRolloutDayChanges, readRolloutDays } from './rollup-rollout-days';
import { addRunRollups } from './rollup-runs';
import { countRun, emptyRunCounts } from './rollup-stage-days';
import { computeRolloutState, type RunFacts } from './rollout-state';
import { contentOfRecord, contentOfStored, differingFields, STORED_RUN_COLUMNS, type StoredRun } from './run-content';

// Keys per IN (...) lookup: far below either database's limit on bound parameters.
const LOOKUP_CHUNK = 500;

export type StoreContext = {
  db: Db;
  timeZone: string;
  lastStage: string;
  knownServices: Set<string>;
  /** How stage runs are written on PostgreSQL: COPY into a staging table and one merge (the default), or multi-row INSERTs (SQLite's way, kept for comparison). */
  pgMethod?: 'copy' | 'insert';
};

export const STAGE_RUN_COLUMNS: Column[] = [
  { name: 'key' }, { name: 'rolloutId' }, { name: 'service' }, { name: 'stageKey' }, { name: 'attempt', pgType: 'integer' },
  { name: 'status' }, { name: 'env' }, { name: 'host' }, { name: 'startedAt', pgType: 'timestamp(3)' },
  { name: 'finishedAt', pgType: 'timestamp(3)' }, { name: 'durationMs', pgType: 'integer' }, { name: 'day' },
  { name: 'errorMessage' }, { name: 'errorCode' }, { name: 'manual', pgType: 'boolean' }, { name: 'attrs', pgType: 'jsonb' },
  { name: 'batchId', pgType: 'integer' },
];
export const ERROR_EVENT_COLUMNS: Column[] = [
  { name: 'stageRunId', pgType: 'integer' }, { name: 'rolloutId' }, { name: 'service' }, { name: 'stageKey' },
  { name: 'attempt', pgType: 'integer' }, { name: 'env' }, { name: 'host' }, { name: 'occurredAt', pgType: 'timestamp(3)' },
  { name: 'day' }, { name: 'message' }, { name: 'code' }, { name: 'rolloutFailed', pgType: 'boolean' },
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
const OUTCOME_AT = ROLLOUT_COLUMNS.findIndex((c) => c.name === 'outcome');
const ROLLOUT_UPDATE = ROLLOUT_COLUMNS.slice(1).map((c) => `"${c.name}" = excluded."${c.name}"`).join(', ');
const ROLLUP_ADD = ROLLUP_COLUMNS.slice(3).map((c) => `"${c.name}" = "DailyRollup"."${c.name}" + excluded."${c.name}"`).join(', ');

/** The idempotency key of a record: its `id`, or rollout/stage/attempt. */
export function recordKey(r: IngestRecord): string {
  return r.id ?? `${r.rollout}/${r.stage}/${r.attempt}`;
}

/** A validated record with where it came from (for the quarantine, should it not be stored). */
export type StoreItem = { record: IngestRecord; line: number; raw: string };
/** A valid record that was not stored: its key or rollout is stored with other content, or the database refused it. */
export type StoreRejection = { line: number; kind: 'conflict' | 'unstorable'; field: string | null; reason: string; raw: string };
export type StoreResult = { inserted: number; duplicates: number; rejections: StoreRejection[] };

/**
 * A record on its way into the database; `id` is its StageRun id once inserted. `rolloutFailed`:
 * its rollout ends failed with the runs of this transaction (known for the rollouts it creates;
 * the others are refreshed after their runs are written, their events' flag with them).
 */
export type Row = { item: StoreItem; record: IngestRecord; key: string; facts: RunFacts; day: string; id: number; rolloutFailed: boolean };

/**
 * Writes the stage runs of `rows` (distinct keys, their rollouts stored) that are not stored yet,
 * with the error events of the failed ones; says which were inserted (their `id` set) and which
 * keys were stored already (with the stored run, when it could be read).
 */
export type WriteStageRuns<Q extends Queryable = Queryable> = (ctx: StoreContext, tx: Q, rows: readonly Row[], batchId: number | null) => Promise<{ inserted: Row[]; existing: Existing[] }>;
export type Existing = { row: Row; stored: StoredRun | undefined };

function toRow(item: StoreItem, timeZone: string): Row {
  const record = item.record;
  const started = Date.parse(record.startedAt);
  let finished = record.finishedAt ? Date.parse(record.finishedAt) : null;
  if (finished === null && record.durationMs !== undefined) finished = started + record.durationMs;
  const facts: RunFacts = { stageKey: record.stage, attempt: record.attempt, status: record.status, env: record.env, startedAt: started, finishedAt: finished, manual: record.manual };
  return { item, record, key: recordKey(record), facts, day: dayInZone(started, timeZone), id: 0, rolloutFailed: false };
}

const contentOf = (row: Row) => contentOfRecord(row.record, row.facts.startedAt, row.facts.finishedAt);

/** Pushes a row's StageRun values, in STAGE_RUN_COLUMNS order. */
export function pushStageRunValues(row: Row, batchId: number | null, args: unknown[]): void {
  const { record: r, facts } = row;
  const duration = r.durationMs ?? (facts.finishedAt !== null ? facts.finishedAt - facts.startedAt : null);
  args.push(
    row.key, r.rollout, r.service, r.stage, r.attempt, r.status, r.env, r.host ?? null, isoToDbTimestamp(r.startedAt, facts.startedAt),
    facts.finishedAt !== null ? toDbTimestamp(facts.finishedAt) : null, duration, row.day, r.errorMessage ?? null,
    r.errorCode ?? null, r.manual, r.attrs ? JSON.stringify(r.attrs) : null, batchId,
  );
}

const conflict = (row: Row, field: string | null, reason: string): StoreRejection => ({ line: row.item.line, kind: 'conflict', field, reason, raw: row.item.raw });

/**
 * A key twice in one input is stored once: a later copy with the same content is a duplicate,
 * one with other content a conflict (the first stays).
 */
function dedupeKeys(rows: readonly Row[], rejections: StoreRejection[]): { unique: Row[]; duplicates: number } {
  const first = new Map<string, Row>();
  let duplicates = 0;
  for (const row of rows) {
    const seen = first.get(row.key);
    if (!seen) first.set(row.key, row);
    else {
      const fields = differingFields(contentOf(seen), contentOf(row));
      if (fields.length === 0) duplicates += 1;
      else rejections.push(conflict(row, fields[0]!, `key "${row.key}" appears earlier in this input (line ${seen.item.line}) with other ${fields.join(', ')}`));
    }
  }
  return { unique: [...first.values()], duplicates };
}

/**
 * Stores validated records in one transaction: new services and rollouts, the stage runs that are
 * not stored yet (idempotent by key), their error events and daily rollups, and the state of every
 * rollout they touch. A record whose key is stored with other content, or whose rollout belongs
 * to another service, is not stored but returned as a conflict. A database error rolls everything
 * back and is thrown (lib/ingest/store-chunk.ts isolates the records that cause it). This writes
 * stage runs with multi-row INSERTs; lib/ingest/store-pg.ts does the same with COPY.
 */
export function storeRecords(ctx: StoreContext, items: readonly StoreItem[], batchId: number | null): Promise<StoreResult> {
  return storeWith(ctx, items, batchId, { transaction: inTransaction, write: insertStageRuns });
}

/** How a store transaction runs and writes its stage runs; all the rest is storeWith's, on every path. */
export type StoreWay<Q extends Queryable> = {
  transaction: <T>(db: Db, work: (tx: Q) => Promise<T>, opts: TransactionOptions) => Promise<T>;
  write: WriteStageRuns<Q>;
};

/** storeRecords with the given way of writing stage runs. */
export async function storeWith<Q extends Queryable>(ctx: StoreContext, items: readonly StoreItem[], batchId: number | null, way: StoreWay<Q>): Promise<StoreResult> {
  if (items.length === 0) return { inserted: 0, duplicates: 0, rejections: [] };
  const all = items.map((item) => toRow(item, ctx.timeZone));
  const result = await way.transaction(ctx.db, (tx) => mergeRows(ctx, tx, all, batchId, way.write), { serialize: true });
  // Only once committed: a rolled-back transaction must not leave services marked as stored.
  for (const s of result.services) ctx.knownServices.add(s);
  return { inserted: result.inserted, duplicates: result.duplicates, rejections: result.rejections };
}

async function mergeRows<Q extends Queryable>(ctx: StoreContext, tx: Q, all: readonly Row[], batchId: number | null, write: WriteStageRuns<Q>) {
  const rejections: StoreRejection[] = [];
  const { unique, duplicates } = dedupeKeys(all, rejections);
  const { rows, storedRollouts } = await dropServiceConflicts(ctx, tx, unique, rejections);
  const services = await insertServices(ctx, tx, rows);
  const rolloutIds = [...new Set(rows.map((r) => r.record.rollout))];
  const rolloutsBefore = await readRolloutDays(tx, ctx.db.kind, rolloutIds);
  const fresh = await insertNewRollouts(ctx, tx, rows, storedRollouts);
  // Ids are given out in this order: each day's new runs get one id range (StageRunDaySpan stays
  // one span per day and chunk, whatever order the input is in).
  const byDay = [...rows].sort((a, b) => (a.day < b.day ? -1 : a.day > b.day ? 1 : 0));
  const { inserted, existing } = await write(ctx, tx, byDay, batchId);
  const repeated = judgeExisting(existing, rejections);
  await addInsertedRollups(ctx, tx, inserted);
  await refreshRollouts(ctx, tx, inserted, fresh);
  await addRolloutDayChanges(tx, ctx.db.kind, rolloutIds, rolloutsBefore);
  return { inserted: inserted.length, duplicates: duplicates + repeated, rejections, services };
}

/** The multi-row INSERT way (SQLite, and PostgreSQL with pgMethod 'insert'). */
const insertStageRuns: WriteStageRuns = async (ctx, tx, rows, batchId) => {
  const spec = { table: 'StageRun', columns: STAGE_RUN_COLUMNS, suffix: 'ON CONFLICT ("key") DO NOTHING RETURNING "id", "key"' };
  const stored = await insertMapped<Row, { id: number; key: string }>(tx, ctx.db.kind, spec, rows, (row, args) => pushStageRunValues(row, batchId, args));
  const { inserted, existing } = matchStored(rows, stored);
  await addErrorEvents(ctx, tx, inserted);
  return { inserted, existing: await readExisting(ctx, tx, existing) };
};

/**
 * Everything kept per run inserted, computed from exactly the runs this transaction inserted (not
 * the duplicates), on both databases: the place a new rollup table plugs in.
 */
async function addInsertedRollups(ctx: StoreContext, tx: Queryable, inserted: readonly Row[]): Promise<void> {
  await addRollups(ctx, tx, inserted);
  const runs = inserted.map((r) => ({ id: r.id, day: r.day, stageKey: r.record.stage, status: r.record.status, attempt: r.record.attempt, manual: r.record.manual }));
  await addRunRollups(tx, ctx.db.kind, runs);
}

/** The StageRun column values of records, as storeRecords writes them (the ingest benchmark reuses it). */
export function buildStageRunRows(records: readonly IngestRecord[], timeZone: string, batchId: number | null): unknown[][] {
  return records.map((r) => {
    const values: unknown[] = [];
    pushStageRunValues(toRow({ record: r, line: 0, raw: '' }, timeZone), batchId, values);
    return values;
  });
}

/** The rows stored now (RETURNING gave their ids) and those whose key was already stored. */
export function matchStored(rows: readonly Row[], stored: readonly { id: number; key: string }[]): { inserted: Row[]; existing: Row[] } {
  const ids = new Map(stored.map((k) => [k.key, k.id]));
  const inserted: Row[] = [];
  const existing: Row[] = [];
  for (const row of rows) {
    const id = ids.get(row.key);
    if (id === undefined) existing.push(row);
    else {
      row.id = Number(id);
      inserted.push(row);
    }
  }
  return { inserted, existing };
}

/** The stored runs under the keys of rows that were not inserted. */
async function readExisting(ctx: StoreContext, tx: Queryable, rows: readonly Row[]): Promise<Existing[]> {
  const out: Existing[] = [];
  for (let i = 0; i < rows.length; i += LOOKUP_CHUNK) {
    const chunk = rows.slice(i, i + LOOKUP_CHUNK);
    const found = await queryRows<StoredRun>(tx, `SELECT ${STORED_RUN_COLUMNS} FROM "StageRun" WHERE "key" IN (${inList(ctx.db.kind, chunk.length)})`, chunk.map((r) => r.key));
    const byKey = new Map(found.map((s) => [s.key, s]));
    for (const row of chunk) out.push({ row, stored: byKey.get(row.key) });
  }
  return out;
}

/** Rows whose key was already stored: duplicates when the content is the same, conflicts otherwise. Returns the duplicates. */
function judgeExisting(existing: readonly Existing[], rejections: StoreRejection[]): number {
  let duplicates = 0;
  for (const { row, stored } of existing) {
    const fields = stored ? differingFields(contentOfStored(stored), contentOf(row)) : [];
    if (fields.length === 0) duplicates += 1;
    else rejections.push(conflict(row, fields[0]!, `key "${row.key}" is already stored with other ${fields.join(', ')}`));
  }
  return duplicates;
}

/**
 * A rollout belongs to one service: records naming another service than the stored rollout (or
 * than the rollout's first record here) are conflicts and are not stored.
 */
async function dropServiceConflicts(ctx: StoreContext, tx: Queryable, rows: readonly Row[], rejections: StoreRejection[]): Promise<{ rows: Row[]; storedRollouts: Set<string> }> {
  const owner = new Map<string, { service: string; where: string }>();
  const ids = [...new Set(rows.map((r) => r.record.rollout))];
  for (let i = 0; i < ids.length; i += LOOKUP_CHUNK) {
    const chunk = ids.slice(i, i + LOOKUP_CHUNK);
    const found = await queryRows<{ id: string; service: string }>(tx, `SELECT "id","service" FROM "Rollout" WHERE "id" IN (${inList(ctx.db.kind, chunk.length)})`, chunk);
    for (const r of found) owner.set(r.id, { service: r.service, where: 'is stored' });
  }
  const storedRollouts = new Set(owner.keys());
  const kept = rows.filter((row) => {
    const known = owner.get(row.record.rollout);
    if (!known) owner.set(row.record.rollout, { service: row.record.service, where: `starts at line ${row.item.line}` });
    else if (known.service !== row.record.service) {
      rejections.push(conflict(row, 'service', `rollout "${row.record.rollout}" ${known.where} with service "${known.service}", not "${row.record.service}"`));
      return false;
    }
    return true;
  });
  return { rows: kept, storedRollouts };
}

/** Stores the services not known to this ingestion yet; returns them (the caller marks them known after the commit). */
async function insertServices(ctx: StoreContext, tx: Queryable, rows: readonly Row[]): Promise<string[]> {
  const fresh = [...new Set(rows.map((r) => r.record.service))].filter((s) => !ctx.knownServices.has(s));
  if (fresh.length === 0) return fresh;
  const now = toDbTimestamp(Date.now());
  await insertRows(tx, ctx.db.kind, { table: 'Service', columns: [{ name: 'name' }, { name: 'createdAt', pgType: 'timestamp(3)' }], suffix: 'ON CONFLICT ("name") DO NOTHING' }, fresh.map((s) => [s, now]));
  return fresh;
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
async function insertNewRollouts(ctx: StoreContext, tx: Queryable, rows: readonly Row[], stored: ReadonlySet<string>): Promise<Map<string, Row[]>> {
  const groups = groupByRollout(rows);
  for (const id of stored) groups.delete(id);
  // Set again on every try (a retried or split chunk reuses its rows); rows of stored rollouts are refreshed later.
  for (const row of rows) row.rolloutFailed = false;
  const values = [...groups].map(([id, group]) => {
    const unique = [...new Map(group.map((r) => [r.key, r])).values()];
    return rolloutValues(id, group[0]!.record.service, unique.map((r) => r.facts), ctx);
  });
  const created = await insertRows<{ id: string }>(tx, ctx.db.kind, { table: 'Rollout', columns: ROLLOUT_COLUMNS, suffix: 'ON CONFLICT ("id") DO NOTHING RETURNING "id"' }, values);
  const made = new Set(created.map((c) => c.id));
  const failed = new Set(values.filter((v) => v[OUTCOME_AT] === 'failed').map((v) => v[0]));
  for (const [id, group] of groups) {
    if (!made.has(id)) groups.delete(id);
    else for (const row of group) row.rolloutFailed = failed.has(id);
  }
  return groups;
}

/**
 * Recomputes, from all their stored runs, the rollouts that gained runs here and were not created
 * here with exactly those runs (a rollout spread over several batches or inputs). A rollout created
 * here whose runs all turned out to be stored already (under the same ids, in other rollouts) is
 * removed again: a rollout exists only with runs.
 */
async function refreshRollouts(ctx: StoreContext, tx: Queryable, inserted: readonly Row[], created: ReadonlyMap<string, Row[]>): Promise<void> {
  const gained = groupByRollout(inserted);
  const stale = [...gained.keys()].filter((id) => created.get(id)?.length !== gained.get(id)!.length);
  const empty = [...created.keys()].filter((id) => !gained.has(id));
  for (let i = 0; i < empty.length; i += LOOKUP_CHUNK) {
    const chunk = empty.slice(i, i + LOOKUP_CHUNK);
    await execute(tx, `DELETE FROM "Rollout" WHERE "id" IN (${inList(ctx.db.kind, chunk.length)})`, chunk);
  }
  if (stale.length === 0) return;
  const values: unknown[][] = [];
  for (const [id, facts] of await readStoredRuns(ctx, tx, stale)) values.push(rolloutValues(id, gained.get(id)![0]!.record.service, facts, ctx));
  await insertRows(tx, ctx.db.kind, { table: 'Rollout', columns: ROLLOUT_COLUMNS, suffix: `ON CONFLICT ("id") DO UPDATE SET ${ROLLOUT_UPDATE}` }, values);
  // Their events, those stored before and those written now, say whether the rollout ends failed.
  await setEventsRolloutFailed(tx, ctx.db.kind, values.map((v) => ({ id: String(v[0]), failed: v[OUTCOME_AT] === 'failed' })));
  await refreshViolationLinks(ctx.db.kind, tx, stale);
}

/**
 * The admission violation links of refreshed rollouts take their new day and outcome (the outcome
 * report counts violating rollouts from the links alone, lib/admission/outcome-counts.ts). Links are
 * made under the store lock (lib/admission/violations.ts), so none is made beside this with the
 * rollout's old state. An index lookup per rollout; most refreshed rollouts have no link.
 */
async function refreshViolationLinks(kind: Db['kind'], tx: Queryable, ids: readonly string[]): Promise<void> {
  const of = (column: string) => `(SELECT r."${column}" FROM "Rollout" r WHERE r."id" = "AdmissionViolationRollout"."rolloutId")`;
  for (let i = 0; i < ids.length; i += LOOKUP_CHUNK) {
    const chunk = ids.slice(i, i + LOOKUP_CHUNK);
    await execute(tx, `UPDATE "AdmissionViolationRollout" SET "day" = ${of('day')}, "outcome" = ${of('outcome')} WHERE "rolloutId" IN (${inList(kind, chunk.length)})`, chunk);
  }
}

/** Failed runs become error events, the rows classification and triage work on. */
async function addErrorEvents(ctx: StoreContext, tx: Queryable, rows: readonly Row[]): Promise<void> {
  const values = rows
    .filter((r) => r.record.status === 'failed')
    .map(({ record: r, facts, day, id, rolloutFailed }) => [id, r.rollout, r.service, r.stage, r.attempt, r.env, r.host ?? null, isoToDbTimestamp(r.startedAt, facts.startedAt), day, r.errorMessage ?? '', r.errorCode ?? null, rolloutFailed]);
  await insertRows(tx, ctx.db.kind, { table: 'ErrorEvent', columns: ERROR_EVENT_COLUMNS, suffix: '' }, values);
}

async function addRollups(ctx: StoreContext, tx: Queryable, rows: readonly Row[]): Promise<void> {
  const sums = new Map<string, unknown[]>();
  for (const { record: r, day } of rows) {
    const id = `${day}\u0000${r.stage}\u0000${r.service}`;
    let v = sums.get(id) as number[] | undefined;
    if (!v) sums.set(id, (v = emptyRunCounts()));
    countRun(v, r);
  }
  const values = [...sums.entries()].map(([id, v]) => [...id.split('\u0000'), ...v]);
  await insertRows(tx, ctx.db.kind, { table: 'DailyRollup', columns: ROLLUP_COLUMNS, suffix: `ON CONFLICT ("day","stageKey","service") DO UPDATE SET ${ROLLUP_ADD}` }, values);
}

type RolloutRun = { rolloutId: string; stageKey: string; attempt: number; status: string; env: string; startedAt: Date | string; finishedAt: Date | string | null; manual: boolean | number };

async function readStoredRuns(ctx: StoreContext, tx: Queryable, ids: readonly string[]): Promise<Map<string, RunFacts[]>> {
  const out = new Map<string, RunFacts[]>();
  for (let i = 0; i < ids.length; i += LOOKUP_CHUNK) {
    const chunk = ids.slice(i, i + LOOKUP_CHUNK);
    const found = await queryRows<RolloutRun>(
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
