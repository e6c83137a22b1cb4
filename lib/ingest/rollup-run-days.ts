import type { Db } from '../db';
import { execute, type Queryable } from '../sql';

/** A stored stage run as the day spans need it. */
export type RunDay = { id: number; day: string };
/** StageRun ids `fromId`–`toId` (inclusive) hold runs of `day` (and maybe of other days). */
export type DaySpan = { day: string; fromId: number; toId: number };

/** Each day's lowest and highest id among `runs`, in order of day. */
export function computeDaySpans(runs: readonly RunDay[]): DaySpan[] {
  const byDay = new Map<string, DaySpan>();
  for (const { id, day } of runs) {
    const span = byDay.get(day);
    if (!span) byDay.set(day, { day, fromId: id, toId: id });
    else {
      if (id < span.fromId) span.fromId = id;
      if (id > span.toId) span.toId = id;
    }
  }
  return [...byDay.values()].sort((a, b) => (a.day < b.day ? -1 : a.day > b.day ? 1 : 0));
}

/**
 * Records, in the store's transaction, where the stage runs just inserted lie (call it with every
 * inserted run, `{ id, day }`): each day's span of them extends a span of that day it touches or
 * overlaps, or becomes a new one. Spans only ever grow, so concurrent stores never uncover a run.
 */
export async function addRunDaySpans(tx: Queryable, kind: Db['kind'], runs: readonly RunDay[]): Promise<void> {
  const [greatest, p] = kind === 'sqlite'
    ? ['MAX', ['?', '?', '?', '?']]
    : ['GREATEST', ['$1::integer', '$2', '$3::integer', '$4::integer']];
  for (const span of computeDaySpans(runs)) {
    const extended = await execute(
      tx,
      `UPDATE "StageRunDaySpan" SET "toId" = ${greatest}("toId", ${p[0]})
       WHERE "day" = ${p[1]} AND "fromId" <= ${p[2]} AND "toId" >= ${p[3]}`,
      [span.toId, span.day, span.fromId, span.fromId - 1],
    );
    if (extended > 0) continue;
    await execute(
      tx,
      `INSERT INTO "StageRunDaySpan" ("day","fromId","toId")
       VALUES (${kind === 'sqlite' ? '?,?,?' : '$1,$2::integer,$3::integer'})
       ON CONFLICT ("day","fromId") DO UPDATE SET "toId" = ${greatest}("StageRunDaySpan"."toId", excluded."toId")`,
      [span.day, span.fromId, span.toId],
    );
  }
}
