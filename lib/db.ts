import { PrismaBetterSqlite3 } from '@prisma/adapter-better-sqlite3';
import { PrismaPg } from '@prisma/adapter-pg';
import { getSettings } from './env';
import { PrismaClient as PostgresClient } from './generated/postgresql/client';
import { PrismaClient as SqliteClient } from './generated/sqlite/client';

/**
 * The database handle every lib function takes: the Prisma client plus which SQL dialect is
 * behind it (for the few raw-SQL modules that keep both dialects side by side).
 */
export type Db = { prisma: SqliteClient; kind: 'sqlite' | 'postgresql' };
export type DbTransaction = Parameters<Parameters<SqliteClient['$transaction']>[0]>[0];

/** Opens a database from a URL: file:<path> → SQLite, postgresql://… → PostgreSQL. */
export async function openDb(url: string): Promise<Db> {
  if (url.startsWith('file:')) {
    const prisma = new SqliteClient({ adapter: new PrismaBetterSqlite3({ url }) });
    // WAL lets the web server read while the scheduler or the CLI writes; NORMAL sync is safe with WAL.
    await prisma.$executeRawUnsafe('PRAGMA busy_timeout = 10000');
    await prisma.$queryRawUnsafe('PRAGMA journal_mode = WAL');
    await prisma.$executeRawUnsafe('PRAGMA synchronous = NORMAL');
    return { prisma, kind: 'sqlite' };
  }
  // Both generated clients come from one schema (prisma/schema.prisma and its derived PostgreSQL
  // variant, kept in step by a test), so their model APIs are the same; one type serves both.
  const prisma = new PostgresClient({ adapter: new PrismaPg({ connectionString: url }) }) as unknown as SqliteClient;
  return { prisma, kind: 'postgresql' };
}

const globalForDb = globalThis as unknown as { rollscopeDb?: Promise<Db> };

/** The process's database (DATABASE_URL), opened once and cached across hot reloads. */
export function getDb(): Promise<Db> {
  globalForDb.rollscopeDb ??= openDb(getSettings().databaseUrl);
  return globalForDb.rollscopeDb;
}
