import type { Db } from '../db';
import { inChunks, inList } from '../sql';

/**
 * Record attributes that name a rollout's cohort — rollouts that share a release, version, image or
 * commit — in order of preference: a rollout's cohort is the first of these any of its runs carries
 * (the smallest value, should its runs disagree).
 */
export const COHORT_ATTRS = ['release', 'version', 'image', 'commit'] as const;
const CHUNK = 500;

/** Row of `cohortColumns`: the smallest non-empty value of each attribute, `c0`… in COHORT_ATTRS order. */
export type CohortRow = Record<`c${number}`, unknown>;

/**
 * Aggregate columns over a group of StageRun rows giving, per attribute, its smallest non-empty
 * value (`c0`, `c1`…). Attribute names are the constants above, never user input.
 */
export function cohortColumns(kind: Db['kind']): string {
  return COHORT_ATTRS.map((a, i) => {
    // As text, compared byte by byte on both databases, so that the smallest is the same everywhere.
    const value = kind === 'sqlite' ? `CAST(json_extract("attrs", '$.${a}') AS TEXT)` : `(("attrs"->>'${a}') COLLATE "C")`;
    return `MIN(NULLIF(${value}, '')) AS "c${i}"`;
  }).join(', ');
}

/** Folds a group's aggregate into what is known of a rollout so far (groups of one rollout from several reads). */
export function mergeCohortRow(into: CohortRow, row: CohortRow): void {
  for (let i = 0; i < COHORT_ATTRS.length; i++) {
    const v = row[`c${i}`];
    if (v === null || v === undefined) continue;
    const seen = into[`c${i}`];
    if (seen === null || seen === undefined || String(v) < String(seen)) into[`c${i}`] = v;
  }
}

/** The cohort named by an aggregate row: the first attribute with a value; null when none has one. */
export function cohortOf(row: CohortRow): string | null {
  for (let i = 0; i < COHORT_ATTRS.length; i++) {
    const v = row[`c${i}`];
    if (v !== null && v !== undefined) return `${COHORT_ATTRS[i]} ${String(v)}`;
  }
  return null;
}

/** The cohort of each rollout that has one (see COHORT_ATTRS), looked up by rollout id. */
export async function readCohorts(db: Db, rolloutIds: readonly string[]): Promise<Map<string, string>> {
  const rows = await inChunks(rolloutIds, CHUNK, (chunk) =>
    db.prisma.$queryRawUnsafe<({ rolloutId: string } & CohortRow)[]>(
      `SELECT "rolloutId", ${cohortColumns(db.kind)} FROM "StageRun" WHERE "rolloutId" IN (${inList(db.kind, chunk.length)}) AND "attrs" IS NOT NULL GROUP BY "rolloutId"`,
      ...chunk,
    ),
  );
  const out = new Map<string, string>();
  for (const row of rows) {
    const cohort = cohortOf(row);
    if (cohort !== null) out.set(row.rolloutId, cohort);
  }
  return out;
}
