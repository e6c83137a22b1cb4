import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createIngestToken, verifyIngestToken, verifyMetricsAccess, verifyReadToken } from '../../../lib/auth/ingest-tokens';
import { issueIngestToken, listIngestTokens, parseTokenArgs, revokeIngestToken } from '../../../lib/auth/token-admin';
import { parseSettings } from '../../../lib/env';
import { HttpError } from '../../../lib/errors';
import { createTestDb, type TestDb } from '../../helpers/db';

let t: TestDb;
beforeAll(async () => { t = await createTestDb({ chain: false }); });
afterAll(async () => t?.close());

const statusOf = (p: Promise<unknown>) => p.then(() => 200, (e: unknown) => (e instanceof HttpError ? e.status : 500));

describe('token scopes', () => {
  it('lets a read token read and not ingest, an ingest token ingest and not read', async () => {
    const reader = await issueIngestToken(t.db, 'grafana', 'read');
    const writer = await createIngestToken(t.db, 'pipeline');
    expect(await verifyReadToken(t.db, `Bearer ${reader}`)).toBe('grafana');
    expect(await verifyIngestToken(t.db, [], `Bearer ${writer}`)).toBe('pipeline');
    await expect(verifyIngestToken(t.db, [], `Bearer ${reader}`)).rejects.toMatchObject({ status: 403, message: expect.stringMatching(/read token.*needs an? ingest token/) });
    await expect(verifyReadToken(t.db, `Bearer ${writer}`)).rejects.toMatchObject({ status: 403 });
    // INGEST_TOKENS from settings are ingest tokens: never readers.
    expect(await verifyIngestToken(t.db, ['from-env'], 'Bearer from-env')).toBe('settings');
    expect(await statusOf(verifyReadToken(t.db, 'Bearer from-env'))).toBe(401);
    const listed = await listIngestTokens(t.db);
    expect(listed.map((k) => [k.name, k.scope]).sort()).toEqual([['grafana', 'read'], ['pipeline', 'ingest']]);
    await revokeIngestToken(t.db, listed.find((k) => k.name === 'grafana')!.id);
    expect(await statusOf(verifyReadToken(t.db, `Bearer ${reader}`))).toBe(401);
  });

  it('refuses missing and junk headers with 401, never anything else', async () => {
    await fc.assert(fc.asyncProperty(fc.option(fc.string({ maxLength: 80 }), { nil: null }), async (header) => {
      expect(await statusOf(verifyReadToken(t.db, header))).toBe(401);
    }), { numRuns: 50 });
  });

  it('keeps /metrics open without METRICS_TOKEN; with it, asks for it or a read token', async () => {
    const reader = await issueIngestToken(t.db, 'prometheus', 'read');
    const writer = await createIngestToken(t.db, 'other-pipeline');
    expect(parseSettings({}).metricsToken).toBeNull();
    expect(parseSettings({ METRICS_TOKEN: ' s3cret-metrics ' }).metricsToken).toBe('s3cret-metrics');
    expect(await statusOf(verifyMetricsAccess(t.db, null, null))).toBe(200);
    expect(await statusOf(verifyMetricsAccess(t.db, 's3cret-metrics', 'Bearer s3cret-metrics'))).toBe(200);
    expect(await statusOf(verifyMetricsAccess(t.db, 's3cret-metrics', `Bearer ${reader}`))).toBe(200);
    expect(await statusOf(verifyMetricsAccess(t.db, 's3cret-metrics', null))).toBe(401);
    expect(await statusOf(verifyMetricsAccess(t.db, 's3cret-metrics', 'Bearer s3cret-metricz'))).toBe(401);
    expect(await statusOf(verifyMetricsAccess(t.db, 's3cret-metrics', `Bearer ${writer}`))).toBe(403);
  });
});

describe('npm run token:create arguments', () => {
  it('reads --scope before or after the name, defaulting to ingest', () => {
    expect(parseTokenArgs(['deploy-eu'])).toEqual({ name: 'deploy-eu', scope: 'ingest' });
    expect(parseTokenArgs(['--scope', 'read', 'grafana'])).toEqual({ name: 'grafana', scope: 'read' });
    expect(parseTokenArgs(['grafana', '--scope=read'])).toEqual({ name: 'grafana', scope: 'read' });
  });
  it('names what is wrong', () => {
    expect(() => parseTokenArgs(['--scope', 'write', 'x'])).toThrow(/--scope: "write" is not ingest or read/);
    expect(() => parseTokenArgs(['--scope'])).toThrow(/--scope: "" is not/);
    expect(() => parseTokenArgs([])).toThrow(/usage: npm run token:create/);
    expect(() => parseTokenArgs(['a', 'b'])).toThrow(/usage/);
  });
});
