import type { Db } from '../db';
import { unstorableText } from '../ingest/record';

/**
 * The dashboard's search: rollouts by id (exact, then by prefix), services and hosts by name, error
 * classes by name or template text (substrings). Matching ignores the case of A–Z only, the same on
 * both databases (SQLite's lower() folds ASCII alone; PostgreSQL's does too under the "C" collation).
 * `%`, `_` and `\` in the query are literal characters.
 */
export type SearchResults = {
  q: string;
  /** The stored rollout whose id is exactly q, if any. */
  exactRollout: string | null;
  rollouts: string[];
  services: string[];
  hosts: string[];
  classes: { id: number; title: string; template: string; status: string; eventCount: number }[];
  /** Kinds that had more matches than PER_KIND (the list shows the first). */
  more: { rollouts: boolean; services: boolean; hosts: boolean; classes: boolean };
};

/** Matches listed per kind: a search is for finding one thing, not for reading a table. */
export const PER_KIND = 10;
/** The longest query: longer than any stored id or name (rollouts 200, hosts 255 characters). */
export const MAX_QUERY = 256;

/** A–Z to a–z and nothing else, as both databases' lower() do here. */
export const foldAscii = (s: string): string => s.replace(/[A-Z]/g, (c) => c.toLowerCase());

/** `%`, `_` and the escape character itself made literal for `LIKE … ESCAPE '\'`. */
export const escapeLike = (s: string): string => s.replace(/[\\%_]/g, (c) => `\\${c}`);

/**
 * The least string above every string that starts with `prefix`, in code point order (how SQLite
 * and a "C"-collated PostgreSQL compare text), or null when there is none: the end of an indexed
 * range scan. The last code point is raised by one (past the surrogates); U+10FFFF carries over.
 */
export function prefixUpperBound(prefix: string): string | null {
  const points = [...prefix];
  while (points.length > 0) {
    const last = points.pop()!.codePointAt(0)!;
    if (last < 0x10ffff) return points.join('') + String.fromCodePoint(last === 0xd7ff ? 0xe000 : last + 1);
  }
  return null;
}

const empty = (q: string): SearchResults => ({
  q, exactRollout: null, rollouts: [], services: [], hosts: [], classes: [],
  more: { rollouts: false, services: false, hosts: false, classes: false },
});

/** Text of a column folded as foldAscii does, in the dialect: PostgreSQL's lower() under "C" touches A–Z only. */
const folded = (db: Db, column: string) => (db.kind === 'sqlite' ? `lower(${column})` : `lower(${column} COLLATE "C")`);
/** `?` or `$n`. */
const param = (db: Db, n: number) => (db.kind === 'sqlite' ? '?' : `$${n}`);
/** Code point order on both databases (SQLite compares bytes of UTF-8 already). */
const byText = (db: Db, column: string) => (db.kind === 'sqlite' ? column : `${column} COLLATE "C"`);

/**
 * Names from one column, best matches first: the name itself, then names starting with q, then the
 * rest, each group in code point order. One statement; PER_KIND + 1 rows tell whether there are more.
 */
async function matchNames(db: Db, table: string, column: string, needle: string): Promise<string[]> {
  const col = `"${column}"`;
  const f = folded(db, col);
  const best = `CASE WHEN ${f} = ${param(db, 2)} THEN 0 WHEN ${f} LIKE ${param(db, 3)} ESCAPE '\\' THEN 1 ELSE 2 END`;
  const sql = `SELECT ${col} AS "name" FROM "${table}" WHERE ${f} LIKE ${param(db, 1)} ESCAPE '\\' GROUP BY ${col}
    ORDER BY ${best}, ${byText(db, col)} LIMIT ${PER_KIND + 1}`;
  const like = escapeLike(needle);
  const rows = await db.prisma.$queryRawUnsafe<{ name: string }[]>(sql, `%${like}%`, needle, `${like}%`);
  return rows.map((r) => r.name);
}

type ClassRow = SearchResults['classes'][number];

/** Classes (merged ones left out: their events live in the class they went into) whose name or template holds q. */
async function matchClasses(db: Db, needle: string): Promise<ClassRow[]> {
  const like = (n: number) => `LIKE ${param(db, n)} ESCAPE '\\'`;
  const sql = `SELECT "id", "name", "template", "status", "eventCount" FROM "ErrorClass"
    WHERE "mergedIntoId" IS NULL AND (${folded(db, '"name"')} ${like(1)} OR ${folded(db, '"template"')} ${like(2)})
    ORDER BY "eventCount" DESC, "id" ASC LIMIT ${PER_KIND + 1}`;
  const pattern = `%${escapeLike(needle)}%`;
  type Row = { id: number; name: string | null; template: string; status: string; eventCount: number };
  const rows = await db.prisma.$queryRawUnsafe<Row[]>(sql, pattern, pattern);
  // SQLite hands back 64-bit integers as BigInt.
  return rows.map((r) => ({
    id: Number(r.id), title: r.name ?? r.template, template: r.template, status: r.status, eventCount: Number(r.eventCount),
  }));
}

/** Rollout ids starting with q (case as typed: ids are identifiers), read as a range of the primary key. */
async function matchRolloutPrefix(db: Db, q: string): Promise<string[]> {
  const upper = prefixUpperBound(q);
  const id = { gte: q, ...(upper === null ? {} : { lt: upper }) };
  const rows = await db.prisma.rollout.findMany({
    where: { id }, select: { id: true }, orderBy: { id: 'asc' },
    take: PER_KIND + 1,
  });
  // A database collated otherwise than by code point could return neighbours of the range: keep true prefixes only.
  return rows.map((r) => r.id).filter((id) => id.startsWith(q));
}

/** Everything q finds, at most PER_KIND of each kind. An empty (or blank) query finds nothing. */
export async function searchEverything(db: Db, query: string): Promise<SearchResults> {
  const q = query.trim().slice(0, MAX_QUERY);
  if (q === '' || unstorableText(q) !== null) return empty(q);
  const needle = foldAscii(q);
  const [exact, prefixed, services, hosts, classes] = await Promise.all([
    db.prisma.rollout.findUnique({ where: { id: q }, select: { id: true } }),
    matchRolloutPrefix(db, q),
    matchNames(db, 'Service', 'name', needle),
    matchNames(db, 'HostEnvSeen', 'host', needle),
    matchClasses(db, needle),
  ]);
  const cut = <T>(list: T[]) => list.slice(0, PER_KIND);
  const over = (list: unknown[]) => list.length > PER_KIND;
  return {
    q, exactRollout: exact?.id ?? null,
    rollouts: cut(prefixed), services: cut(services), hosts: cut(hosts), classes: cut(classes),
    more: { rollouts: over(prefixed), services: over(services), hosts: over(hosts), classes: over(classes) },
  };
}

/** Where a search goes straight to: the rollout named exactly, unless a service or host has that very name too. */
export function directHit(r: SearchResults): string | null {
  if (r.exactRollout === null) return null;
  return r.services.includes(r.exactRollout) || r.hosts.includes(r.exactRollout) ? null : r.exactRollout;
}
