import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createIngestToken } from '../../../lib/auth/ingest-tokens';
import { handleIngestRequest } from '../../../lib/ingest/http';
import { EXPECTED_KIND, createTestDb, type TestDb } from '../../helpers/db';

let t: TestDb;
let token: string;
const settings = { ingestTokens: ['from-settings-secret'], maxBodyBytes: 2000, maxLineBytes: 1000, chainFile: null, timeZone: 'UTC', admissionFile: null };

beforeAll(async () => {
  t = await createTestDb();
  token = await createIngestToken(t.db, 'pipeline-a');
});
afterAll(async () => t?.close());

const record = (stage: string) => ({ rollout: 'ro-http', service: 'feed-api', stage, status: 'succeeded', startedAt: '2026-11-20T10:00:00Z' });
const post = (body: string | Buffer, headers: Record<string, string>) =>
  handleIngestRequest(new Request('http://localhost/api/ingest', { method: 'POST', body: typeof body === 'string' ? body : new Uint8Array(body), headers }), { db: t.db, settings });

describe('POST /api/ingest', () => {
  it('answers 401 without a token and with a wrong one, storing nothing', async () => {
    const body = JSON.stringify(record('test-build'));
    const none = await post(body, {});
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toBe('Bearer');
    expect((await post(body, { authorization: 'Bearer rs_wrong' })).status).toBe(401);
    expect(await t.db.prisma.stageRun.count()).toBe(0);
  });

  it('ingests NDJSON with a database token and answers with the summary', async () => {
    const body = [record('test-build'), record('package-publish'), { nope: 1 }].map((r) => JSON.stringify(r)).join('\n');
    const res = await post(body, { authorization: `Bearer ${token}`, 'content-type': 'application/x-ndjson' });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ accepted: 2, duplicates: 0, rejected: 1, source: 'http:pipeline-a', rejections: [{ line: 3, field: 'rollout' }] });
    const stored = await t.db.prisma.ingestToken.findFirstOrThrow({ where: { name: 'pipeline-a' } });
    expect(stored.lastUsedAt).not.toBeNull();
    expect(stored.tokenHash).not.toContain(token);
  });

  it('ingests a JSON array with a token from the settings', async () => {
    const res = await post(JSON.stringify([record('image-build'), record('test-build')]), { authorization: 'Bearer from-settings-secret', 'content-type': 'application/json' });
    expect(await res.json()).toMatchObject({ accepted: 1, duplicates: 1, format: 'json' });
  });

  it('answers 400 for a JSON body that is not an array', async () => {
    const res = await post('{"rollout":"x"}', { authorization: `Bearer ${token}`, 'content-type': 'application/json' });
    expect(res.status).toBe(400);
    expect((await res.json()).error).toMatch(/must be an array/);
  });

  it('answers 413 above the size limit, before storing anything', async () => {
    const before = await t.db.prisma.stageRun.count();
    const big = Array.from({ length: 40 }, (_, i) => JSON.stringify({ ...record('health-check'), rollout: `ro-big-${i}` })).join('\n');
    const res = await post(big, { authorization: `Bearer ${token}` });
    expect(res.status).toBe(413);
    expect((await res.json()).error).toMatch(/over the 2000-byte limit/);
    expect(await t.db.prisma.stageRun.count()).toBe(before);
  });

  it(`applies the NDJSON rules to each element of a JSON array: size, UTF-8, one object (${EXPECTED_KIND})`, async () => {
    const small = { ...settings, maxBodyBytes: 100_000 };
    const good = JSON.stringify({ ...record('lb-attach'), rollout: 'ro-arr' });
    const badUtf8 = Buffer.concat([Buffer.from('{"rollout":"ro-arr","service":"feed-api","stage":"lb-attach","status":"failed","startedAt":"2026-11-20T10:00:00Z","errorMessage":"'), Buffer.from([0xc3, 0x28]), Buffer.from('"}')]);
    const big = JSON.stringify({ ...record('canary-traffic'), rollout: 'ro-arr', errorCode: 'x'.repeat(1500) });
    const body = Buffer.concat([Buffer.from(`[${good}, `), badUtf8, Buffer.from(`, ${big}, "text", {"bad": tru}, {}]`)]);
    const res = await handleIngestRequest(new Request('http://localhost/api/ingest', { method: 'POST', body: new Uint8Array(body), headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' } }), { db: t.db, settings: small });
    expect(res.status).toBe(200);
    const summary = await res.json();
    expect(summary).toMatchObject({ accepted: 1, rejected: 5 });
    expect(summary.rejections.map((r: { line: number; field: string | null; reason: string }) => [r.line, r.field, r.reason])).toEqual([
      [2, null, 'line is not valid UTF-8'],
      [3, null, expect.stringMatching(/over the 1000-byte limit/)],
      [4, null, 'expected a JSON object'],
      [5, null, expect.stringMatching(/^malformed JSON/)],
      [6, 'rollout', 'is required'],
    ]);
  });

  it('answers 400 naming the problem for a JSON array that is not closed', async () => {
    const res = await post('[{"rollout":"x"}, {"a":', { authorization: `Bearer ${token}`, 'content-type': 'application/json' });
    expect(res.status).toBe(400);
    expect((await res.json()).error).toMatch(/not closed \(element 2/);
  });

  it(`answers 503 with Retry-After and the summary so far when the database fails as a whole (${EXPECTED_KIND})`, async () => {
    await t.db.prisma.$executeRawUnsafe('ALTER TABLE "DailyRollup" RENAME TO "DailyRollupAway"');
    try {
      const res = await post(JSON.stringify({ ...record('monitor-attach'), rollout: 'ro-503' }), { authorization: `Bearer ${token}` });
      expect(res.status).toBe(503);
      expect(res.headers.get('retry-after')).toBe('30');
      expect(await res.json()).toMatchObject({ error: expect.stringMatching(/database error while storing lines 1–1/), summary: { accepted: 0 } });
    } finally {
      await t.db.prisma.$executeRawUnsafe('ALTER TABLE "DailyRollupAway" RENAME TO "DailyRollup"');
    }
  });
});
