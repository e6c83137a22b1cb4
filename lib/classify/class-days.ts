import type { Db } from '../db';
import { execute, inList, queryRows, type Queryable } from '../sql';

/**
 * The per-class-per-day rollup of error events (ErrorClassDay: events and distinct rollouts) and
 * the days of the class and rollout pairs seen on two days or more (ErrorClassRolloutDay), which
 * make a range's distinct rollouts exact: Σ daily rollouts − Σ over those pairs (days in range − 1).
 * Every write that puts events in a class, moves them or deletes them calls one of the refreshes
 * below in its own transaction, with what it touched; each recounts the rows of those keys from
 * ErrorEvent (set-based, the same SQL on both databases), so a refresh is exact whatever the
 * previous state of the rows was, and running it twice changes nothing.
 */

/** Where an event is (or was) counted: its class, day and rollout. */
export type ClassDayKey = { classId: number; day: string; rolloutId: string };

/** Prisma's interactive transaction (or client), as the classification writers hold it. */
type PrismaTx = {
  $executeRawUnsafe: (sql: string, ...args: unknown[]) => PromiseLike<number>;
  $queryRawUnsafe: <T = unknown>(sql: string, ...args: unknown[]) => PromiseLike<T>;
};
/** Either kind of transaction the writers run in. */
export type ClassDayTx = PrismaTx | Queryable;

// Keys per statement: two bound parameters each, 4,000 in all (SQLite allows 32,766). Fewer, larger
// statements measured ~25% cheaper per event than chunks of 500 keys at the classification after ingest.
const KEY_CHUNK = 2000;

type Runner = { run: (sql: string, args: unknown[]) => Promise<unknown>; rows: <T>(sql: string, args: unknown[]) => Promise<T[]> };

function runnerOf(tx: ClassDayTx): Runner {
  if ('$executeRawUnsafe' in tx) {
    return {
      run: async (sql, args) => tx.$executeRawUnsafe(sql, ...args),
      rows: async <T>(sql: string, args: unknown[]) => tx.$queryRawUnsafe<T[]>(sql, ...args),
    };
  }
  return { run: (sql, args) => execute(tx, sql, args), rows: (sql, args) => queryRows(tx, sql, args) };
}

/** Where the recounts read events: all of ErrorEvent, or the events of the keys in a VALUES list, joined. */
type Source = { from: string; where: string };
const ALL: Source = { from: '"ErrorEvent" e', where: '1 = 1' };

const DAY_INSERT = (s: Source) => `INSERT INTO "ErrorClassDay" ("errorClassId", "day", "events", "rollouts")
  SELECT e."errorClassId", e."day", COUNT(*), COUNT(DISTINCT e."rolloutId") FROM ${s.from}
  WHERE e."errorClassId" IS NOT NULL AND ${s.where} GROUP BY e."errorClassId", e."day"`;
// One pass over the pairs' events (a join back to ErrorEvent let PostgreSQL plan a scan of the whole table).
const PAIR_INSERT = (s: Source) => `INSERT INTO "ErrorClassRolloutDay" ("errorClassId", "rolloutId", "day")
  SELECT DISTINCT "errorClassId", "rolloutId", "day" FROM (
    SELECT e."errorClassId", e."rolloutId", e."day", MIN(e."day") OVER pair AS "first", MAX(e."day") OVER pair AS "last"
    FROM ${s.from} WHERE e."errorClassId" IS NOT NULL AND ${s.where} WINDOW pair AS (PARTITION BY e."errorClassId", e."rolloutId")) s
  WHERE "first" < "last"`;

/**
 * `count` keys of (class, `column`) as VALUES joined to their events: both databases then look each
 * key up in an index (SQLite searched row-value IN lists by the class alone). Keys must be distinct.
 */
function keysSource(kind: Db['kind'], column: 'day' | 'rolloutId', count: number): Source {
  const tuples = Array.from({ length: count }, (_, i) => (kind === 'sqlite' ? '(?, ?)' : `($${2 * i + 1}::integer, $${2 * i + 2}::text)`));
  return { from: `(VALUES ${tuples.join(', ')}) k JOIN "ErrorEvent" e ON e."errorClassId" = k.column1 AND e."${column}" = k.column2`, where: '1 = 1' };
}

/** `(errorClassId, column) IN (VALUES …)` for deleting rollup rows by their primary key. */
function keysIn(kind: Db['kind'], column: 'day' | 'rolloutId', count: number): string {
  const tuples = Array.from({ length: count }, (_, i) => (kind === 'sqlite' ? '(?, ?)' : `($${2 * i + 1}::integer, $${2 * i + 2}::text)`));
  return `("errorClassId", "${column}") IN (VALUES ${tuples.join(', ')})`;
}

type Keys = { day: [number, string][]; rolloutId: [number, string][] };

async function refreshKeys(kind: Db['kind'], run: Runner, keys: Keys, added: boolean): Promise<void> {
  for (const column of ['day', 'rolloutId'] as const) {
    const [table, insert] = column === 'day' ? ['ErrorClassDay', DAY_INSERT] : ['ErrorClassRolloutDay', PAIR_INSERT];
    // A pair that only gained events keeps every day it had: its rows are added to, never stale.
    const keep = added && column === 'rolloutId';
    for (let i = 0; i < keys[column].length; i += KEY_CHUNK) {
      const chunk = keys[column].slice(i, i + KEY_CHUNK);
      const args = chunk.flat();
      if (!keep) await run.run(`DELETE FROM "${table}" WHERE ${keysIn(kind, column, chunk.length)}`, args);
      const sql = insert(keysSource(kind, column, chunk.length));
      await run.run(keep ? `${sql} ON CONFLICT ("errorClassId", "rolloutId", "day") DO NOTHING` : sql, args);
    }
  }
}

function distinct<K extends string | number>(keys: readonly ClassDayKey[], second: (k: ClassDayKey) => K): [number, K][] {
  const seen = new Map<string, [number, K]>();
  for (const k of keys) seen.set(`${k.classId}\u0000${second(k)}`, [k.classId, second(k)]);
  return [...seen.values()];
}

/**
 * Recounts the rollup rows of the (class, day) and (class, rollout) keys of `keys` from ErrorEvent.
 * Callers pass where the events they wrote are counted now and where they were counted before.
 * `added`: the keys only gained events (unclassified events put in a class, nothing moved out of
 * them), so the pair rows they have stay and only new ones are written — one index probe per pair
 * less at every classification after ingest.
 */
export async function refreshClassDays(kind: Db['kind'], tx: ClassDayTx, keys: readonly ClassDayKey[], opts: { added?: boolean } = {}): Promise<void> {
  if (keys.length === 0) return;
  const run = runnerOf(tx);
  await refreshKeys(kind, run, { day: distinct(keys, (k) => k.day), rolloutId: distinct(keys, (k) => k.rolloutId) }, opts.added === true);
}

/** Recounts every row of whole classes (a merge moves all their events). */
export async function refreshClassesDays(kind: Db['kind'], tx: ClassDayTx, classIds: readonly number[]): Promise<void> {
  const run = runnerOf(tx);
  const ids = [...new Set(classIds)];
  for (let i = 0; i < ids.length; i += KEY_CHUNK) {
    const chunk = ids.slice(i, i + KEY_CHUNK);
    const filter = `"errorClassId" IN (${inList(kind, chunk.length)})`;
    const source = { from: ALL.from, where: `e.${filter}` };
    await run.run(`DELETE FROM "ErrorClassDay" WHERE ${filter}`, chunk);
    await run.run(DAY_INSERT(source), chunk);
    await run.run(`DELETE FROM "ErrorClassRolloutDay" WHERE ${filter}`, chunk);
    await run.run(PAIR_INSERT(source), chunk);
  }
}

/** Recounts the whole rollup (a new miner version moves any event; the migration backfilled it so too). */
export async function rebuildClassDays(tx: ClassDayTx): Promise<void> {
  const run = runnerOf(tx);
  await run.run('DELETE FROM "ErrorClassDay"', []);
  await run.run(DAY_INSERT(ALL), []);
  await run.run('DELETE FROM "ErrorClassRolloutDay"', []);
  await run.run(PAIR_INSERT(ALL), []);
}

/**
 * Where the classified events matching `where` are counted now (class, day, rollout), read in the
 * writer's transaction before it moves or deletes them. `where` uses `?` placeholders for `args`.
 */
export async function readClassDayKeys(kind: Db['kind'], tx: ClassDayTx, where: string, args: unknown[]): Promise<ClassDayKey[]> {
  let n = 0;
  const sql = `SELECT DISTINCT "errorClassId" AS "classId", "day", "rolloutId" FROM "ErrorEvent" WHERE "errorClassId" IS NOT NULL AND (${where})`;
  const rows = await runnerOf(tx).rows<{ classId: number | bigint; day: string; rolloutId: string }>(kind === 'sqlite' ? sql : sql.replace(/\?/g, () => `$${++n}`), args);
  return rows.map((r) => ({ classId: Number(r.classId), day: r.day, rolloutId: r.rolloutId }));
}
