import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadChainConfig } from '../../../lib/chain/config';
import { getRolloutDetail } from '../../../lib/places/rollout-detail';
import { createTestDb, type TestDb } from '../../helpers/db';
import { ingestRuns } from '../../helpers/ingest';

let t: TestDb;
const CHAIN = loadChainConfig(null).stages.map((s) => s.key);
// An id with every awkward character: a slash, percent signs, an underscore, quotes, spaces, unicode.
const ID = `r/1 100%_"x"'é🙂`;
const at = (minute: number) => new Date(Date.UTC(2026, 10, 20, 10, minute)).toISOString();

async function violation(subjectType: string, subjectId: string, status = 'open', rollouts: string[] = []) {
  const v = await t.db.prisma.admissionViolation.create({
    data: { ruleId: 'r', subjectType, subjectId, status, firstSeen: new Date(at(0)), lastSeen: new Date(at(subjectId.length)) },
  });
  for (const rolloutId of rollouts) await t.db.prisma.admissionViolationRollout.create({ data: { violationId: v.id, rolloutId } });
  return v.id;
}

beforeAll(async () => {
  t = await createTestDb();
  // Ingested out of order: retries before first attempts, later stages first. prerelease-deploy has no record.
  await ingestRuns(t.db, [
    { rollout: ID, stage: 'image-push', attempt: 1, at: at(9), host: 'pre-1', env: 'prerelease', message: 'push registry.example.com/a:1: i/o timeout', code: 'E_PUSH', attrs: { image: 'a:1' } },
    { rollout: ID, stage: 'package-publish', attempt: 3, at: at(5), host: 'ci-2' },
    { rollout: ID, stage: 'package-publish', attempt: 1, at: at(2), host: 'ci-1', message: 'publish failed: 503 from npm', manual: true },
    { rollout: ID, stage: 'package-publish', attempt: 2, at: at(3), host: 'ci-1', message: 'publish failed: 503 from npm' },
    { rollout: ID, stage: 'test-build', attempt: 1, at: at(0), host: 'ci-1', env: 'test', durationMs: 90_000 },
    { rollout: ID, stage: 'image-build', attempt: 1, at: at(7), host: 'pre-1', env: 'prerelease', status: 'skipped' },
    { rollout: 'other', stage: 'test-build', at: at(1), host: 'ci-1', service: 'other-svc' },
  ], 'UTC', { classify: true });
  await t.db.prisma.admissionRule.create({ data: { id: 'r', title: 'A rule', kind: 'chain-length', severity: 'warning', mode: 'warn', scope: 'rollout' } });
});
afterAll(async () => t?.close());

describe('getRolloutDetail', () => {
  it('lists the chain in position order with every attempt of every stage, oldest attempt first', async () => {
    const d = (await getRolloutDetail(t.db, ID))!;
    expect(d.rollout).toMatchObject({ id: ID, service: 'feed-api', outcome: 'failed', stageRuns: 6, failedRuns: 3, manualCount: 1 });
    expect(d.stages.map((s) => s.key)).toEqual(CHAIN);
    const stage = (key: string) => d.stages.find((s) => s.key === key)!;
    expect(stage('package-publish').attempts.map((a) => [a.attempt, a.status, a.host, a.manual])).toEqual([
      [1, 'failed', 'ci-1', true], [2, 'failed', 'ci-1', false], [3, 'succeeded', 'ci-2', false],
    ]);
    expect(stage('package-publish').state).toBe('succeeded');
    expect(stage('test-build').attempts[0]).toMatchObject({ durationMs: 90_000, env: 'test', errorMessage: null, errorClass: null });
    expect(stage('image-build').state).toBe('skipped');
    const push = stage('image-push').attempts[0]!;
    expect(push).toMatchObject({ status: 'failed', errorCode: 'E_PUSH', errorMessage: 'push registry.example.com/a:1: i/o timeout', attrs: [['image', 'a:1']] });
    expect(push.errorClass).toMatchObject({ id: expect.any(Number), title: expect.stringContaining('push'), status: 'open' });
    expect(stage('image-push').state).toBe('failed');
  });

  it('shows a stage without records before the furthest one as not run, and those after a failure as not reached', async () => {
    const d = (await getRolloutDetail(t.db, ID))!;
    const states = Object.fromEntries(d.stages.map((s) => [s.key, s.state]));
    expect(states['prerelease-deploy']).toBe('not-run');
    const after = CHAIN.slice(CHAIN.indexOf('image-push') + 1);
    expect(after.length).toBeGreaterThan(0);
    for (const key of after) expect(states[key], key).toBe('not-reached');
    expect(d.stages.filter((s) => s.attempts.length === 0).every((s) => s.state === 'not-run' || s.state === 'not-reached')).toBe(true);
  });

  it('gives null for an unknown id, an empty one and one no database can store, never an error', async () => {
    for (const id of ['nope', ID.toUpperCase(), '', 'a\u0000b', '\ud800', 'x'.repeat(5000)]) expect(await getRolloutDetail(t.db, id), id).toBeNull();
  });

  it("lists the open violations naming the rollout, those it took part in, and its hosts' and service's, each once", async () => {
    const own = await violation('rollout', ID);
    const host = await violation('host', 'pre-1');
    const service = await violation('service', 'feed-api');
    const tookPart = await violation('host', 'far-away', 'acknowledged', [ID]);
    const both = await violation('host', 'ci-2', 'open', [ID]);
    await violation('host', 'someone-else');
    await violation('rollout', 'other');
    await violation('service', 'other-svc');
    await violation('host', 'ci-1', 'resolved', [ID]);
    const d = (await getRolloutDetail(t.db, ID))!;
    expect(d.violations.map((v) => [v.id, v.via])).toEqual([[own, 'rollout'], [tookPart, 'took-part'], [both, 'took-part'], [host, 'host'], [service, 'service']]);
    expect(d.violations[0]).toMatchObject({ rule: 'A rule', severity: 'warning', mode: 'warn', subjectType: 'rollout', subjectId: ID, status: 'open' });
  });
});
