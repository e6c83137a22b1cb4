import type { ArgType, SqlQuery, SqlResultSet } from '@prisma/driver-adapter-utils';
import type { Db } from './db';
import { retryTransient } from './db-errors';

/**
 * Bulk SQL for both dialects through Prisma's driver adapter: multi-row INSERTs (one statement per
 * chunk, several times faster than createMany) and the transaction around them.
 */
export type Column = { name: string; pgType?: string };
/**
 * What the helpers here need of a connection: Prisma's driver adapter and its transactions have it,
 * and so does a plain node-postgres connection wrapped for COPY (lib/ingest/copy-connection.ts).
 */
export type Queryable = {
  queryRaw: (query: SqlQuery) => Promise<Pick<SqlResultSet, 'columnNames' | 'rows'>>;
  executeRaw: (query: SqlQuery) => Promise<number>;
};

// SQLite allows 32,766 bound parameters per statement and PostgreSQL 65,535; stay well below.
const MAX_PARAMS = 16_000;
// Values are plain strings, numbers, booleans and nulls; the adapters need no type hints for them.
const ANY_ARG: ArgType = { scalarType: 'unknown', arity: 'scalar' };
const ARG_TYPES: ArgType[] = Array.from({ length: MAX_PARAMS + 64 }, () => ANY_ARG);

function quote(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** `?` for SQLite, `$n` (with an optional cast) for PostgreSQL. */
function placeholder(kind: Db['kind'], n: number, pgType?: string): string {
  if (kind === 'sqlite') return '?';
  return pgType ? `$${n}::${pgType}` : `$${n}`;
}

/** Builds `INSERT INTO t (cols) VALUES (...),(...) <suffix>` with the dialect's placeholders. */
export function buildInsert(kind: Db['kind'], table: string, columns: readonly Column[], rowCount: number, suffix: string): string {
  const tuples: string[] = [];
  let n = 0;
  for (let r = 0; r < rowCount; r += 1) tuples.push(`(${columns.map((c) => placeholder(kind, ++n, c.pgType)).join(',')})`);
  return `INSERT INTO ${quote(table)} (${columns.map((c) => quote(c.name)).join(',')}) VALUES ${tuples.join(',')} ${suffix}`;
}

/** `IN (...)` placeholders for `count` values. */
export function inList(kind: Db['kind'], count: number): string {
  return Array.from({ length: count }, (_, i) => placeholder(kind, i + 1)).join(',');
}

function argTypes(count: number): ArgType[] {
  return count <= ARG_TYPES.length ? ARG_TYPES.slice(0, count) : Array.from({ length: count }, () => ANY_ARG);
}

/** Runs a query and returns its rows as objects (SQLite's 64-bit integers come back as numbers). */
export async function queryRows<T>(q: Queryable, sql: string, args: unknown[]): Promise<T[]> {
  const result = await q.queryRaw({ sql, args, argTypes: argTypes(args.length) });
  return result.rows.map((row) => {
    const obj: Record<string, unknown> = {};
    result.columnNames.forEach((name, i) => {
      const v = row[i];
      obj[name] = typeof v === 'bigint' ? Number(v) : v;
    });
    return obj as T;
  });
}

/**
 * Inserts items in chunks, `write` pushing each item's column values straight into the statement's
 * arguments (no array per row: on the ingest hot path that garbage was measurable). Returns the
 * rows of `RETURNING` when the suffix has one.
 */
export async function insertMapped<T, R = unknown>(
  q: Queryable,
  kind: Db['kind'],
  spec: { table: string; columns: readonly Column[]; suffix: string },
  items: readonly T[],
  write: (item: T, args: unknown[]) => void,
): Promise<R[]> {
  const out: R[] = [];
  const size = Math.max(1, Math.floor(MAX_PARAMS / spec.columns.length));
  const returning = /\bRETURNING\b/i.test(spec.suffix);
  for (let i = 0; i < items.length; i += size) {
    const end = Math.min(items.length, i + size);
    const sql = buildInsert(kind, spec.table, spec.columns, end - i, spec.suffix);
    const args: unknown[] = [];
    for (let r = i; r < end; r += 1) write(items[r]!, args);
    if (returning) out.push(...(await queryRows<R>(q, sql, args)));
    else await q.executeRaw({ sql, args, argTypes: argTypes(args.length) });
  }
  return out;
}

/**
 * SQL true when `column` is one of a list of strings bound at the single `?` as stringListArg makes
 * it (one bound parameter however many values). SQLite reads a JSON array (json_each); PostgreSQL
 * a text[] parameter, whose value the planner sees as a constant and tests by hashing. A set-returning
 * function there (jsonb_array_elements_text) is estimated at 100 rows whatever its length: at 50M
 * stage runs PostgreSQL then compared every run of a week with every one of thousands of rollout
 * ids (a nested-loop semi join) and one week's read ran for minutes.
 */
export function inStringList(kind: 'sqlite' | 'postgresql', column: string): string {
  return kind === 'sqlite' ? `${column} IN (SELECT value FROM json_each(?))` : `${column} = ANY(?::text[])`;
}

/** The bound value for inStringList: a JSON array (SQLite) or an array literal, every element quoted (PostgreSQL). */
export function stringListArg(kind: 'sqlite' | 'postgresql', values: readonly string[]): string {
  if (kind === 'sqlite') return JSON.stringify(values);
  return `{${values.map((v) => `"${v.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`).join(',')}}`;
}

/** Runs `lookup` on chunks of `values` (a bounded number of bound parameters each) and joins the results. */
export async function inChunks<T, R>(values: readonly T[], size: number, lookup: (chunk: T[]) => Promise<R[]>): Promise<R[]> {
  const out: R[] = [];
  for (let i = 0; i < values.length; i += size) out.push(...(await lookup(values.slice(i, i + size))));
  return out;
}

/** Runs a statement that returns no rows; resolves to the number of rows it changed. */
export function execute(q: Queryable, sql: string, args: unknown[] = []): Promise<number> {
  return q.executeRaw({ sql, args, argTypes: argTypes(args.length) });
}

/** Inserts rows given as arrays of column values (see insertMapped). */
export function insertRows<R = unknown>(q: Queryable, kind: Db['kind'], spec: { table: string; columns: readonly Column[]; suffix: string }, rows: readonly unknown[][]): Promise<R[]> {
  return insertMapped<unknown[], R>(q, kind, spec, rows, (row, args) => {
    for (const value of row) args.push(value);
  });
}

// The key of the PostgreSQL advisory lock that makes ingestion's store transactions take turns
// (an arbitrary constant; it only has to be the same in every process).
const STORE_LOCK_KEY = 7_231_945_001;

export type TransactionOptions = {
  /**
   * Run after every other serialized transaction, never beside one. On PostgreSQL this takes an
   * advisory lock for the transaction: stage runs then commit in the order of their ids, so a
   * reader that takes the same lock sees every id below the highest one it sees (see
   * readStoreHorizon), and concurrent ingestions never deadlock on each other's rollup rows.
   * SQLite needs nothing: its transactions take the write lock at BEGIN (lib/sqlite-adapter.ts).
   */
  serialize?: boolean;
};

/** A connection with a transaction begun on it; `release` hands it back once COMMIT or ROLLBACK was sent. */
export type OpenTransaction<Q extends Queryable> = { tx: Q; release: (committed: boolean) => Promise<void> };

/**
 * Runs `work` in one transaction on the bulk connection: committed when it resolves, rolled back
 * when it throws. A transient failure (busy, a write conflict, a dropped connection) rolls back
 * and runs `work` again with backoff, so `work` must keep its effects inside the transaction.
 */
export function inTransaction<T>(db: Db, work: (tx: Queryable) => Promise<T>, opts: TransactionOptions = {}): Promise<T> {
  const begin = async (): Promise<OpenTransaction<Queryable>> => {
    const tx = await (await db.bulk()).startTransaction();
    // The adapter's commit() only releases the connection; the statement is ours to send.
    return { tx, release: (committed) => (committed ? tx.commit() : tx.rollback()) };
  };
  return inTransactionOn(db, begin, work, opts);
}

/**
 * inTransaction on a connection `begin` opens (one that BEGIN was sent on): the same retries, lock,
 * COMMIT and ROLLBACK, whatever the driver. lib/ingest/copy-connection.ts runs COPY this way.
 */
export function inTransactionOn<Q extends Queryable, T>(db: Db, begin: () => Promise<OpenTransaction<Q>>, work: (tx: Q) => Promise<T>, opts: TransactionOptions = {}): Promise<T> {
  return retryTransient(async () => {
    const { tx, release } = await begin();
    try {
      // executeRaw: the function returns void, a type the adapter cannot read back.
      if (opts.serialize && db.kind === 'postgresql') await execute(tx, 'SELECT pg_advisory_xact_lock($1)', [STORE_LOCK_KEY]);
      const result = await work(tx);
      await execute(tx, 'COMMIT');
      await release(true);
      return result;
    } catch (error) {
      await execute(tx, 'ROLLBACK').catch(() => undefined);
      await release(false);
      throw error;
    }
  });
}

/**
 * The highest StageRun id below which every run is committed: the point up to which a reader by
 * id (the admission pass) may move its cursor. Taken between two store transactions.
 */
export function readStoreHorizon(db: Db): Promise<number> {
  return inTransaction(
    db,
    async (tx) => (await queryRows<{ top: number | null }>(tx, 'SELECT MAX("id") AS "top" FROM "StageRun"', []))[0]?.top ?? 0,
    { serialize: true },
  );
}
