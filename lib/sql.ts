import type { Db } from './db';

/**
 * Multi-row INSERT statements for both dialects. Bulk writes go through here because Prisma's
 * createMany is several times slower than one parameterised multi-row INSERT per chunk.
 */
export type Column = { name: string; pgType?: string };

type Runner = Pick<Db['prisma'], '$executeRawUnsafe' | '$queryRawUnsafe'>;

// SQLite allows 32,766 bound parameters per statement and PostgreSQL 65,535; stay well below.
const MAX_PARAMS = 16_000;

function quote(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** Builds `INSERT INTO t (cols) VALUES (...),(...) <suffix>` with the dialect's placeholders. */
export function buildInsert(kind: Db['kind'], table: string, columns: readonly Column[], rowCount: number, suffix: string): string {
  const tuples: string[] = [];
  let n = 0;
  for (let r = 0; r < rowCount; r += 1) {
    const cells = columns.map((c) => {
      n += 1;
      if (kind === 'sqlite') return '?';
      return c.pgType ? `$${n}::${c.pgType}` : `$${n}`;
    });
    tuples.push(`(${cells.join(',')})`);
  }
  return `INSERT INTO ${quote(table)} (${columns.map((c) => quote(c.name)).join(',')}) VALUES ${tuples.join(',')} ${suffix}`;
}

/** Rows per statement for a column count. */
export function chunkRows(columnCount: number): number {
  return Math.max(1, Math.floor(MAX_PARAMS / columnCount));
}

/** Inserts rows in chunks; returns the rows of `RETURNING` when the suffix has one. */
export async function insertRows<T = unknown>(
  run: Runner,
  kind: Db['kind'],
  spec: { table: string; columns: readonly Column[]; suffix: string },
  rows: readonly unknown[][],
): Promise<T[]> {
  const out: T[] = [];
  const size = chunkRows(spec.columns.length);
  const returning = /\bRETURNING\b/i.test(spec.suffix);
  for (let i = 0; i < rows.length; i += size) {
    const chunk = rows.slice(i, i + size);
    const sql = buildInsert(kind, spec.table, spec.columns, chunk.length, spec.suffix);
    const params = chunk.flat();
    if (returning) out.push(...(await run.$queryRawUnsafe<T[]>(sql, ...params)));
    else await run.$executeRawUnsafe(sql, ...params);
  }
  return out;
}

/** `IN (...)` placeholders starting after `offset` bound parameters. */
export function inList(kind: Db['kind'], count: number, offset = 0): string {
  return Array.from({ length: count }, (_, i) => (kind === 'sqlite' ? '?' : `$${offset + i + 1}`)).join(',');
}
