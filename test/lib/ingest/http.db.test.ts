import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createIngestToken } from '../../../lib/auth/ingest-tokens';
import { handleIngestRequest } from '../../../lib/ingest/http';
import { createTestDb, type TestDb } from '../../helpers/db';

let t: TestDb;
let token: string;
const settings = { ingestTokens: ['from-settings-secret'], maxBodyBytes: 2000, maxLineBytes: 1000, chainFile: null, timeZone: 'UTC', admissionFile: null };

beforeAll(async () => {
  t = await createTestDb();
  token = await createIngestToken(t.db, 'pipeline-a');
});
afterAll(async () => t?.close());

const record = (stage: string) => ({ rollout: 'ro-http', service: 'feed-api', stage, status: 'succeeded', startedAt: '2026-11-20T10:00:00Z' });
const post = (body: string, headers: Record<string, string>) =>
  handleIngestRequest(new Request('http://localhost/api/ingest', { method: 'POST', body, headers }), { db: t.db, settings });

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
});
