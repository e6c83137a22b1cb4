// npm run db:migrate — applies pending migrations to DATABASE_URL offline, recording them in
// _prisma_migrations exactly as `prisma migrate deploy` does.
import { parseSettings } from '../../lib/env';
import { applyMigrations } from './migrations';

const settings = parseSettings();
const applied = await applyMigrations(settings.databaseUrl);
const where = settings.sqlitePath ?? settings.databaseUrl.replace(/\/\/[^@]*@/, '//');
console.log(applied.length ? `Applied ${applied.length} migration(s) to ${where}: ${applied.join(', ')}` : `Database ${where} is up to date.`);
