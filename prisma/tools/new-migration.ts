// npm run db:migration -- <name> — creates the next migration, offline, for SQLite and PostgreSQL:
// the SQL is Prisma's own diff (WebAssembly schema engine) from the schema snapshot kept with the
// previous migration to the current prisma/schema.prisma. Run `npm run db:generate` first.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { derivePostgresSchema, diffSchemas, layout, readMigrations, timestampName, writeMigration } from './migrations';
import type { Provider } from './schema-engine';

const name = process.argv[2];
if (!name) {
  console.error('usage: npm run db:migration -- <name>   (e.g. add_rollout_owner)');
  process.exit(2);
}

const source = await readFile(layout.sqlite.schema, 'utf8');
const schemas: Record<Provider, string> = { sqlite: source, postgresql: derivePostgresSchema(source) };
const scratch = await mkdtemp(path.join(os.tmpdir(), 'rollscope-migration-'));
const folder = timestampName(new Date(), name);
try {
  for (const provider of ['sqlite', 'postgresql'] as const) {
    const history = await readMigrations(provider);
    const last = history.at(-1);
    if (last && last.snapshot === null) throw new Error(`${provider}: migration ${last.name} has no ${'schema.prisma'} snapshot`);
    // A diff between two datamodels touches no database: a scratch SQLite file carries the engine.
    const sql = await diffSchemas({ url: `file:${path.join(scratch, 'diff.db')}`, from: last?.snapshot ?? null, to: schemas[provider], provider });
    if (!sql.trim() || /^-- This is an empty migration\.?\s*$/.test(sql.trim())) {
      console.log(`${provider}: the schema matches the last migration; nothing to create.`);
      continue;
    }
    console.log(`${provider}: wrote ${path.relative(process.cwd(), await writeMigration({ provider, name: folder, sql, schema: schemas[provider] }))}`);
  }
} finally {
  await rm(scratch, { recursive: true, force: true });
}
