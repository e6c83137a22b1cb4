import type { SqlDriverAdapter, SqlDriverAdapterFactory, SqlQuery, SqlResultSet, Transaction } from '@prisma/driver-adapter-utils';
import { Mutex, withTimeout, type MutexInterface } from 'async-mutex';
import { retryTransient } from './db-errors';

/**
 * Prisma's better-sqlite3 adapter made safe for several writers, in one process and across
 * processes (the web server, the scheduler and the CLI share the file):
 * - one connection runs one thing at a time: a statement issued while a transaction is open on the
 *   connection waits for it to end, instead of silently joining it (and being rolled back with it);
 * - in a process, writes to one file take turns (a write mutex shared by all its connections), so
 *   they never meet in SQLite's busy handler — which sleeps on the event loop's thread, where the
 *   transaction it waits for could never finish;
 * - transactions start with BEGIN IMMEDIATE, so a writer takes the file's write lock up front.
 *   With the adapter's plain BEGIN, a transaction that read first failed at its first write with
 *   SQLITE_BUSY when another process wrote meanwhile — what two parallel ingestions died of.
 *   Another process's lock is waited for briefly by SQLite, then with async backoff.
 */
const BUSY_RETRY_BUDGET_MS = 10 * 60_000;
// A transaction holding the connection longer than this is taken for a deadlock (a statement
// issued on the connection from inside a transaction of the same connection) and fails loudly.
const CONNECTION_WAIT_MS = 15 * 60_000;

const statement = (sql: string): SqlQuery => ({ sql, args: [], argTypes: [] });
const busyRetry = <T>(work: () => Promise<T>) => retryTransient(work, { budgetMs: BUSY_RETRY_BUDGET_MS, firstDelayMs: 10, maxDelayMs: 1_000 });
const timedMutex = () => withTimeout(new Mutex(), CONNECTION_WAIT_MS, new Error(`the SQLite database stayed busy for ${CONNECTION_WAIT_MS / 60_000} minutes`));
const READ = /^\s*SELECT\b/i;

/** One write mutex per database file in this process. */
const fileWriters = new Map<string, MutexInterface>();

class SerialTransaction implements Transaction {
  readonly provider = 'sqlite' as const;
  readonly adapterName: string;
  readonly options = { usePhantomQuery: false };
  #released = false;

  constructor(private readonly inner: SqlDriverAdapter, private readonly release: () => void) {
    this.adapterName = inner.adapterName;
  }

  queryRaw(query: SqlQuery): Promise<SqlResultSet> {
    return this.inner.queryRaw(query);
  }

  executeRaw(query: SqlQuery): Promise<number> {
    return this.inner.executeRaw(query);
  }

  // As with the wrapped adapter, COMMIT and ROLLBACK are sent by the caller; these only hand the connection back.
  commit(): Promise<void> {
    this.end();
    return Promise.resolve();
  }

  rollback(): Promise<void> {
    this.end();
    return Promise.resolve();
  }

  async createSavepoint(name: string): Promise<void> {
    await this.inner.executeRaw(statement(`SAVEPOINT ${name}`));
  }

  async rollbackToSavepoint(name: string): Promise<void> {
    await this.inner.executeRaw(statement(`ROLLBACK TO ${name}`));
  }

  async releaseSavepoint(name: string): Promise<void> {
    await this.inner.executeRaw(statement(`RELEASE SAVEPOINT ${name}`));
  }

  private end(): void {
    if (this.#released) return;
    this.#released = true;
    this.release();
  }
}

class SerialSqliteAdapter implements SqlDriverAdapter {
  readonly provider = 'sqlite' as const;
  readonly adapterName: string;
  readonly #connection = timedMutex();

  constructor(private readonly inner: SqlDriverAdapter, private readonly writer: MutexInterface) {
    this.adapterName = inner.adapterName;
  }

  /** Runs `work` alone on the connection, and for a write also alone among this process's writers to the file. */
  private run<T>(sql: string, work: () => Promise<T>): Promise<T> {
    return this.#connection.runExclusive(() => (READ.test(sql) ? busyRetry(work) : this.writer.runExclusive(() => busyRetry(work))));
  }

  queryRaw(query: SqlQuery): Promise<SqlResultSet> {
    return this.run(query.sql, () => this.inner.queryRaw(query));
  }

  executeRaw(query: SqlQuery): Promise<number> {
    return this.run(query.sql, () => this.inner.executeRaw(query));
  }

  executeScript(script: string): Promise<void> {
    return this.run(script, () => this.inner.executeScript(script));
  }

  async startTransaction(): Promise<Transaction> {
    const releaseConnection = await this.#connection.acquire();
    let releaseWriter: MutexInterface.Releaser | null = null;
    try {
      releaseWriter = await this.writer.acquire();
      await busyRetry(() => this.inner.executeRaw(statement('BEGIN IMMEDIATE')));
    } catch (error) {
      releaseWriter?.();
      releaseConnection();
      throw error;
    }
    const writerRelease = releaseWriter;
    return new SerialTransaction(this.inner, () => {
      writerRelease();
      releaseConnection();
    });
  }

  getConnectionInfo() {
    return this.inner.getConnectionInfo?.() ?? { supportsRelationJoins: false };
  }

  dispose(): Promise<void> {
    return this.inner.dispose();
  }
}

/** Wraps a better-sqlite3 adapter factory for the file at `url` (see above). */
export function serialSqlite(factory: SqlDriverAdapterFactory, url: string): SqlDriverAdapterFactory {
  let writer = fileWriters.get(url);
  if (!writer) fileWriters.set(url, (writer = timedMutex()));
  const shared = writer;
  return {
    provider: 'sqlite',
    adapterName: factory.adapterName,
    connect: async () => new SerialSqliteAdapter(await factory.connect(), shared),
  };
}
