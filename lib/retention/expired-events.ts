import type { Db } from '../db';
import { execute, inList, queryRows, type Queryable } from '../sql';
import { toDbTimestamp } from '../time/day';

type Expired = { classId: number; n: number | string; first: string | Date; last: string | Date };
type Kept = { id: number; expiredFirst: string | Date | null; expiredLast: string | Date | null };

const ms = (v: string | Date | null) => (v === null ? null : new Date(v).getTime());
const earliest = (a: number | null, b: number) => (a === null ? b : Math.min(a, b));
const latest = (a: number | null, b: number) => (a === null ? b : Math.max(a, b));

/**
 * Adds the classified error events of the rollouts about to be deleted to their classes' expired
 * figures (count, first and last time), in the deleting transaction: the class figures recomputed
 * from the stored events later (class-facts.ts) add them back, so no count drops and firstSeen
 * keeps the earliest event.
 */
export async function addExpiredEvents(db: Db, tx: Queryable, rolloutIds: string[]): Promise<void> {
  const expired = await queryRows<Expired>(
    tx,
    `SELECT "errorClassId" AS "classId", COUNT(*) AS "n", MIN("occurredAt") AS "first", MAX("occurredAt") AS "last"
     FROM "ErrorEvent" WHERE "rolloutId" IN (${inList(db.kind, rolloutIds.length)}) AND "errorClassId" IS NOT NULL
     GROUP BY "errorClassId"`,
    rolloutIds,
  );
  if (expired.length === 0) return;
  const classIds = expired.map((e) => Number(e.classId));
  const kept = await queryRows<Kept>(
    tx,
    `SELECT "id", "expiredFirst", "expiredLast" FROM "ErrorClass" WHERE "id" IN (${inList(db.kind, classIds.length)})`,
    classIds,
  );
  const byId = new Map(kept.map((k) => [Number(k.id), k]));
  const p = db.kind === 'sqlite' ? ['?', '?', '?', '?'] : ['$1', '$2', '$3', '$4'];
  for (const e of expired) {
    const k = byId.get(Number(e.classId));
    const first = earliest(ms(k?.expiredFirst ?? null), ms(e.first)!);
    const last = latest(ms(k?.expiredLast ?? null), ms(e.last)!);
    await execute(
      tx,
      `UPDATE "ErrorClass" SET "expiredEvents" = "expiredEvents" + ${p[0]},
       "expiredFirst" = ${p[1]}, "expiredLast" = ${p[2]} WHERE "id" = ${p[3]}`,
      [Number(e.n), toDbTimestamp(first), toDbTimestamp(last), Number(e.classId)],
    );
  }
}
