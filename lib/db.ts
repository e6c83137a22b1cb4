import { PrismaBetterSqlite3 } from '@prisma/adapter-better-sqlite3';
import { PrismaPg } from '@prisma/adapter-pg';
import type { SqlDriverAdapter } from '@prisma/driver-adapter-utils';
import { getSettings } from './env';
import { serialSqlite } from './sqlite-adapter';
import { PrismaClient as PostgresClient } from './generated/postgresql/client';
import { PrismaClient as SqliteClient } from './generated/sqlite/client';

/**
 * The database handle every lib function takes: the Prisma client, which SQL dialect is behind
 * it, and — for the bulk writes of ingestion (lib/sql.ts) — Prisma's driver adapter itself, which
 * runs multi-row statements about 2.5× faster and in far less memory than the client's raw queries.
 */
export type Db = {
  prisma: SqliteClient;
  kind: 'sqlite' | 'postgresql';
  /** A second connection through the same driver adapter, opened on first use. */
  bulk: () => Promise<SqlDriverAdapter>;
  close: () => Promise<void>;
};

// SQLite's own wait for another process's lock: short, because it blocks this process's event loop;
// past it lib/sqlite-adapter.ts waits with async backoff.
const SQLITE_BUSY_TIMEOUT_MS = 100;
// Prisma's default is to give up starting a transaction after 2 s; a writer waiting its turn is not an error.
const TRANSACTION_OPTIONS = { maxWait: 120_000, timeout: 600_000 };

/** Opens a database from a URL: file:<path> → SQLite, postgresql://… → PostgreSQL. */
export async function openDb(url: string): Promise<Db> {
  const isSqlite = url.startsWith('file:');
  const makeFactory = () => (isSqlite ? serialSqlite(new PrismaBetterSqlite3({ url, timeout: SQLITE_BUSY_TIMEOUT_MS }), url) : new PrismaPg({ connectionString: url }));
  // Both generated clients come from one schema (prisma/schema.prisma and its derived PostgreSQL
  // variant, kept in step by a test), so their model APIs are the same; one type serves both.
  const options = { adapter: makeFactory(), transactionOptions: TRANSACTION_OPTIONS };
  const prisma = isSqlite ? new SqliteClient(options) : (new PostgresClient(options) as unknown as SqliteClient);
  if (isSqlite) {
    // WAL lets the web server read while the scheduler or the CLI writes; NORMAL sync is safe with WAL.
    await prisma.$queryRawUnsafe('PRAGMA journal_mode = WAL');
    await prisma.$executeRawUnsafe('PRAGMA synchronous = NORMAL');
  }
  let bulk: Promise<SqlDriverAdapter> | undefined;
  return {
    prisma,
    kind: isSqlite ? 'sqlite' : 'postgresql',
    bulk: () => {
      bulk ??= makeFactory()
        .connect()
        .then(async (adapter) => {
          if (isSqlite) await adapter.executeScript('PRAGMA synchronous = NORMAL');
          return adapter;
        });
      return bulk;
    },
    close: async () => {
      await prisma.$disconnect();
      if (bulk) await (await bulk).dispose();
      bulk = undefined;
    },
  };
}

const globalForDb = globalThis as unknown as { rollscopeDb?: Promise<Db> };

/** The process's database (DATABASE_URL), opened once and cached across hot reloads. */
export function getDb(): Promise<Db> {
  globalForDb.rollscopeDb ??= openDb(getSettings().databaseUrl);
  return globalForDb.rollscopeDb;
}
