import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { NO_FILTERS, engineError, openSchemaEngine, providerOf, type Provider } from './schema-engine';

/** prisma/ : the folder holding the schema and both migration histories. */
export const PRISMA_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const SCHEMA_SNAPSHOT = 'schema.prisma';

export const layout = {
  sqlite: { schema: path.join(PRISMA_DIR, 'schema.prisma'), migrations: path.join(PRISMA_DIR, 'migrations') },
  postgresql: {
    schema: path.join(PRISMA_DIR, 'postgresql', 'schema.prisma'),
    migrations: path.join(PRISMA_DIR, 'postgresql', 'migrations'),
  },
} as const;

const VARIANT_HEADER = [
  '// GENERATED from prisma/schema.prisma by `npm run db:generate`: do not edit.',
  '// The PostgreSQL variant of the Rollscope data model.',
].join('\n');

/** Derives the PostgreSQL schema from the SQLite source of truth: same models, other provider. */
export function derivePostgresSchema(sqliteSchema: string): string {
  const body = sqliteSchema.replace(/^(\/\/[^\n]*\n)+/, '');
  const replaced = body
    .replace(/provider = "sqlite"/, 'provider = "postgresql"')
    .replace('output       = "../lib/generated/sqlite"', 'output       = "../../lib/generated/postgresql"');
  if (replaced === body || !replaced.includes('"postgresql"') || !replaced.includes('generated/postgresql')) {
    throw new Error('prisma/schema.prisma: cannot find the sqlite provider or the generator output to rewrite');
  }
  return `${VARIANT_HEADER}\n${replaced}`;
}

export type MigrationDir = { name: string; sql: string; snapshot: string | null };

/** The migrations of one provider, oldest first. */
export async function readMigrations(provider: Provider, dir: string = layout[provider].migrations): Promise<MigrationDir[]> {
  if (!existsSync(dir)) return [];
  const names = (await readdir(dir, { withFileTypes: true }))
    .filter((e) => e.isDirectory() && /^\d{14}_/.test(e.name))
    .map((e) => e.name)
    .sort();
  return Promise.all(
    names.map(async (name) => {
      const sql = await readFile(path.join(dir, name, 'migration.sql'), 'utf8');
      const snapshotPath = path.join(dir, name, SCHEMA_SNAPSHOT);
      const snapshot = existsSync(snapshotPath) ? await readFile(snapshotPath, 'utf8') : null;
      return { name, sql, snapshot };
    }),
  );
}

function migrationsList(provider: Provider, baseDir: string, migrations: MigrationDir[]) {
  return {
    baseDir,
    lockfile: { path: 'migration_lock.toml', content: `provider = "${provider}"` },
    migrationDirectories: migrations.map((m) => ({
      path: m.name,
      migrationFile: { path: 'migration.sql', content: { tag: 'ok' as const, value: m.sql } },
    })),
    shadowDbInitScript: '',
  };
}

/** Creates the PostgreSQL database named in the URL when it does not exist (the engine does not). */
async function ensurePostgresDatabase(url: string): Promise<void> {
  const target = new URL(url);
  const name = decodeURIComponent(target.pathname.slice(1));
  const admin = new URL(url);
  admin.pathname = '/postgres';
  const client = new pg.Client({ connectionString: admin.toString() });
  await client.connect();
  try {
    const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (found.rowCount === 0) await client.query(`CREATE DATABASE "${name.replace(/"/g, '""')}"`);
  } finally {
    await client.end();
  }
}

/**
 * Applies the pending migrations to the database at `url` and records them in _prisma_migrations,
 * exactly as `prisma migrate deploy` does. Returns the names applied now.
 */
export async function applyMigrations(url: string, opts: { migrationsDir?: string } = {}): Promise<string[]> {
  const provider = providerOf(url);
  const dir = opts.migrationsDir ?? layout[provider].migrations;
  if (provider === 'sqlite') await mkdir(path.dirname(url.slice('file:'.length)), { recursive: true });
  else await ensurePostgresDatabase(url);
  const schemaPath = layout[provider].schema;
  const { engine, close } = await openSchemaEngine({ url, schemaPath, schemaText: await readFile(schemaPath, 'utf8') });
  try {
    const list = migrationsList(provider, dir, await readMigrations(provider, dir));
    const out = await engine.applyMigrations({ migrationsList: list, filters: NO_FILTERS });
    return out.appliedMigrationNames;
  } catch (error) {
    throw engineError(error);
  } finally {
    await close();
  }
}

/** Drift check: how many steps it would take to bring the database at `url` to `schemaText`. */
export async function pendingSchemaSteps(url: string, schemaText: string): Promise<number> {
  const provider = providerOf(url);
  const { engine, close } = await openSchemaEngine({ url, schemaPath: layout[provider].schema, schemaText });
  try {
    // `schemaDatasource` means "the database the engine is connected to", introspected.
    const result = await engine.diff({
      from: { tag: 'schemaDatasource', files: [{ path: layout[provider].schema, content: schemaText }], configDir: PRISMA_DIR },
      to: { tag: 'schemaDatamodel', files: [{ path: layout[provider].schema, content: schemaText }] },
      script: true,
      exitCode: true,
      filters: NO_FILTERS,
    });
    return result.exitCode === 2 ? (result.stdout ?? '').split(/^-- /m).length - 1 : 0;
  } catch (error) {
    throw engineError(error);
  } finally {
    await close();
  }
}

/** SQL that takes a database from the `from` datamodel (or nothing) to the `to` datamodel. */
export async function diffSchemas(opts: { url: string; from: string | null; to: string; provider: Provider }): Promise<string> {
  const schemaPath = layout[opts.provider].schema;
  const { engine, close } = await openSchemaEngine({ url: opts.url, schemaPath, schemaText: opts.to });
  const file = (content: string) => ({ tag: 'schemaDatamodel' as const, files: [{ path: schemaPath, content }] });
  try {
    const result = await engine.diff({
      from: opts.from === null ? { tag: 'empty' } : file(opts.from),
      to: file(opts.to),
      script: true,
      exitCode: null,
      filters: NO_FILTERS,
    });
    return result.stdout ?? '';
  } catch (error) {
    throw engineError(error);
  } finally {
    await close();
  }
}

export function migrationChecksum(sql: string): string {
  return createHash('sha256').update(sql).digest('hex');
}

export function timestampName(now: Date, name: string): string {
  const slug = name.toLowerCase().replace(/[^a-z0-9]+/g, '_').replace(/^_|_$/g, '') || 'migration';
  const stamp = now.toISOString().replace(/[-:T]/g, '').slice(0, 14);
  return `${stamp}_${slug}`;
}

/** Writes one migration folder with its SQL and the schema it was generated from. */
export async function writeMigration(opts: { provider: Provider; name: string; sql: string; schema: string; migrationsDir?: string }): Promise<string> {
  const { provider, name, sql, schema } = opts;
  const base = opts.migrationsDir ?? layout[provider].migrations;
  const dir = path.join(base, name);
  await mkdir(dir, { recursive: true });
  await writeFile(path.join(dir, 'migration.sql'), sql);
  await writeFile(path.join(dir, SCHEMA_SNAPSHOT), schema);
  await writeFile(
    path.join(base, 'migration_lock.toml'),
    `# Please do not edit this file manually\n# It should be added in your version-control system (e.g., Git)\nprovider = "${provider}"\n`,
  );
  return dir;
}
