import type { Db } from '../db';

/** One class's figures over a range of days: its events and the distinct rollouts they belong to. */
export type RangeCount = { classId: number; events: number; rollouts: number };
type Days = { from: string; to: string };
type Row = { classId: number | bigint; events: number | bigint; rollouts: number | bigint };

const toCounts = (rows: Row[]): RangeCount[] =>
  rows.map((r) => ({ classId: Number(r.classId), events: Number(r.events), rollouts: Number(r.rollouts) }));

/**
 * Each class's events and distinct rollouts on the days `from`–`to` (optionally of one service), counted
 * by the database from the index on (day, errorClassId, rolloutId) alone: one row per class comes back,
 * not one per class and rollout. The same SQL serves SQLite and PostgreSQL.
 */
export async function countClassesInRange(db: Db, days: Days, service?: string): Promise<RangeCount[]> {
  const rows = service === undefined
    ? await db.prisma.$queryRaw<Row[]>`
        SELECT "errorClassId" AS "classId", COUNT(*) AS "events", COUNT(DISTINCT "rolloutId") AS "rollouts" FROM "ErrorEvent"
        WHERE "errorClassId" IS NOT NULL AND "day" >= ${days.from} AND "day" <= ${days.to} GROUP BY "errorClassId"`
    : await db.prisma.$queryRaw<Row[]>`
        SELECT "errorClassId" AS "classId", COUNT(*) AS "events", COUNT(DISTINCT "rolloutId") AS "rollouts" FROM "ErrorEvent"
        WHERE "errorClassId" IS NOT NULL AND "service" = ${service} AND "day" >= ${days.from} AND "day" <= ${days.to}
        GROUP BY "errorClassId"`;
  return toCounts(rows);
}
