import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { IngestAbortedError } from '../../../lib/ingest/ingest';
import { ingestItems, ingestStream, prepareIngest, type IngestTarget } from '../../../lib/ingest/sources';
import { EXPECTED_KIND, createTestDb, type TestDb } from '../../helpers/db';
import { bytes } from '../../helpers/streams';

let t: TestDb;
let target: IngestTarget;

beforeAll(async () => {
  t = await createTestDb();
  target = await prepareIngest(t.db, { chainFile: null, timeZone: 'UTC', maxLineBytes: 64 * 1024 }, { admission: false, classify: false });
});
afterAll(async () => t?.close());
beforeEach(async () => {
  const p = t.db.prisma;
  await p.errorEvent.deleteMany();
  await p.rejectedLine.deleteMany();
  await p.ingestBatch.deleteMany();
  await p.dailyRollup.deleteMany();
  await p.stageRun.deleteMany();
  await p.rollout.deleteMany();
});

type Rec = Record<string, unknown>;
const run = (patch: Rec): Rec => ({ rollout: 'ro-1', service: 'feed-api', stage: 'test-build', status: 'succeeded', startedAt: '2026-11-20T10:00:00Z', durationMs: 1000, ...patch });
const ndjson = (...records: (Rec | string)[]) => records.map((r) => (typeof r === 'string' ? r : JSON.stringify(r))).join('\n');
const ingest = (text: string, format: 'ndjson' | 'csv' = 'ndjson', source = 'input.ndjson') => ingestStream(target, { source, format, input: bytes(text) });

describe('ingestion into the database', () => {
  it(`runs on the expected database (${EXPECTED_KIND})`, () => {
    expect(t.db.kind).toBe(EXPECTED_KIND);
  });

  it('stores the valid lines and quarantines each invalid one with file, line, field and reason', async () => {
    const text = ndjson(run({}), '{broken', run({ stage: 'nope' }), run({ stage: 'package-publish', status: 'failed' }), run({ stage: 'package-publish', status: 'failed', errorMessage: 'registry 503' }));
    const s = await ingest(text, 'ndjson', 'day-1.ndjson');
    expect(s).toMatchObject({ accepted: 2, duplicates: 0, rejected: 3 });
    expect(await t.db.prisma.stageRun.count()).toBe(2);
    const q = await t.db.prisma.rejectedLine.findMany({ orderBy: { line: 'asc' }, select: { source: true, line: true, field: true, reason: true, raw: true } });
    expect(q.map((r) => [r.source, r.line, r.field])).toEqual([['day-1.ndjson', 2, null], ['day-1.ndjson', 3, 'stage'], ['day-1.ndjson', 4, 'errorMessage']]);
    expect(q[0]!.raw).toBe('{broken');
    expect(q[1]!.reason).toMatch(/unknown stage "nope"/);
    const batch = await t.db.prisma.ingestBatch.findUniqueOrThrow({ where: { id: s.batchId } });
    expect(batch).toMatchObject({ source: 'day-1.ndjson', accepted: 2, rejected: 3 });
  });

  it('adds nothing when the same data is ingested again, keyed by id or by rollout+stage+attempt', async () => {
    const text = ndjson(run({ id: 'evt-1' }), run({ id: 'evt-2', stage: 'package-publish' }), run({ stage: 'image-build' }), run({ stage: 'image-build', attempt: 2 }));
    expect(await ingest(text)).toMatchObject({ accepted: 4, duplicates: 0 });
    const rollupsBefore = await t.db.prisma.dailyRollup.findMany({ orderBy: { stageKey: 'asc' } });
    expect(await ingest(text)).toMatchObject({ accepted: 0, duplicates: 4 });
    expect(await t.db.prisma.stageRun.count()).toBe(4);
    expect(await t.db.prisma.dailyRollup.findMany({ orderBy: { stageKey: 'asc' } })).toEqual(rollupsBefore);
  });

  it('keeps daily rollups per day, stage and service equal to the stored runs', async () => {
    const text = ndjson(
      run({ stage: 'image-pull', status: 'failed', errorMessage: 'x' }),
      run({ stage: 'image-pull', attempt: 2, manual: true }),
      run({ stage: 'canary-traffic', status: 'skipped' }),
      run({ rollout: 'ro-2', service: 'user-svc', stage: 'image-pull', startedAt: '2026-11-21T00:30:00+02:00' }),
    );
    await ingest(text);
    const rollups = await t.db.prisma.dailyRollup.findMany({ orderBy: [{ day: 'asc' }, { stageKey: 'asc' }] });
    expect(rollups.map((r) => [r.day, r.stageKey, r.service, r.attempts, r.successes, r.failures, r.skips, r.manual, r.firstAttempts, r.firstSuccesses])).toEqual([
      ['2026-11-20', 'canary-traffic', 'feed-api', 1, 0, 0, 1, 0, 0, 0],
      ['2026-11-20', 'image-pull', 'feed-api', 2, 1, 1, 0, 1, 1, 0],
      // 00:30 at +02:00 is 22:30 UTC the day before.
      ['2026-11-20', 'image-pull', 'user-svc', 1, 1, 0, 0, 0, 1, 1],
    ]);
  });

  it('counts days in the configured time zone', async () => {
    const tokyo = { ...target, timeZone: 'Asia/Tokyo' };
    await ingestStream(tokyo, { source: 'x', format: 'ndjson', input: bytes(ndjson(run({ startedAt: '2026-11-20T20:00:00Z' }))) });
    expect((await t.db.prisma.stageRun.findFirstOrThrow()).day).toBe('2026-11-21');
  });

  it('derives the rollout outcome from the latest attempt of each stage, across ingestions', async () => {
    await ingest(ndjson(run({ stage: 'test-build' }), run({ stage: 'package-publish', status: 'failed', errorMessage: 'timeout after 30s' })));
    expect(await t.db.prisma.rollout.findUniqueOrThrow({ where: { id: 'ro-1' } })).toMatchObject({ outcome: 'failed', stageRuns: 2, failedRuns: 1, env: 'online' });
    await ingest(ndjson(run({ stage: 'package-publish', attempt: 2, manual: true, startedAt: '2026-11-20T10:05:00Z' })));
    expect(await t.db.prisma.rollout.findUniqueOrThrow({ where: { id: 'ro-1' } })).toMatchObject({ outcome: 'in_progress', manualCount: 1, stageRuns: 3 });
    await ingest(ndjson(run({ stage: 'monitor-attach', startedAt: '2026-11-20T10:30:00Z', durationMs: 5000 })));
    const done = await t.db.prisma.rollout.findUniqueOrThrow({ where: { id: 'ro-1' } });
    expect(done.outcome).toBe('succeeded');
    expect(done.finishedAt?.toISOString()).toBe('2026-11-20T10:30:05.000Z');
    expect(done.startedAt.toISOString()).toBe('2026-11-20T10:00:00.000Z');
  });

  it('stores the same runs from CSV as from NDJSON, attrs and manual included', async () => {
    const csv = [
      'rollout,service,stage,attempt,status,startedAt,durationMs,host,env,errorMessage,errorCode,manual,attrs',
      'ro-9,feed-api,image-pull,1,failed,2026-11-20T10:00:00Z,1500,host-1,online,"pull: ""tag"" not found, retry",E_PULL,false,"{""image"":""reg/feed:1.2""}"',
      'ro-9,feed-api,image-pull,2,succeeded,2026-11-20T10:01:00Z,900,host-1,online,,,true,',
    ].join('\r\n');
    expect(await ingest(csv, 'csv', 'day.csv')).toMatchObject({ accepted: 2, rejected: 0 });
    const runs = await t.db.prisma.stageRun.findMany({ orderBy: { attempt: 'asc' } });
    expect(runs[0]).toMatchObject({ errorMessage: 'pull: "tag" not found, retry', errorCode: 'E_PULL', manual: false, attrs: { image: 'reg/feed:1.2' }, durationMs: 1500, host: 'host-1' });
    expect(runs[1]).toMatchObject({ manual: true, attrs: null, attempt: 2 });
  });

  it('takes a JSON array (the HTTP path) with items numbered from 1', async () => {
    const s = await ingestItems(target, { source: 'http', items: [run({}), 42, run({ status: 'bogus' })] });
    expect(s).toMatchObject({ accepted: 1, rejected: 2 });
    expect(s.rejections.map((r) => [r.line, r.field])).toEqual([[2, null], [3, 'status']]);
  });

  it('reports empty input as a warning with nothing stored', async () => {
    const s = await ingest('');
    expect(s).toMatchObject({ accepted: 0, rejected: 0, warnings: ['empty input: no records'] });
  });

  it('stores every valid record of an input larger than one transaction batch', async () => {
    const lines: (Rec | string)[] = Array.from({ length: 9000 }, (_, i) => run({ rollout: `ro-${Math.floor(i / 10)}`, attempt: (i % 10) + 1 }));
    lines.splice(4500, 0, '{oops');
    const s = await ingest(ndjson(...lines));
    expect(s).toMatchObject({ accepted: 9000, rejected: 1 });
    expect(s.rejections[0]!.line).toBe(4501);
    expect(await t.db.prisma.rollout.count()).toBe(900);
    expect((await t.db.prisma.dailyRollup.aggregate({ _sum: { attempts: true } }))._sum.attempts).toBe(9000);
  });
});

describe('error events', () => {
  it('stores one error event per failed run, with its message, code and host, and none again on re-ingest', async () => {
    const text = ndjson(
      run({ stage: 'image-pull', status: 'failed', errorMessage: 'pull timeout after 30s', errorCode: 'E_PULL', host: 'h1' }),
      run({ stage: 'image-pull', attempt: 2 }),
    );
    await ingest(text);
    await ingest(text);
    const events = await t.db.prisma.errorEvent.findMany({ include: { stageRun: true } });
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ message: 'pull timeout after 30s', code: 'E_PULL', host: 'h1', stageKey: 'image-pull', attempt: 1, day: '2026-11-20', errorClassId: null });
    expect(events[0]!.stageRun.status).toBe('failed');
  });
});

describe('duplicates and conflicts', () => {
  it('reports a record whose id is stored with other content as a conflict, keeps the stored run and quarantines the record', async () => {
    await ingest(ndjson(run({ id: 'evt-7', status: 'failed', errorMessage: 'pull timeout' })));
    const s = await ingest(ndjson(run({ stage: 'image-build' }), run({ id: 'evt-7', status: 'succeeded' })), 'ndjson', 'again.ndjson');
    expect(s).toMatchObject({ accepted: 1, duplicates: 0, rejected: 1, conflicts: 1 });
    expect(s.rejections).toEqual([expect.objectContaining({ line: 2, kind: 'conflict', field: 'status', reason: expect.stringMatching(/key "evt-7" is already stored with other status, errorMessage/) })]);
    expect(await t.db.prisma.stageRun.findUniqueOrThrow({ where: { key: 'evt-7' } })).toMatchObject({ status: 'failed', errorMessage: 'pull timeout' });
    expect(await t.db.prisma.rejectedLine.findMany({ where: { batchId: s.batchId }, select: { line: true, kind: true } })).toEqual([{ line: 2, kind: 'conflict' }]);
    expect(await t.db.prisma.ingestBatch.findUniqueOrThrow({ where: { id: s.batchId } })).toMatchObject({ conflicts: 1, rejected: 1, accepted: 1 });
  });

  it('counts the same content again as a duplicate however it is written (offset, key order, derived end)', async () => {
    await ingest(ndjson(run({ attrs: { image: 'a:1', batch: 2 }, durationMs: 1500 })));
    const same = run({ startedAt: '2026-11-20T11:00:00+01:00', attrs: { batch: 2, image: 'a:1' }, durationMs: undefined, finishedAt: '2026-11-20T10:00:01.500Z' });
    expect(await ingest(ndjson(same))).toMatchObject({ accepted: 0, duplicates: 1, conflicts: 0 });
  });

  it('reports a key twice in one input with other content as a conflict and stores the first', async () => {
    const s = await ingest(ndjson(run({ host: 'a' }), run({ host: 'a' }), run({ host: 'b' })));
    expect(s).toMatchObject({ accepted: 1, duplicates: 1, conflicts: 1 });
    expect(s.rejections[0]).toMatchObject({ line: 3, field: 'host', reason: expect.stringMatching(/appears earlier in this input \(line 1\)/) });
    expect((await t.db.prisma.stageRun.findFirstOrThrow()).host).toBe('a');
  });

  it('flags a record that names another service than its rollout, stored or earlier in the input', async () => {
    await ingest(ndjson(run({ stage: 'test-build' })));
    const s = await ingest(ndjson(run({ stage: 'image-build', service: 'other-svc' }), run({ rollout: 'ro-3', service: 'a' }), run({ rollout: 'ro-3', stage: 'image-pull', service: 'b' })));
    expect(s).toMatchObject({ accepted: 1, conflicts: 2 });
    expect(s.rejections.map((r) => [r.line, r.field, r.reason])).toEqual([
      [1, 'service', 'rollout "ro-1" is stored with service "feed-api", not "other-svc"'],
      [3, 'service', 'rollout "ro-3" starts at line 2 with service "a", not "b"'],
    ]);
    expect(await t.db.prisma.stageRun.count({ where: { rolloutId: 'ro-1' } })).toBe(1);
  });

  it('leaves no rollout behind when all its records turn out to be stored under their ids in another rollout', async () => {
    await ingest(ndjson(run({ id: 'shared-1' })));
    expect(await ingest(ndjson(run({ id: 'shared-1', rollout: 'ro-ghost' })))).toMatchObject({ accepted: 0, conflicts: 1 });
    expect(await t.db.prisma.rollout.findUnique({ where: { id: 'ro-ghost' } })).toBeNull();
  });
});

describe('values both databases can store', () => {
  it(`keeps the valid lines of a 30,000-line file around a record dated 9999-12-31 lasting 9e15 ms (${EXPECTED_KIND})`, async () => {
    const lines: (Rec | string)[] = Array.from({ length: 30_000 }, (_, i) => run({ rollout: `ro-${Math.floor(i / 10)}`, attempt: (i % 10) + 1 }));
    lines[9_999] = run({ rollout: 'ro-far', startedAt: '9999-12-31T00:00:00Z', durationMs: 9e15 });
    const s = await ingest(ndjson(...lines), 'ndjson', 'big.ndjson');
    expect(s).toMatchObject({ accepted: 29_999, rejected: 1 });
    expect(s.rejections[0]).toMatchObject({ line: 10_000, field: 'durationMs' });
    expect(await t.db.prisma.ingestBatch.findUniqueOrThrow({ where: { id: s.batchId } })).toMatchObject({ status: 'finished' });
  });

  it.each([
    ['year 0', { startedAt: '0000-01-01T00:00:00Z' }, 'startedAt'],
    ['an end past the last storable instant', { startedAt: '2099-12-31T23:00:00Z', durationMs: 2_000_000_000 }, 'durationMs'],
    ['a start before 2000 (an unset clock)', { startedAt: '1970-01-01T00:00:00Z' }, 'startedAt'],
    ['a duration over 2^31-1 ms', { durationMs: 2 ** 31 }, 'durationMs'],
    ['a finish more than 24.8 days later', { finishedAt: '2026-12-31T00:00:00Z', durationMs: undefined }, 'finishedAt'],
    ['NUL in a string', { host: 'web\u00001' }, 'host'],
    ['an unpaired surrogate', { errorCode: 'E\udc00' }, 'errorCode'],
    ['NUL in an attribute name', { attrs: { 'a\u0000': 1 } }, 'attrs.a\u0000'],
    ['an attribute value over 2,048 characters', { attrs: { image: 'x'.repeat(2049) } }, 'attrs.image'],
    ['more than 64 attributes', { attrs: Object.fromEntries(Array.from({ length: 65 }, (_, i) => [`k${i}`, i])) }, 'attrs'],
  ])(`refuses %s naming the field, the same way on both databases (${EXPECTED_KIND})`, async (_, patch, field) => {
    const s = await ingest(ndjson(run({ stage: 'image-build' }), run(patch)));
    expect(s).toMatchObject({ accepted: 1, rejected: 1 });
    expect(s.rejections[0]).toMatchObject({ line: 2, kind: 'invalid', field });
  });

  it(`keeps the exact bytes of a rejected line with a raw NUL byte and invalid UTF-8 in the quarantine (${EXPECTED_KIND})`, async () => {
    const nul = Buffer.from('{"rollout":"a\u0000b"}');
    const raw = Buffer.concat([Buffer.from('{"rollout":"'), Buffer.from([0x00, 0xff]), Buffer.from('"}')]);
    const s = await ingestStream(target, { source: 'bytes.ndjson', format: 'ndjson', input: bytes(Buffer.concat([nul, Buffer.from('\n'), raw, Buffer.from('\n')])) });
    expect(s).toMatchObject({ rejected: 2 });
    const q = await t.db.prisma.rejectedLine.findMany({ where: { batchId: s.batchId }, orderBy: { line: 'asc' } });
    expect(q.map((r) => Buffer.from(r.rawBytes!))).toEqual([nul, raw]);
    expect(q[0]!.raw).toBe('{"rollout":"a\u2400b"}');
  });
});

describe('a database that fails as a whole', () => {
  it(`stops the ingestion with the lines it was storing, keeps the quarantine, marks the batch failed, and a rerun completes it (${EXPECTED_KIND})`, async () => {
    const text = ndjson('{broken', run({ stage: 'image-pull', status: 'failed', errorMessage: 'pull timeout' }), run({ stage: 'image-build' }));
    await t.db.prisma.$executeRawUnsafe('ALTER TABLE "ErrorEvent" RENAME TO "ErrorEventAway"');
    let error: unknown;
    try {
      await ingest(text, 'ndjson', 'doomed.ndjson');
    } catch (e) {
      error = e;
    } finally {
      await t.db.prisma.$executeRawUnsafe('ALTER TABLE "ErrorEventAway" RENAME TO "ErrorEvent"');
    }
    expect(error).toBeInstanceOf(IngestAbortedError);
    expect((error as Error).message).toMatch(/^doomed\.ndjson: database error while storing lines 2–3 .*ingest the input again/);
    const batch = await t.db.prisma.ingestBatch.findFirstOrThrow({ where: { source: 'doomed.ndjson' } });
    expect(batch).toMatchObject({ status: 'failed', accepted: 0, rejected: 1, error: expect.stringMatching(/lines 2–3/) });
    expect(await t.db.prisma.rejectedLine.count({ where: { batchId: batch.id } })).toBe(1);
    expect(await t.db.prisma.stageRun.count()).toBe(0);
    expect(await ingest(text, 'ndjson', 'doomed.ndjson')).toMatchObject({ accepted: 2, rejected: 1 });
  });
});
