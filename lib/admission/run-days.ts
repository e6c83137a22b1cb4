import type { Db } from '../db';
import { queryRows } from '../sql';
import type { DayRange } from './kind';

/** StageRun ids `fromId`–`toId`, inclusive. */
export type IdRange = { fromId: number; toId: number };

/**
 * Ids between two spans read in one statement rather than two: a query per tiny span costs more
 * than reading a few thousand rows of other days beside it.
 */
const JOIN_GAP = 5_000;
/** At most this many ids per statement, so no statement's rows grow with the days asked for. */
const MAX_IDS_PER_READ = 500_000;

/** Sorted, merged ranges covering `spans` (ranges at most `gap` ids apart become one), each at most `max` ids. */
export function mergeIdRanges(spans: readonly IdRange[], gap = JOIN_GAP, max = MAX_IDS_PER_READ): IdRange[] {
  const sorted = [...spans].sort((a, b) => a.fromId - b.fromId);
  const merged: IdRange[] = [];
  for (const s of sorted) {
    const last = merged.at(-1);
    if (last && s.fromId <= last.toId + gap + 1) last.toId = Math.max(last.toId, s.toId);
    else merged.push({ ...s });
  }
  return merged.flatMap((r) => {
    const parts: IdRange[] = [];
    for (let from = r.fromId; from <= r.toId; from += max) {
      parts.push({ fromId: from, toId: Math.min(r.toId, from + max - 1) });
    }
    return parts;
  });
}

/** The StageRun id ranges holding the runs of the days of `range` (StageRunDaySpan, maintained at ingest). */
export async function listRunIdRanges(db: Db, range: DayRange): Promise<IdRange[]> {
  const spans = await db.prisma.stageRunDaySpan.findMany({
    where: { day: { gte: range.from, lte: range.to } },
    select: { fromId: true, toId: true },
  });
  return mergeIdRanges(spans);
}

type RunsSpec = { columns: string; where: string; args: unknown[]; groupBy?: string };

/**
 * The stage runs of the days of `range` (and `where`, SQL over StageRun with `?` placeholders for
 * `args`), read range by range of primary key: no index on "day" and no scan of other days' blocks.
 * Each id range's rows are handed to `onRows` and dropped before the next is read, so a caller that
 * folds them holds at most one read's rows (≤ MAX_IDS_PER_READ), however many days it asks for.
 * With `groupBy`, `columns` may aggregate: the groups are those of each id range, so one group
 * value can come back once per range and the caller folds them.
 */
export async function forEachRunsOfDays<T>(db: Db, range: DayRange, spec: RunsSpec, onRows: (rows: T[]) => void): Promise<void> {
  const q = await db.bulk();
  for (const ids of await listRunIdRanges(db, range)) {
    const args = [ids.fromId, ids.toId, range.from, range.to, ...spec.args];
    let n = 0;
    const sql = `SELECT ${spec.columns} FROM "StageRun"
      WHERE "id" >= ? AND "id" <= ? AND "day" >= ? AND "day" <= ? AND (${spec.where})${spec.groupBy ? ` GROUP BY ${spec.groupBy}` : ''}`;
    onRows(await queryRows<T>(q, db.kind === 'sqlite' ? sql : sql.replace(/\?/g, () => `$${++n}`), args));
  }
}

/** forEachRunsOfDays, every row kept: for reads whose rows are few (grouped, or filtered to a few rollouts). */
export async function readRunsOfDays<T>(db: Db, range: DayRange, spec: RunsSpec): Promise<T[]> {
  const out: T[] = [];
  await forEachRunsOfDays<T>(db, range, spec, (rows) => {
    for (const row of rows) out.push(row);
  });
  return out;
}
