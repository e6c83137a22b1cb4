import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDb, type Db } from '../../../lib/db';
import { recordKey, type StoreContext } from '../../../lib/ingest/store';
import { storeChunk } from '../../../lib/ingest/store-chunk';
import { ingestRecordSchema, type IngestRecord } from '../../../lib/ingest/record';
import { EXPECTED_KIND, createTestDb, type TestDb } from '../../helpers/db';
import { STAGES, validRecords } from '../../helpers/records';

// Several writers storing overlapping inputs at once, each on its own connections (as several
// processes or HTTP requests do), in small interleaved transactions: nothing is lost, nothing is
// stored twice, and every table ends as one writer storing the union alone leaves it.

const WRITERS = 3;
let shared: TestDb;
let reference: TestDb;
let writers: Db[];

beforeAll(async () => {
  [shared, reference] = await Promise.all([createTestDb(), createTestDb()]);
  writers = await Promise.all(Array.from({ length: WRITERS }, () => openDb(shared.url)));
});
afterAll(async () => {
  await Promise.all((writers ?? []).map((w) => w.close()));
  await Promise.all([shared?.close(), reference?.close()]);
});

const ctxOf = (db: Db): StoreContext => ({ db, timeZone: 'UTC', lastStage: STAGES.at(-1)!, knownServices: new Set() });

/** What the tables hold, without ids and batches (they depend on which writer came first). */
async function contents(db: Db) {
  const p = db.prisma;
  const runs = await p.stageRun.findMany({ orderBy: { key: 'asc' } });
  const keys = new Map(runs.map((r) => [r.id, r.key]));
  return {
    runs: runs.map(({ id: _id, batchId: _b, ...r }) => r),
    events: (await p.errorEvent.findMany()).map(({ id: _id, stageRunId, ...e }) => ({ ...e, run: keys.get(stageRunId) })).sort((a, b) => a.run!.localeCompare(b.run!)),
    rollouts: await p.rollout.findMany({ orderBy: { id: 'asc' } }),
    rollups: await p.dailyRollup.findMany({ orderBy: [{ day: 'asc' }, { stageKey: 'asc' }, { service: 'asc' }] }),
  };
}

let round = 0;
// The union, and each writer's share of it: a random subset in random order, stored in chunks of random size.
const input = fc.integer().chain(() => {
  const prefix = `c${(round += 1)}`;
  return validRecords(prefix, 60).chain((union) =>
    fc.tuple(
      fc.constant(union.map((r) => ingestRecordSchema.parse(r))),
      fc.array(fc.tuple(fc.shuffledSubarray(union.map((_, i) => i)), fc.integer({ min: 1, max: 12 })), { minLength: WRITERS, maxLength: WRITERS }),
    ),
  );
});

describe(`concurrent store transactions (${EXPECTED_KIND})`, () => {
  it('lose nothing and store nothing twice when writers store overlapping inputs at once', async () => {
    await fc.assert(
      fc.asyncProperty(input, async ([union, shares]) => {
        const storeAll = async (db: Db, recs: IngestRecord[], size: number, batchId: number) => {
          const ctx = ctxOf(db);
          const totals = { inserted: 0, duplicates: 0, rejected: 0 };
          for (let i = 0; i < recs.length; i += size) {
            const r = await storeChunk(ctx, recs.slice(i, i + size).map((record, j) => ({ record, line: i + j + 1, raw: '' })), batchId);
            totals.inserted += r.inserted;
            totals.duplicates += r.duplicates;
            totals.rejected += r.rejections.length;
          }
          return totals;
        };
        const results = await Promise.all(shares.map(([picked, size], w) => storeAll(writers[w]!, picked.map((i) => union[i]!), size, w + 1)));
        const covered = new Set(shares.flatMap(([picked]) => picked.map((i) => recordKey(union[i]!))));
        expect(results.reduce((a, r) => a + r.inserted, 0)).toBe(covered.size);
        expect(results.reduce((a, r) => a + r.inserted + r.duplicates, 0)).toBe(shares.reduce((a, [picked]) => a + picked.length, 0));
        expect(results.every((r) => r.rejected === 0)).toBe(true);
        // The reference stores the same records, one writer, one chunk.
        const stored = union.filter((r) => covered.has(recordKey(r)));
        await storeAll(reference.db, stored, Math.max(1, stored.length), 1);
        expect(await contents(shared.db)).toEqual(await contents(reference.db));
      }),
      { numRuns: 25 },
    );
  });
});
