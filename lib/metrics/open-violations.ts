import type { Db } from '../db';
import { toDbTimestamp } from '../time/day';

type Row = { f: number | bigint; r: number | bigint; a: number | bigint; n: number | bigint };
const COLUMNS = ['firstSeen', 'resolvedAt', 'acknowledgedAt'] as const;

/**
 * How many admission violations were open just before each instant of `ends` (exclusive ends of weeks).
 * Open at `at`: first seen before it, and neither resolved nor acknowledged before it; a violation
 * resolved or acknowledged without a time was closed all along (lib/metrics/open-at.ts violationSpans).
 * The database puts each of the three times in the interval between ends it falls in and counts the
 * violations per combination: a few hundred rows come back however many violations there are.
 */
export async function countOpenViolations(db: Db, ends: readonly number[]): Promise<Map<number, number>> {
  const sorted = [...new Set(ends)].sort((x, y) => x - y);
  if (sorted.length === 0) return new Map();
  const n = sorted.length;
  const stamps = sorted.map(toDbTimestamp);
  const sqlite = db.kind === 'sqlite';
  // SQLite binds `?` in order, so the ends are passed once per column; PostgreSQL names each once.
  const at = (i: number) => (sqlite ? '?' : `$${i + 1}::timestamp(3)`);
  // Interval k: before ends[k] and not before ends[k - 1]; n: not before the last end, or no time at all.
  const interval = (column: string) => `CASE ${stamps.map((_, i) => `WHEN "${column}" < ${at(i)} THEN ${i}`).join(' ')} ELSE ${n} END`;
  const [first, last] = [at(n), at(n + 1)];
  // Only the violations that can be open at some end: first seen before the last, not closed before the first.
  const sql = `SELECT ${COLUMNS.map((c, i) => `${interval(c)} AS "${'fra'[i]}"`).join(', ')}, COUNT(*) AS "n" FROM "AdmissionViolation"
    WHERE ("status" = 'open' OR "resolvedAt" IS NOT NULL OR "acknowledgedAt" IS NOT NULL) AND "firstSeen" < ${last}
      AND ("resolvedAt" IS NULL OR "resolvedAt" >= ${first}) AND ("acknowledgedAt" IS NULL OR "acknowledgedAt" >= ${first})
    GROUP BY 1, 2, 3`;
  const bounds = [stamps[0]!, stamps[n - 1]!];
  const args = sqlite ? [...stamps, ...stamps, ...stamps, bounds[1], bounds[0], bounds[0]] : [...stamps, ...bounds];
  const rows = await db.prisma.$queryRawUnsafe<Row[]>(sql, ...args);
  const open = new Array<number>(n).fill(0);
  for (const row of rows) {
    const [f, r, a, count] = [Number(row.f), Number(row.r), Number(row.a), Number(row.n)];
    // Open at end k: first seen before it (f <= k), and closed, if at all, not before it (r, a > k).
    for (let k = f; k < Math.min(r, a); k += 1) open[k] = open[k]! + count;
  }
  return new Map(sorted.map((end, k) => [end, open[k]!]));
}
