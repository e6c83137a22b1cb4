// Prisma CLI configuration. Lives in prisma/ (top level is kept to the project layout), so pass
// `--config prisma/prisma.config.ts` to the stock CLI; the npm scripts do.
import path from 'node:path';
import { defineConfig } from 'prisma/config';
import { parseSettings } from '../lib/env';

const settings = parseSettings();
const variant = settings.databaseKind === 'sqlite' ? '.' : 'postgresql';

// `prisma generate` only needs *an* engine to exist; point it at our offline stand-in unless the
// user has the native one. See prisma/README.md.
process.env.PRISMA_SCHEMA_ENGINE_BINARY ??= path.join(import.meta.dirname, 'engine', 'schema-engine');

export default defineConfig({
  schema: path.join(import.meta.dirname, variant, 'schema.prisma'),
  migrations: { path: path.join(import.meta.dirname, variant, 'migrations') },
  datasource: { url: settings.databaseUrl },
});
