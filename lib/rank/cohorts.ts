import type { Db } from '../db';
import { inChunks, inList } from '../sql';

/**
 * Record attributes that name a rollout's cohort — rollouts that share a release, version, image or
 * commit — in order of preference: a rollout's cohort is the first of these any of its runs carries.
 */
export const COHORT_ATTRS = ['release', 'version', 'image', 'commit'] as const;
const CHUNK = 500;

type Row = { rolloutId: string } & Record<`a${number}`, unknown>;

function extract(kind: Db['kind'], attr: string, i: number): string {
  // Attribute names are the constants above, never user input.
  return kind === 'sqlite' ? `json_extract("attrs", '$.${attr}') AS "a${i}"` : `("attrs"->>'${attr}') AS "a${i}"`;
}

/** The cohort of each rollout that has one (see COHORT_ATTRS). */
export async function readCohorts(db: Db, rolloutIds: readonly string[], attrs: readonly string[] = COHORT_ATTRS): Promise<Map<string, string>> {
  const columns = attrs.map((a, i) => extract(db.kind, a, i)).join(', ');
  const rows = await inChunks(rolloutIds, CHUNK, (chunk) =>
    db.prisma.$queryRawUnsafe<Row[]>(`SELECT DISTINCT "rolloutId", ${columns} FROM "StageRun" WHERE "rolloutId" IN (${inList(db.kind, chunk.length)}) AND "attrs" IS NOT NULL`, ...chunk),
  );
  const best = new Map<string, { rank: number; value: string }>();
  for (const row of rows) {
    for (let i = 0; i < attrs.length; i++) {
      const v = row[`a${i}`];
      if (v === null || v === undefined || v === '') continue;
      const seen = best.get(row.rolloutId);
      if (!seen || i < seen.rank) best.set(row.rolloutId, { rank: i, value: `${attrs[i]} ${String(v)}` });
      break;
    }
  }
  return new Map([...best].map(([id, { value }]) => [id, value]));
}
