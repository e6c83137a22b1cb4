// npm run db:generate — writes the PostgreSQL schema variant from prisma/schema.prisma and
// generates both Prisma clients (lib/generated/{sqlite,postgresql}), offline.
import { execFileSync } from 'node:child_process';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { PRISMA_DIR, derivePostgresSchema, layout } from './migrations';

const source = await readFile(layout.sqlite.schema, 'utf8');
await mkdir(path.dirname(layout.postgresql.schema), { recursive: true });
await writeFile(layout.postgresql.schema, derivePostgresSchema(source));

const prismaBin = path.resolve(PRISMA_DIR, '..', 'node_modules', '.bin', 'prisma');
for (const schema of [layout.sqlite.schema, layout.postgresql.schema]) {
  execFileSync(prismaBin, ['generate', '--config', path.join(PRISMA_DIR, 'prisma.config.ts'), '--schema', schema], {
    stdio: ['ignore', 'ignore', 'inherit'],
    env: { ...process.env, PRISMA_HIDE_UPDATE_MESSAGE: '1', CHECKPOINT_DISABLE: '1' },
  });
}
console.log('Generated lib/generated/sqlite and lib/generated/postgresql');
