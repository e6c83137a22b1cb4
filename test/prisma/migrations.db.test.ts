import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openDb } from '../../lib/db';
import {
  applyMigrations, derivePostgresSchema, diffSchemas, layout, migrationChecksum, pendingSchemaSteps, readMigrations, writeMigration,
} from '../../prisma/tools/migrations';
import { providerOf } from '../../prisma/tools/schema-engine';
import { EXPECTED_KIND, createTestDb, type TestDb } from '../helpers/db';

const sqliteSource = readFileSync(layout.sqlite.schema, 'utf8');
const opened: TestDb[] = [];
const scratch = mkdtempSync(path.join(os.tmpdir(), 'rollscope-migrations-'));
afterAll(async () => {
  await Promise.all(opened.map((t) => t.close()));
  rmSync(scratch, { recursive: true, force: true });
});

describe('schema variants and migration history', () => {
  it('keeps the PostgreSQL schema derived from the SQLite source of truth', () => {
    expect(readFileSync(layout.postgresql.schema, 'utf8')).toBe(derivePostgresSchema(sqliteSource));
  });

  it('has a migration for every schema change (newest snapshot equals the schema) on both databases', async () => {
    for (const provider of ['sqlite', 'postgresql'] as const) {
      const history = await readMigrations(provider);
      expect(history.length).toBeGreaterThan(0);
      expect(history.at(-1)!.snapshot).toBe(readFileSync(layout[provider].schema, 'utf8'));
    }
    expect((await readMigrations('sqlite')).map((m) => m.name)).toEqual((await readMigrations('postgresql')).map((m) => m.name));
  });

  it(`records applied migrations in _prisma_migrations as prisma migrate deploy does (${EXPECTED_KIND})`, async () => {
    const t = await createTestDb();
    opened.push(t);
    const rows = await t.db.prisma.$queryRawUnsafe<{ migration_name: string; checksum: string; applied_steps_count: number; finished_at: unknown }[]>(
      'SELECT migration_name, checksum, applied_steps_count, finished_at FROM _prisma_migrations ORDER BY migration_name',
    );
    const history = await readMigrations(providerOf(t.url));
    expect(rows.map((r) => r.migration_name)).toEqual(history.map((m) => m.name));
    expect(rows.map((r) => r.checksum)).toEqual(history.map((m) => migrationChecksum(m.sql)));
    expect(rows.every((r) => Number(r.applied_steps_count) === 1 && r.finished_at !== null)).toBe(true);
    // Re-running applies nothing. (The schema engine wants the SQLite file to itself: close the client first.)
    await t.db.close();
    expect(await applyMigrations(t.url)).toEqual([]);
  });

  it.runIf(EXPECTED_KIND === 'sqlite')('leaves no drift: a database migrated from the files matches the schema', async () => {
    const t = await createTestDb({ chain: false });
    opened.push(t);
    expect(await pendingSchemaSteps(t.url, sqliteSource)).toBe(0);
  });

  it(`creates the next migration from a schema change and applies it, then the client reads and writes (${EXPECTED_KIND})`, async () => {
    const provider = EXPECTED_KIND;
    const base = readFileSync(layout[provider].schema, 'utf8');
    const changed = base.replace('model JobRun {', 'model ProbeNote {\n  id   Int    @id @default(autoincrement())\n  text String\n}\n\nmodel JobRun {');
    const dir = path.join(scratch, provider);
    for (const m of await readMigrations(provider)) await writeMigration({ provider, name: m.name, sql: m.sql, schema: m.snapshot ?? '', migrationsDir: dir });
    const sql = await diffSchemas({ url: `file:${path.join(scratch, 'diff.db')}`, from: base, to: changed, provider });
    expect(sql).toMatch(/CREATE TABLE "ProbeNote"/);
    await writeMigration({ provider, name: '29991231000000_probe_note', sql, schema: changed, migrationsDir: dir });

    const t = await createTestDb({ chain: false });
    opened.push(t);
    expect(await applyMigrations(t.url, { migrationsDir: dir })).toEqual(['29991231000000_probe_note']);
    await t.db.prisma.$executeRawUnsafe(`INSERT INTO "ProbeNote" ("text") VALUES ('hello')`);
    expect(await t.db.prisma.$queryRawUnsafe('SELECT "text" FROM "ProbeNote"')).toEqual([{ text: 'hello' }]);
    await t.db.prisma.owner.create({ data: { id: 'o1', name: 'Team', kind: 'team', email: 't@example.com' } });
    expect(await t.db.prisma.owner.findUniqueOrThrow({ where: { id: 'o1' } })).toMatchObject({ name: 'Team' });
  });

  it('opens SQLite through a relative file: URL resolved once', async () => {
    const db = await openDb(`file:${path.join(scratch, 'plain.db')}`);
    expect(db.kind).toBe('sqlite');
    await db.close();
  });
});
