import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ingestStream, prepareIngest, type IngestTarget } from '../../../lib/ingest/sources';
import { EXPECTED_KIND, createTestDb, type TestDb } from '../../helpers/db';
import { invalidLine, keyOf, ndjsonBytes, validRecord, validRecords, type ValidRecord } from '../../helpers/records';
import { installPoison, POISON_HOST } from '../../helpers/poison';
import { bytes } from '../../helpers/streams';

// One bad record never costs the others: whatever mix of valid and invalid lines an input holds,
// exactly the valid records are stored, every other line is quarantined with its line number, and
// the batch is finished. "Poisoned" records pass validation but the database refuses them (a
// trigger, standing in for any store-time failure validation did not foresee): they are isolated.

let t: TestDb;
let target: IngestTarget;
beforeAll(async () => {
  t = await createTestDb();
  target = await prepareIngest(t.db, { chainFile: null, timeZone: 'UTC', maxLineBytes: 4096 }, { admission: false });
  await installPoison(t.db);
});
afterAll(async () => t?.close());

type Line = { kind: 'valid'; record: ValidRecord } | { kind: 'poison'; record: ValidRecord } | { kind: 'invalid'; bytes: Buffer };

let run = 0;
const input = fc.integer().chain(() => {
  const prefix = `p${(run += 1)}`;
  const valid = validRecords(prefix, 30).map((rs) => rs.map((record): Line => ({ kind: 'valid', record })));
  const poison = fc.array(validRecord(`${prefix}x`), { maxLength: 3 }).map((rs) => rs.map((record, i): Line => ({ kind: 'poison', record: { ...record, id: `${prefix}-poison-${i}`, host: POISON_HOST } })));
  const invalid = fc.array(invalidLine, { maxLength: 12 }).map((ls) => ls.map((b): Line => ({ kind: 'invalid', bytes: b })));
  return fc.tuple(valid, poison, invalid).chain(([v, p, i]) => fc.shuffledSubarray([...v, ...p, ...i], { minLength: v.length + p.length + i.length }));
});

describe('one bad record never costs the other records', () => {
  it(`stores exactly the valid records and quarantines every other line with its line number (${EXPECTED_KIND})`, async () => {
    await fc.assert(
      fc.asyncProperty(input, fc.constantFrom(0, 7, 64), async (lines, chunk) => {
        const raw = lines.map((l) => (l.kind === 'invalid' ? l.bytes : Buffer.from(JSON.stringify(l.record))));
        const s = await ingestStream(target, { source: 'mixed.ndjson', format: 'ndjson', input: bytes(ndjsonBytes(raw), chunk) });
        const expected = lines.flatMap((l, i) => (l.kind === 'valid' ? [keyOf(l.record)] : [])).sort();
        const stored = (await t.db.prisma.stageRun.findMany({ where: { batchId: s.batchId }, select: { key: true } })).map((r) => r.key).sort();
        expect(stored).toEqual(expected);
        const rejected = lines.flatMap((l, i) => (l.kind === 'valid' ? [] : [{ line: i + 1, kind: l.kind === 'poison' ? 'unstorable' : 'invalid' }]));
        const quarantined = await t.db.prisma.rejectedLine.findMany({ where: { batchId: s.batchId }, orderBy: { line: 'asc' }, select: { line: true, kind: true, rawBytes: true } });
        expect(quarantined.map(({ line, kind }) => ({ line, kind }))).toEqual(rejected);
        // The quarantine keeps each line's original bytes, NUL and invalid UTF-8 included.
        for (const q of quarantined) expect(Buffer.from(q.rawBytes!)).toEqual(raw[q.line - 1]!.subarray(0, 4096));
        expect(await t.db.prisma.ingestBatch.findUniqueOrThrow({ where: { id: s.batchId } })).toMatchObject({ status: 'finished', accepted: expected.length, rejected: rejected.length });
      }),
      { numRuns: 60 },
    );
    // Every stored rollout has runs, and its counts are those of its runs.
    const rollouts = await t.db.prisma.rollout.findMany({ select: { id: true, stageRuns: true, _count: { select: { runs: true } } } });
    for (const r of rollouts) expect(r.stageRuns).toBe(r._count.runs);
  });
});
