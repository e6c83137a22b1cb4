import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STORE_BATCH } from '../../../lib/ingest/ingest';
import { ingestStream, prepareIngest, type IngestTarget } from '../../../lib/ingest/sources';
import { EXPECTED_KIND, createTestDb, type TestDb } from '../../helpers/db';
import { installPoison, POISON_HOST } from '../../helpers/poison';
import { invalidLine, keyOf, ndjsonBytes, validRecord, type ValidRecord } from '../../helpers/records';
import { bytes } from '../../helpers/streams';

// An input of several store chunks: each chunk is stored while the next one is read, one after the
// other. Whatever falls where — invalid lines, records the database refuses, chunk boundaries —
// exactly the valid records are stored and every other line is quarantined under its own line.

let t: TestDb;
let target: IngestTarget;
beforeAll(async () => {
  t = await createTestDb();
  target = await prepareIngest(t.db, { chainFile: null, timeZone: 'UTC', maxLineBytes: 4096 }, { admission: false, classify: false });
  await installPoison(t.db);
});
afterAll(async () => t?.close());

type Line = { kind: 'valid' | 'poison'; record: ValidRecord } | { kind: 'invalid'; bytes: Buffer };

/** `count` valid records with distinct keys, one rollout per 10 (rollouts span chunk boundaries). */
function manyRecords(seed: number, count: number): ValidRecord[] {
  const shapes = fc.sample(validRecord(`c${seed}`), { seed, numRuns: count });
  return shapes.map((r, i) => ({ ...r, id: `c${seed}-${i}`, rollout: `ro-c${seed}-${Math.floor(i / 10)}`, service: `svc-${Math.floor(i / 10) % 5}` }));
}

describe('inputs of several chunks', () => {
  it(`stores exactly the valid records of every chunk and quarantines the rest under their lines (${EXPECTED_KIND})`, async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 1_000_000 }),
        fc.array(fc.integer({ min: 0, max: 2 * STORE_BATCH + 999 }), { minLength: 1, maxLength: 6 }),
        fc.array(fc.tuple(fc.integer({ min: 0, max: 2 * STORE_BATCH + 999 }), invalidLine), { maxLength: 8 }),
        async (seed, poisonAt, invalidAt) => {
          const lines: Line[] = manyRecords(seed, 2 * STORE_BATCH + 1000).map((record) => ({ kind: 'valid', record }));
          for (const i of poisonAt) if (lines[i]!.kind === 'valid') lines[i] = { kind: 'poison', record: { ...(lines[i] as { record: ValidRecord }).record, host: POISON_HOST } };
          for (const [i, b] of invalidAt) lines.splice(i, 0, { kind: 'invalid', bytes: b });
          const raw = lines.map((l) => (l.kind === 'invalid' ? l.bytes : Buffer.from(JSON.stringify(l.record))));
          const s = await ingestStream(target, { source: 'chunks.ndjson', format: 'ndjson', input: bytes(ndjsonBytes(raw), 1 << 16) });
          const expected = lines.flatMap((l) => (l.kind === 'valid' ? [keyOf(l.record)] : [])).sort();
          const stored = (await t.db.prisma.stageRun.findMany({ where: { batchId: s.batchId }, select: { key: true } })).map((r) => r.key).sort();
          expect(stored).toEqual(expected);
          const rejected = lines.flatMap((l, i) => (l.kind === 'valid' ? [] : [{ line: i + 1, kind: l.kind === 'poison' ? 'unstorable' : 'invalid' }]));
          const quarantined = await t.db.prisma.rejectedLine.findMany({ where: { batchId: s.batchId }, orderBy: { line: 'asc' }, select: { line: true, kind: true } });
          expect(quarantined).toEqual(rejected);
          expect(s).toMatchObject({ accepted: expected.length, rejected: rejected.length, duplicates: 0 });
          expect(await t.db.prisma.ingestBatch.findUniqueOrThrow({ where: { id: s.batchId } })).toMatchObject({ status: 'finished', accepted: expected.length });
        },
      ),
      { numRuns: 3 },
    );
  }, 600_000);
});
