import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import type { Db } from '../db';
import { inTransactionOn, type Queryable, type TransactionOptions } from '../sql';

/**
 * A transaction on a plain node-postgres connection (Db.pgPool): the lib/sql.ts helpers work on it
 * as on the driver adapter, and it can also stream `COPY … FROM STDIN`, which the adapter cannot.
 */
export type CopyTransaction = Queryable & {
  /** Streams COPY text (lib/ingest/copy-text.ts) into `COPY <target> FROM STDIN`; a refused row rejects with PostgreSQL's error. */
  copyIn: (target: string, text: Iterable<string>) => Promise<void>;
};

function wrap(client: pg.PoolClient): CopyTransaction {
  return {
    queryRaw: async ({ sql, args }) => {
      const r = await client.query<unknown[]>({ text: sql, values: args, rowMode: 'array' });
      return { columnNames: r.fields.map((f) => f.name), rows: r.rows };
    },
    executeRaw: async ({ sql, args }) => (await client.query(sql, args)).rowCount ?? 0,
    copyIn: (target, text) => pipeline(Readable.from(text, { objectMode: false }), client.query(copyFrom(`COPY ${target} FROM STDIN`))),
  };
}

/**
 * Runs `work` in one transaction on a connection of the PostgreSQL COPY pool, with inTransaction's
 * semantics (lib/sql.ts): retried when transient, the same advisory lock with `serialize`.
 */
export function inCopyTransaction<T>(db: Db, work: (tx: CopyTransaction) => Promise<T>, opts: TransactionOptions = {}): Promise<T> {
  const pool = db.pgPool;
  if (!pool) throw new Error('COPY needs PostgreSQL');
  const begin = async () => {
    const client = await pool().connect();
    try {
      await client.query('BEGIN');
    } catch (error) {
      client.release(true);
      throw error;
    }
    // A connection whose transaction failed mid-COPY is not reused: its protocol state is unknown.
    return { tx: wrap(client), release: async (committed: boolean) => client.release(!committed) };
  };
  return inTransactionOn(db, begin, work, opts);
}
