import { classifyDbError, describeDbError } from '../db-errors';
import { storeRecords, type StoreContext, type StoreItem, type StoreRejection, type StoreResult } from './store';
import { storePgRecords } from './store-pg';

/**
 * Stores a chunk of validated records so that one record the database refuses never costs the
 * others: when the chunk's transaction fails with a data error, the chunk is split in halves and
 * each half stored on its own, down to the single record, which is then rejected with the
 * database's reason. Transient errors were already retried (lib/sql.ts); any other error means
 * the database itself is in trouble and is thrown, storing nothing more. On PostgreSQL the stage
 * runs go in with COPY (lib/ingest/store-pg.ts) unless the context asks for INSERTs.
 */
export async function storeChunk(ctx: StoreContext, items: readonly StoreItem[], batchId: number | null): Promise<StoreResult> {
  try {
    const store = ctx.db.kind === 'postgresql' && ctx.pgMethod !== 'insert' ? storePgRecords : storeRecords;
    return await store(ctx, items, batchId);
  } catch (error) {
    if (classifyDbError(error) !== 'data') throw error;
    if (items.length === 1) return { inserted: 0, duplicates: 0, rejections: [unstorable(items[0]!, error)] };
    const half = Math.ceil(items.length / 2);
    const [a, b] = [await storeChunk(ctx, items.slice(0, half), batchId), await storeChunk(ctx, items.slice(half), batchId)];
    return { inserted: a.inserted + b.inserted, duplicates: a.duplicates + b.duplicates, rejections: [...a.rejections, ...b.rejections] };
  }
}

function unstorable(item: StoreItem, error: unknown): StoreRejection {
  return { line: item.line, kind: 'unstorable', field: null, reason: `the database refused this record: ${describeDbError(error)}`, raw: item.raw };
}
