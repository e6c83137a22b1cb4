import { PrismaBetterSqlite3 } from '@prisma/adapter-better-sqlite3';
import { PrismaPg } from '@prisma/adapter-pg';
import type { SqlDriverAdapter } from '@prisma/driver-adapter-utils';
import pg from 'pg';
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
  /**
   * PostgreSQL only (null on SQLite): a pool of plain node-postgres connections on the same URL,
   * created on first use, for what the driver adapter cannot do — `COPY … FROM STDIN`
   * (lib/ingest/copy-connection.ts). Its results read like the adapter's (see PG_TYPES).
   */
  pgPool: (() => pg.Pool) | null;
  close: () => Promise<void>;
};

// SQLite's own wait for another process's lock: short, because it blocks this process's event loop;
// past it lib/sqlite-adapter.ts waits with async backoff.
const SQLITE_BUSY_TIMEOUT_MS = 100;
// Prisma's default is to give up starting a transaction after 2 s; a writer waiting its turn is not an error.
const TRANSACTION_OPTIONS = { maxWait: 120_000, timeout: 600_000 };
// Connections of the COPY pool: store transactions take turns on an advisory lock, so a few cover
// concurrent in-process ingestions (HTTP requests) waiting their turn.
const PG_POOL_MAX = 4;
// Temp tables live in session-local buffers (8 MB by default); a chunk's staging rows fit in these.
const PG_TEMP_BUFFERS = '64MB';
// The merge sorts a chunk's staging rows (~6 MB for 20,000 runs): in memory rather than on disk (4 MB by default).
const PG_WORK_MEM = '32MB';

// Timestamps and JSON read back as the driver adapter returns them (lib/ingest/run-content.ts and
// the rollout refresh read both): ISO text in UTC, and the JSON text unparsed.
const utcText = (text: string) => `${text.replace(' ', 'T')}+00:00`;
const PG_PARSERS: Record<number, (text: string) => unknown> = {
  [pg.types.builtins.TIMESTAMP]: utcText,
  [pg.types.builtins.TIMESTAMPTZ]: (text) => text.replace(' ', 'T').replace(/[+-]\d{2}(:\d{2})?$/, '+00:00'),
  [pg.types.builtins.JSON]: (text) => text,
  [pg.types.builtins.JSONB]: (text) => text,
};
const PG_TYPES = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    (format ?? 'text') === 'text' && PG_PARSERS[oid] ? PG_PARSERS[oid] : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
};

function createPgPool(url: string): pg.Pool {
  const pool = new pg.Pool({ connectionString: url, max: PG_POOL_MAX, types: PG_TYPES, options: `-c temp_buffers=${PG_TEMP_BUFFERS} -c work_mem=${PG_WORK_MEM}` });
  // An idle connection the server drops must not crash the process; the next checkout opens another.
  pool.on('error', () => undefined);
  return pool;
}

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
  let pool: pg.Pool | undefined;
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
    pgPool: isSqlite ? null : () => (pool ??= createPgPool(url)),
    close: async () => {
      await prisma.$disconnect();
      if (bulk) await (await bulk).dispose();
      bulk = undefined;
      const open = pool;
      pool = undefined;
      if (open) await open.end();
    },
  };
}

const globalForDb = globalThis as unknown as { rollscopeDb?: Promise<Db> };

/** The process's database (DATABASE_URL), opened once and cached across hot reloads. */
export function getDb(): Promise<Db> {
  globalForDb.rollscopeDb ??= openDb(getSettings().databaseUrl);
  return globalForDb.rollscopeDb;
}
