import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadChainConfig } from '../../lib/chain/config';
import { syncChain } from '../../lib/chain/sync';
import { openDb, type Db } from '../../lib/db';
import { applyMigrations } from '../../prisma/tools/migrations';
import { freshPgDatabase } from './pg-database';

/**
 * A fresh, migrated database for one test file: a temp SQLite file, or — when
 * ROLLSCOPE_TEST_PG_URL names a PostgreSQL server (as .ci/run does) — a new database on it.
 */
export type TestDb = { db: Db; url: string; close: () => Promise<void> };

export const TEST_PG_URL = process.env.ROLLSCOPE_TEST_PG_URL ?? '';
export const EXPECTED_KIND: Db['kind'] = TEST_PG_URL ? 'postgresql' : 'sqlite';

export async function createTestDb(opts: { chain?: boolean } = {}): Promise<TestDb> {
  const { url, drop } = TEST_PG_URL ? postgresTarget() : sqliteTarget();
  let db: Db;
  try {
    await applyMigrations(url);
    db = await openDb(url);
  } catch (error) {
    // A failed migration must not leave its database behind on the shared server.
    await drop().catch(() => undefined);
    throw error;
  }
  if (opts.chain !== false) await syncChain(db, loadChainConfig(null));
  return {
    db,
    url,
    close: async () => {
      await db.close();
      await drop();
    },
  };
}

function sqliteTarget() {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'rollscope-test-'));
  return { url: `file:${path.join(dir, 'test.db')}`, drop: async () => rmSync(dir, { recursive: true, force: true }) };
}

function postgresTarget() {
  const name = `rollscope_test_${process.pid}_${randomBytes(4).toString('hex')}`;
  return freshPgDatabase(TEST_PG_URL, name);
}
