import type { Db } from '../db';
import { execute, type Queryable } from '../sql';

/**
 * The per-class rollup of stored error events by stage, service and host (ErrorClassFacet), the
 * class page's breakdown. Counts are additive, so every write that puts events in a class, moves
 * them between classes or deletes them calls one function here in its own transaction, before its
 * UPDATE or DELETE: the events it is about to change are taken off their current class and counted
 * in their new one, set-based in SQL (the same statements on both databases). Rows that fall to
 * zero stay (the class may see the key again); readers skip them.
 */

/** Prisma's interactive transaction (or client), as the classification writers hold it. */
type PrismaTx = { $executeRawUnsafe: (sql: string, ...args: unknown[]) => PromiseLike<number> };
/** Either kind of transaction the writers run in. */
export type FacetTx = PrismaTx | Queryable;

/** The events a write is about to change: a condition on ErrorEvent with `?` placeholders for `args`. */
export type FacetEvents = { where: string; args: readonly unknown[] };

const run = (tx: FacetTx, sql: string, args: readonly unknown[]): Promise<number> =>
  '$executeRawUnsafe' in tx ? Promise.resolve(tx.$executeRawUnsafe(sql, ...args)) : execute(tx, sql, [...args]);

/** `?` placeholders as the database numbers them. */
function numbered(kind: Db['kind'], sql: string): string {
  let n = 0;
  return kind === 'sqlite' ? sql : sql.replace(/\?/g, () => `$${++n}`);
}

// Each event matching the condition (only the classified ones, or all), once per facet, with its key there (null: no host).
const FACETS = (where: string, classified = true) => `SELECT e."errorClassId" AS "classId", f.column1 AS "facet",
    CASE f.column1 WHEN 'stage' THEN e."stageKey" WHEN 'service' THEN e."service" ELSE e."host" END AS "key"
  FROM "ErrorEvent" e CROSS JOIN (VALUES ('stage'), ('service'), ('host')) f
  WHERE ${classified ? 'e."errorClassId" IS NOT NULL AND ' : ''}(${where})`;
const ADD = `ON CONFLICT ("errorClassId", "facet", "key") DO UPDATE SET "events" = "ErrorClassFacet"."events" + excluded."events"`;
const INSERT = 'INSERT INTO "ErrorClassFacet" ("errorClassId", "facet", "key", "events")';

/** Takes the events matching `events` off the counts of the classes they are in now. */
async function subtract(kind: Db['kind'], tx: FacetTx, events: FacetEvents): Promise<void> {
  const sql = `${INSERT} SELECT "classId", "facet", "key", -COUNT(*) FROM (${FACETS(events.where)}) s
    WHERE "key" IS NOT NULL GROUP BY "classId", "facet", "key" ${ADD}`;
  await run(tx, numbered(kind, sql), events.args);
}

/**
 * Before the caller puts the events matching `events` in class `to` (null: out of every class):
 * their counts move from the classes they are in now (if any) to `to`. Events already in `to`
 * are taken off and counted again: no change.
 */
export async function moveClassFacets(kind: Db['kind'], tx: FacetTx, events: FacetEvents, to: number | null): Promise<void> {
  await subtract(kind, tx, events);
  if (to === null) return;
  // Every matching event goes to `to`, the unclassified ones too.
  const sql = `${INSERT} SELECT CAST(? AS INTEGER), "facet", "key", COUNT(*) FROM (${FACETS(events.where, false)}) s
    WHERE "key" IS NOT NULL GROUP BY "facet", "key" ${ADD}`;
  await run(tx, numbered(kind, sql), [to, ...events.args]);
}

/** Before the caller deletes the events matching `events`: they leave their classes' counts. */
export function dropClassFacets(kind: Db['kind'], tx: FacetTx, events: FacetEvents): Promise<void> {
  return subtract(kind, tx, events);
}

/** Counts the whole rollup again from ErrorEvent (a new miner version moves any event; the migration backfilled it so too). */
export async function rebuildClassFacets(tx: FacetTx): Promise<void> {
  await run(tx, 'DELETE FROM "ErrorClassFacet"', []);
  await run(tx, `${INSERT} SELECT "classId", "facet", "key", COUNT(*) FROM (${FACETS('1 = 1')}) s
    WHERE "key" IS NOT NULL GROUP BY "classId", "facet", "key"`, []);
}
