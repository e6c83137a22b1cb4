import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createIngestToken } from '../../../../lib/auth/ingest-tokens';
import { decodeResponse, encodeRequest } from '../../../../lib/ingest/adapters/otlp-proto';
import { handleOtlpTracesRequest } from '../../../../lib/ingest/adapters/otlp-http';
import { EXPECTED_KIND, createTestDb, type TestDb } from '../../../helpers/db';
import { buildRequest, runArb, toProtobufObject, type GenRun } from './otlp-fixture';

let t: TestDb;
let token: string;
const settings = { ingestTokens: [], maxBodyBytes: 1_000_000, maxLineBytes: 64_000, chainFile: null, timeZone: 'UTC', admissionFile: null };

beforeAll(async () => {
  t = await createTestDb();
  token = await createIngestToken(t.db, 'ci-otel');
});
afterAll(async () => t?.close());

type Sent = { status: number; rejected: number; message: string };
async function send(request: Record<string, unknown>, encoding: 'protobuf' | 'json', headers: Record<string, string> = {}, gzip = false): Promise<Sent> {
  const raw = encoding === 'json' ? Buffer.from(JSON.stringify(request)) : Buffer.from(encodeRequest(toProtobufObject(request)));
  const body = gzip ? gzipSync(raw) : raw;
  const type = encoding === 'json' ? 'application/json' : 'application/x-protobuf';
  const res = await post(body, { authorization: `Bearer ${token}`, 'content-type': type, ...(gzip ? { 'content-encoding': 'gzip' } : {}), ...headers });
  if (res.status !== 200) return { status: res.status, rejected: -1, message: JSON.stringify(await res.json()) };
  expect(res.headers.get('content-type')).toBe(type);
  const answer = encoding === 'json' ? await res.json() : decodeResponse(new Uint8Array(await res.arrayBuffer()));
  const partial = (answer.partialSuccess ?? {}) as { rejectedSpans?: string | number; errorMessage?: string };
  return { status: 200, rejected: Number(partial.rejectedSpans ?? 0), message: partial.errorMessage ?? '' };
}
const post = (body: Buffer, headers: Record<string, string>) =>
  handleOtlpTracesRequest(new Request('http://localhost/v1/traces', { method: 'POST', body: new Uint8Array(body), headers }), { db: t.db, settings });
const lastBatch = () => t.db.prisma.ingestBatch.findFirstOrThrow({ orderBy: { id: 'desc' } });

/** The task attempts the mapping must store: a known stage, a known result and env, a service to name. */
function expectedStored(runs: GenRun[]): number {
  let n = 0;
  for (const run of runs) {
    if (run.service.startsWith('unknown_service') || run.env === 'moon') continue;
    for (const task of run.tasks) if (task.name !== 'lint' && task.result !== 'bogus') n += task.retries + 1;
  }
  return n;
}

describe(`POST /v1/traces (${EXPECTED_KIND})`, () => {
  it('stores every mappable task run once, quarantines every other span with a reason, and is idempotent on re-send', async () => {
    let seed = 0;
    await fc.assert(fc.asyncProperty(fc.array(runArb, { minLength: 1, maxLength: 3 }), async (runs) => {
      seed += 1;
      const { request, spans } = buildRequest(runs, { seed });
      const runsBefore = await t.db.prisma.stageRun.count();
      const first = await send(request, 'protobuf');
      expect(first.status).toBe(200);
      const batch = await lastBatch();
      expect(batch.source).toBe('otlp:ci-otel');
      expect(batch.accepted).toBe(expectedStored(runs));
      expect(batch.accepted + batch.rejected + runs.length).toBe(spans);
      expect(first.rejected).toBe(batch.rejected);
      if (batch.rejected > 0) expect(first.message).toMatch(/span\(s\) quarantined/);
      const quarantined = await t.db.prisma.rejectedLine.findMany({ where: { batchId: batch.id } });
      expect(quarantined).toHaveLength(batch.rejected);
      for (const q of quarantined) expect(q.reason.length).toBeGreaterThan(0);
      expect(await t.db.prisma.stageRun.count()).toBe(runsBefore + batch.accepted);
      // The same spans again, as OTLP/JSON this time: nothing new, the same rejects.
      const again = await send(request, 'json');
      const batch2 = await lastBatch();
      expect(again.rejected).toBe(first.rejected);
      expect(batch2).toMatchObject({ accepted: 0, duplicates: batch.accepted, rejected: batch.rejected, conflicts: 0 });
      expect(await t.db.prisma.stageRun.count()).toBe(runsBefore + batch.accepted);
    }), { numRuns: 12 });
  }, 120_000);

  it('numbers re-runs of a task across requests by start time, stores errors, and accepts gzip', async () => {
    const run: GenRun = { service: 'feed-api', runId: 'retry', tasks: [{ name: 'Image build', result: 'failure', code: 2, message: 'exit code 137', retries: 1, extraChild: false }] };
    const { request } = buildRequest([run], { seed: 900 });
    const scope = (request.resourceSpans as { scopeSpans: { spans: Record<string, unknown>[] }[] }[])[0]!.scopeSpans[0]!;
    const [firstRun, secondRun, pipeline] = scope.spans;
    scope.spans = [secondRun!];
    expect((await send(request, 'json', {}, true)).status).toBe(200);
    scope.spans = [firstRun!, pipeline!];
    expect((await send(request, 'protobuf', {}, true)).status).toBe(200);
    scope.spans = [secondRun!];
    expect((await send(request, 'protobuf')).rejected).toBe(0);
    expect(await lastBatch()).toMatchObject({ accepted: 0, duplicates: 1 });
    const stored = await t.db.prisma.stageRun.findMany({ where: { rolloutId: '900-0-retry' }, orderBy: { startedAt: 'asc' } });
    // The later run came first and was numbered 1; the earlier one, arriving after it, is 1 too; the re-send is a duplicate.
    expect(stored.map((r) => [r.stageKey, r.status, r.host])).toEqual([['image-build', 'failed', 'runner-0'], ['image-build', 'failed', 'runner-0']]);
    expect(stored.map((r) => r.attempt).sort()).toEqual([1, 1]);
    const events = await t.db.prisma.errorEvent.findMany({ where: { rolloutId: '900-0-retry' } });
    expect(events.map((e) => e.message)).toEqual(['exit code 137', 'exit code 137']);
  });

  it('numbers re-runs in order when they arrive in order, and keeps the numbers on re-send', async () => {
    const run: GenRun = { service: 'feed-api', runId: 'inorder', tasks: [{ name: 'Health check', result: 'failure', code: 2, message: 'unhealthy', retries: 2, extraChild: false }] };
    const { request } = buildRequest([run], { seed: 901 });
    const scope = (request.resourceSpans as { scopeSpans: { spans: Record<string, unknown>[] }[] }[])[0]!.scopeSpans[0]!;
    const all = scope.spans;
    for (const span of all) {
      scope.spans = [span];
      await send(request, 'protobuf');
    }
    scope.spans = all;
    expect((await send(request, 'json')).rejected).toBe(0);
    expect(await lastBatch()).toMatchObject({ accepted: 0, duplicates: 3, conflicts: 0 });
    const stored = await t.db.prisma.stageRun.findMany({ where: { rolloutId: '901-0-inorder' }, orderBy: { startedAt: 'asc' } });
    expect(stored.map((r) => r.attempt)).toEqual([1, 2, 3]);
  });

  it('answers 401, 415, 400 and 413 as OTLP/HTTP says, storing nothing', async () => {
    const before = await t.db.prisma.stageRun.count();
    const { request } = buildRequest([{ service: 'feed-api', tasks: [{ name: 'Image build', code: 1, message: '', retries: 0, extraChild: false }] }], { seed: 902 });
    expect((await send(request, 'protobuf', { authorization: 'Bearer nope' })).status).toBe(401);
    const text = await post(Buffer.from('hi'), { authorization: `Bearer ${token}`, 'content-type': 'text/plain' });
    expect(text.status).toBe(415);
    expect((await text.json()).error).toMatch(/application\/x-protobuf or application\/json/);
    const junk = await post(Buffer.from([0xff, 0xff, 0xff, 0xff]), { authorization: `Bearer ${token}`, 'content-type': 'application/x-protobuf' });
    expect(junk.status).toBe(400);
    const notRequest = await post(Buffer.from('{"resourceSpans": 3}'), { authorization: `Bearer ${token}`, 'content-type': 'application/json' });
    expect(notRequest.status).toBe(400);
    expect((await notRequest.json()).error).toMatch(/resourceSpans/);
    const badGzip = await post(Buffer.from('plain'), { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'content-encoding': 'gzip' });
    expect(badGzip.status).toBe(400);
    const bomb = gzipSync(Buffer.alloc(2_000_000, 32));
    expect((await post(bomb, { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'content-encoding': 'gzip' })).status).toBe(413);
    expect((await post(Buffer.alloc(1_000_001), { authorization: `Bearer ${token}`, 'content-type': 'application/json' })).status).toBe(413);
    expect(await t.db.prisma.stageRun.count()).toBe(before);
  });

  it('quarantines a span whose ids are not OTLP ids, naming the field', async () => {
    const { request } = buildRequest([{ service: 'feed-api', tasks: [{ name: 'Image build', code: 1, message: '', retries: 0, extraChild: false }] }], { seed: 903 });
    const scope = (request.resourceSpans as { scopeSpans: { spans: Record<string, unknown>[] }[] }[])[0]!.scopeSpans[0]!;
    scope.spans[0]!.spanId = 'xyz';
    const sent = await send(request, 'json');
    expect(sent.rejected).toBe(1);
    expect(sent.message).toMatch(/span 1: spanId must be 8 bytes in hex/);
  });

  it('never answers 5xx: any bytes, any JSON, OTLP shapes with wild values, nesting past the stack', async () => {
    const deep = (n: number) => `{"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":"${'a'.repeat(32)}","spanId":"${'b'.repeat(16)}",`
      + `"startTimeUnixNano":"1","endTimeUnixNano":"2","attributes":[{"key":"k","value":${'{"arrayValue":{"values":['.repeat(n)}${']}}'.repeat(n)}}]}]}]}]}`;
    const wild = fc.oneof(fc.string({ maxLength: 30, unit: 'binary' }), fc.integer(), fc.double(), fc.constant(null), fc.constant('99999999999999999999'), fc.constant(-1));
    const span = fc.record({
      traceId: fc.oneof(fc.constant('a'.repeat(32)), wild), spanId: fc.oneof(fc.constant('c'.repeat(16)), wild),
      startTimeUnixNano: fc.oneof(fc.constant('1763629200000000000'), wild), endTimeUnixNano: fc.oneof(fc.constant('99999999999999999999'), wild),
      attributes: fc.array(fc.record({ key: fc.oneof(fc.constant('cicd.pipeline.task.name'), fc.string({ unit: 'binary' })), value: fc.record({ stringValue: wild, intValue: wild }, { requiredKeys: [] }) }), { maxLength: 4 }),
      status: fc.record({ code: wild, message: wild }, { requiredKeys: [] }),
    }, { requiredKeys: [] });
    const shaped = fc.array(span, { maxLength: 4 }).map((spans) => JSON.stringify({ resourceSpans: [{ resource: {}, scopeSpans: [{ spans }] }] }));
    const body = fc.oneof(fc.json({ maxDepth: 4 }), shaped, fc.uint8Array({ maxLength: 200 }).map((b) => Buffer.from(b).toString('latin1')), fc.constant(deep(20_000)));
    await fc.assert(fc.asyncProperty(body, fc.constantFrom('application/json', 'application/x-protobuf'), fc.boolean(), async (text, type, gzip) => {
      const raw = type === 'application/x-protobuf' ? Buffer.from(text, 'latin1') : Buffer.from(text);
      const res = await post(gzip ? gzipSync(raw) : raw, { authorization: `Bearer ${token}`, 'content-type': type, ...(gzip ? { 'content-encoding': 'gzip' } : {}) });
      expect([200, 400, 413]).toContain(res.status);
    }), { numRuns: 60 });
  }, 120_000);
});
