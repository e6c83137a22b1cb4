import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runAdmissionCheck } from '../../../lib/admission/check';
import { parseAdmissionRules } from '../../../lib/admission/config';
import { handlePreflightRequest } from '../../../lib/admission/http';
import { preflightCheck, type PreflightAnswer } from '../../../lib/admission/preflight';
import fc from 'fast-check';
import { EXPECTED_KIND, createTestDb, type TestDb } from '../../helpers/db';
import { ingestRuns, type RunSpec } from '../../helpers/ingest';

let t: TestDb;
const dir = mkdtempSync(path.join(os.tmpdir(), 'rollscope-preflight-'));
const rulesFile = path.join(dir, 'rules.json');
const now = new Date('2026-11-20T12:00:00Z');
const rule = (id: string, kind: string, mode: string, config: object = {}) => ({ id, title: `${id} rule`, severity: 'critical', owner: 'release', mode, kind, config });
const RULES = {
  rules: [
    rule('mixed', 'mixed-host', 'enforce', { overlapMinutes: 60 }),
    rule('provenance', 'image-provenance', 'enforce'),
    rule('fixed', 'fixed-prerelease-host', 'warn'),
    rule('chain', 'chain-length', 'warn', { maxSteps: 5 }),
    rule('floor', 'stage-success-floor', 'audit', { floor: 0.9, minAttempts: 5 }),
    rule('manual', 'max-manual-interventions', 'enforce', { max: 0 }),
  ],
};
const policy = parseAdmissionRules(RULES, 'test');
const ask = (body: object) => preflightCheck({ db: t.db, policy, now, timeZone: 'UTC' }, { hosts: [], image: null, stages: [], ...body } as unknown as Parameters<typeof preflightCheck>[1]);
const result = (a: PreflightAnswer, id: string) => a.results.find((r) => r.rule === id)!;

beforeAll(async () => {
  t = await createTestDb();
  writeFileSync(rulesFile, JSON.stringify(RULES));
  const runs: RunSpec[] = [
    // feed:1 was built on feed-api's pre-release host pre-1 and pushed.
    { rollout: 'r1', stage: 'image-build', at: '2026-11-19T10:00:00Z', host: 'pre-1', env: 'prerelease', attrs: { image: 'feed:1' } },
    { rollout: 'r1', stage: 'image-push', at: '2026-11-19T10:05:00Z', host: 'pre-1', env: 'prerelease', attrs: { image: 'feed:1' } },
    { rollout: 'r1', stage: 'container-start', at: '2026-11-19T10:10:00Z', host: 'web-1', env: 'online', attrs: { image: 'feed:1' } },
    // web-9 ran a test container half an hour ago.
    { rollout: 't1', stage: 'test-build', at: '2026-11-20T11:30:00Z', host: 'web-9', env: 'test' },
    // image-pull fails 2 of 5: below the floor.
    ...Array.from({ length: 5 }, (_, i): RunSpec => ({ rollout: `p${i}`, stage: 'image-pull', at: `2026-11-19T11:0${i}:00Z`, ...(i < 2 ? { message: 'pull timed out' } : {}) })),
  ];
  await ingestRuns(t.db, runs);
  await runAdmissionCheck({ db: t.db, policy, now, timeZone: 'UTC' });
});
afterAll(async () => {
  await t?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('the pre-flight check', () => {
  it('allows a rollout that breaks no rule', async () => {
    const a = await ask({ service: 'feed-api', env: 'online', hosts: ['web-1', 'web-2'], image: 'feed:1', stages: ['container-start'] });
    expect(a).toMatchObject({ decision: 'allow', denied: [], warnings: [] });
    expect(result(a, 'mixed').result).toBe('pass');
    expect(result(a, 'provenance').result).toBe('pass');
    expect(result(a, 'manual')).toMatchObject({ result: 'skip', reasons: ['manual interventions are known only after the rollout'] });
  });

  it('denies when an enforce rule fails, naming the rules and why', async () => {
    const a = await ask({ service: 'feed-api', env: 'online', hosts: ['web-1', 'web-9'], image: 'feed:404', stages: ['container-start'] });
    expect(a.decision).toBe('deny');
    expect(a.denied.map((r) => r.rule)).toEqual(['mixed', 'provenance']);
    expect(result(a, 'mixed').reasons[0]).toMatch(/^1 of 2 hosts ran test work within 60 minutes: web-9 \(last test work 2026-11-20T11:30:01\.000Z\)$/);
    expect(result(a, 'provenance').reasons).toEqual(['image feed:404 was never built']);
  });

  it('allows with a warning when a warn rule fails', async () => {
    const a = await ask({ service: 'feed-api', env: 'prerelease', hosts: ['pre-2'], stages: ['image-build'] });
    expect(a.decision).toBe('allow');
    expect(a.warnings).toMatchObject([{ rule: 'fixed', result: 'warn', mode: 'warn' }]);
    expect(a.warnings[0]!.reasons[0]).toMatch(/feed-api builds its images on pre-1 .*planned on pre-2/);
    const long = await ask({ service: 'feed-api', env: 'online', hosts: ['web-1'], image: 'feed:1', stages: ['a', 'b', 'c', 'd', 'e', 'f'] });
    expect(long).toMatchObject({ decision: 'allow', warnings: [{ rule: 'chain', reasons: ['6 planned steps; at most 5 allowed'] }] });
  });

  it('only reports an audit rule that fails (a planned stage with an open violation)', async () => {
    const a = await ask({ service: 'feed-api', env: 'online', hosts: ['web-1'], image: 'feed:1', stages: ['image-pull'] });
    expect(a).toMatchObject({ decision: 'allow', warnings: [] });
    expect(result(a, 'floor')).toMatchObject({ result: 'fail', mode: 'audit' });
    expect(result(a, 'floor').reasons[0]).toMatch(/^stage image-pull has an open violation since .* \(\/admission\/floor\)$/);
  });
});

describe('POST /api/admission/check', () => {
  const settings = { ingestTokens: ['pipeline-secret'], admissionFile: rulesFile, timeZone: 'UTC' };
  const post = (body: unknown, auth: string | null = 'Bearer pipeline-secret') =>
    handlePreflightRequest(new Request('http://localhost/api/admission/check', { method: 'POST', body: typeof body === 'string' ? body : JSON.stringify(body), headers: auth ? { authorization: auth } : {} }), { db: t.db, settings, now });

  it('answers 401 without a token, and with a wrong one', async () => {
    const none = await post({ service: 'feed-api', env: 'online' }, null);
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toBe('Bearer');
    expect((await post({ service: 'feed-api', env: 'online' }, 'Bearer nope')).status).toBe(401);
  });

  it('answers 400 naming the bad field', async () => {
    const res = await post({ service: 'feed-api', env: 'staging', hosts: 'web-1' });
    expect(res.status).toBe(400);
    const body = (await res.json()) as { error: string; details: { field: string }[] };
    expect(body.details.map((d) => d.field)).toEqual(['env', 'hosts']);
    expect((await post('{not json')).status).toBe(400);
  });

  it('answers allow, warn and deny, and records each check', async () => {
    const allow = await post({ service: 'feed-api', env: 'online', hosts: ['web-1'], image: 'feed:1', stages: ['container-start'] });
    expect(allow.status).toBe(200);
    expect(await allow.json()).toMatchObject({ decision: 'allow', warnings: [] });
    const warn = (await (await post({ service: 'feed-api', env: 'prerelease', hosts: ['pre-2'], stages: ['image-build'] })).json()) as PreflightAnswer;
    expect(warn).toMatchObject({ decision: 'allow', warnings: [{ rule: 'fixed' }] });
    const deny = (await (await post({ service: 'feed-api', env: 'online', hosts: ['web-9'], image: 'feed:1' })).json()) as PreflightAnswer & { id: number };
    expect(deny).toMatchObject({ decision: 'deny', denied: [{ rule: 'mixed', severity: 'critical' }] });
    const recorded = await t.db.prisma.admissionPreflight.findUniqueOrThrow({ where: { id: deny.id } });
    expect(recorded).toMatchObject({ token: 'settings', service: 'feed-api', env: 'online', hosts: 1, decision: 'deny' });
    expect(recorded.results).toMatchObject([{ rule: 'mixed', result: 'fail' }]);
  });

  it(`answers for every documented input size, up to 10,000 hosts and 1,000 stages, and finds the one host that breaks a rule (${EXPECTED_KIND})`, async () => {
    for (const n of [1, 989, 1_000, 5_000, 10_000]) {
      const hosts = Array.from({ length: n }, (_, i) => `fleet-${i}.dc1`);
      hosts[Math.floor(n / 2)] = 'web-9';
      const stages = Array.from({ length: 1_000 }, (_, i) => `stage-${i}`);
      const res = await post({ service: 'feed-api', env: 'online', hosts, image: 'feed:1', stages });
      expect(res.status, `${n} hosts`).toBe(200);
      expect(await res.json()).toMatchObject({ decision: 'deny', denied: [{ rule: 'mixed', reasons: [expect.stringMatching(/^1 of \d+ hosts ran test work/)] }] });
    }
    const tooMany = await post({ service: 'feed-api', env: 'online', hosts: Array.from({ length: 10_001 }, (_, i) => `h${i}`) });
    expect(tooMany.status).toBe(400);
    expect((await tooMany.json()).details).toEqual([expect.objectContaining({ field: 'hosts' })]);
  });

  it(`refuses oversized and unstorable strings with 400 naming the field, never 500 (${EXPECTED_KIND})`, async () => {
    const cases: [object, string][] = [
      [{ service: 'x'.repeat(1_000_000), env: 'online' }, 'service'],
      [{ service: 'feed-api', env: 'online', hosts: ['a\u0000b'] }, 'hosts.0'],
      [{ service: 'feed-api', env: 'online', image: 'i'.repeat(2_049) }, 'image'],
      [{ service: 'feed-api', env: 'online', stages: ['\ud800'] }, 'stages.0'],
    ];
    for (const [body, field] of cases) {
      const res = await post(body);
      expect(res.status).toBe(400);
      expect((await res.json()).details.map((d: { field: string }) => d.field)).toEqual([field]);
    }
    await fc.assert(
      fc.asyncProperty(fc.jsonValue(), async (body) => {
        const res = await post({ service: 'feed-api', env: 'online', hosts: body });
        expect([200, 400]).toContain(res.status);
      }),
      { numRuns: 100 },
    );
  });
});
