import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Db } from '../../lib/db';
import { execute } from '../../lib/sql';
import { applyMigrations, readMigrations, writeMigration } from '../../prisma/tools/migrations';
import { EXPECTED_KIND, TEST_PG_URL } from './db';
import { freshPgDatabase } from './pg-database';

/**
 * For a test of a migration's backfill: a database of this suite's kind (a file for SQLite, a fresh
 * database for PostgreSQL) migrated up to `migration`, not including it, so the test can store rows
 * in the schema before it; `migrateOn` applies the rest (the names applied), `cleanup` removes it all.
 */
export async function databaseBefore(migration: string): Promise<{ url: string; migrateOn: () => Promise<string[]>; cleanup: () => Promise<void> }> {
  const scratch = mkdtempSync(path.join(os.tmpdir(), 'rollscope-backfill-'));
  const before = path.join(scratch, 'before');
  for (const m of (await readMigrations(EXPECTED_KIND)).filter((m) => m.name < migration)) {
    await writeMigration({ provider: EXPECTED_KIND, name: m.name, sql: m.sql, schema: m.snapshot ?? '', migrationsDir: before });
  }
  const fresh = TEST_PG_URL ? freshPgDatabase(TEST_PG_URL, `rollscope_backfill_${process.pid}_${randomBytes(4).toString('hex')}`) : null;
  const url = fresh?.url ?? `file:${path.join(scratch, 'backfill.db')}`;
  await applyMigrations(url, { migrationsDir: before });
  return {
    url,
    migrateOn: () => applyMigrations(url),
    cleanup: async () => {
      await fresh?.drop();
      rmSync(scratch, { recursive: true, force: true });
    },
  };
}

export type Literal = string | number | boolean | null;
const literal = (v: Literal) => (v === null ? 'NULL' : typeof v === 'string' ? `'${v.replace(/'/g, "''")}'` : typeof v === 'boolean' ? (v ? 'TRUE' : 'FALSE') : String(v));

/** Inserts rows as SQL literals, 400 a statement: tables of the schema before a migration, which the generated client does not know. */
export async function insertLiterals(db: Db, table: string, columns: string[], rows: Literal[][]): Promise<void> {
  const q = await db.bulk();
  for (let i = 0; i < rows.length; i += 400) {
    const values = rows.slice(i, i + 400).map((r) => `(${r.map(literal).join(',')})`).join(',');
    await execute(q, `INSERT INTO "${table}" (${columns.map((c) => `"${c}"`).join(',')}) VALUES ${values}`);
  }
}
