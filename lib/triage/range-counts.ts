import type { Db } from '../db';

/** One class's figures over a range of days: its events and the distinct rollouts they belong to. */
export type RangeCount = { classId: number; events: number; rollouts: number };
type Days = { from: string; to: string };
type Row = { classId: number | bigint; events: number | bigint; rollouts: number | bigint };

const toCounts = (rows: Row[]): RangeCount[] =>
  rows.map((r) => ({ classId: Number(r.classId), events: Number(r.events), rollouts: Number(r.rollouts) }));

/**
 * Each class's events and distinct rollouts on the days `from`–`to`. Without a service, from the
 * per-class-per-day rollup (lib/classify/class-days.ts): a row per class and day, and the rollouts
 * with events of one class on several days counted once (Σ daily rollouts − Σ (days in range − 1) of
 * those pairs). One service's are counted from its events (index on service, day): one row per class
 * comes back, not one per class and rollout. The same SQL serves SQLite and PostgreSQL.
 */
export async function countClassesInRange(db: Db, days: Days, service?: string): Promise<RangeCount[]> {
  if (service !== undefined) {
    return toCounts(await db.prisma.$queryRaw<Row[]>`
      SELECT "errorClassId" AS "classId", COUNT(*) AS "events", COUNT(DISTINCT "rolloutId") AS "rollouts" FROM "ErrorEvent"
      WHERE "errorClassId" IS NOT NULL AND "service" = ${service} AND "day" >= ${days.from} AND "day" <= ${days.to}
      GROUP BY "errorClassId"`);
  }
  const [daily, repeated] = await Promise.all([
    db.prisma.$queryRaw<Row[]>`
      SELECT "errorClassId" AS "classId", SUM("events") AS "events", SUM("rollouts") AS "rollouts" FROM "ErrorClassDay"
      WHERE "day" >= ${days.from} AND "day" <= ${days.to} GROUP BY "errorClassId"`,
    db.prisma.$queryRaw<{ classId: number | bigint; extra: number | bigint }[]>`
      SELECT "errorClassId" AS "classId", COUNT(*) - COUNT(DISTINCT "rolloutId") AS "extra" FROM "ErrorClassRolloutDay"
      WHERE "day" >= ${days.from} AND "day" <= ${days.to} GROUP BY "errorClassId"`,
  ]);
  const extra = new Map(repeated.map((r) => [Number(r.classId), Number(r.extra)]));
  return toCounts(daily).map((c) => ({ ...c, rollouts: c.rollouts - (extra.get(c.classId) ?? 0) }));
}

/** Each class's events on the days `from`–`to`, from the per-class-per-day rollup (all services). */
export async function countClassEventsInRange(db: Db, days: Days): Promise<Map<number, number>> {
  const rows = await db.prisma.errorClassDay.groupBy({ by: ['errorClassId'], where: { day: { gte: days.from, lte: days.to } }, _sum: { events: true } });
  return new Map(rows.map((r) => [r.errorClassId, r._sum.events ?? 0]));
}
