import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkNewRuns, runAdmissionCheck } from '../../../lib/admission/check';
import { parseAdmissionRules } from '../../../lib/admission/config';
import { acknowledgeViolation } from '../../../lib/admission/violations';
import os from 'node:os';
import { openDb } from '../../../lib/db';
import { inTransaction, readStoreHorizon } from '../../../lib/sql';
import { EXPECTED_KIND, createTestDb, type TestDb } from '../../helpers/db';
import { ingestRuns, type RunSpec } from '../../helpers/ingest';

// The per-record kinds, checked on the runs of each ingestion (by StageRun id range), and the
// admission state they read.
let t: TestDb;
const policy = (kind: string, config: object = {}) => parseAdmissionRules({ rules: [{ id: kind, title: kind, severity: 'critical', owner: 'release', mode: 'enforce', kind, config }] }, 'test');
const pass = (p: ReturnType<typeof policy>, now: string) => checkNewRuns({ db: t.db, policy: p, now: new Date(now), timeZone: 'UTC' });
const full = (p: ReturnType<typeof policy>, now: string) => runAdmissionCheck({ db: t.db, policy: p, now: new Date(now), timeZone: 'UTC' });
const violation = (ruleId: string, subjectId: string) =>
  t.db.prisma.admissionViolation.findFirst({ where: { ruleId, subjectId }, include: { rollouts: { orderBy: { rolloutId: 'asc' } } } });

// One rollout's image path: build on `buildHost`, push, then run online (image-pull, container-start).
function imageRollout(id: string, service: string, day: string, opts: { buildHost: string; image: string; push?: boolean; build?: boolean }): RunSpec[] {
  const at = (hh: string) => `${day}T${hh}:00Z`;
  const runs: RunSpec[] = [];
  if (opts.build !== false) runs.push({ rollout: id, service, stage: 'image-build', at: at('10:00'), host: opts.buildHost, env: 'prerelease', attrs: { image: opts.image } });
  if (opts.push !== false) runs.push({ rollout: id, service, stage: 'image-push', at: at('10:10'), host: opts.buildHost, env: 'prerelease', attrs: { image: opts.image } });
  runs.push({ rollout: id, service, stage: 'image-pull', at: at('10:20'), host: `${service}-web-1`, env: 'online', attrs: { image: opts.image } });
  runs.push({ rollout: id, service, stage: 'container-start', at: at('10:21'), host: `${service}-web-1`, env: 'online', attrs: { image: opts.image } });
  return runs;
}

// Each group gets its own database: the cursors are per rule, and a rule reads all runs it has not read.
function freshDb(): void {
  beforeAll(async () => {
    t = await createTestDb();
  });
  afterAll(async () => t?.close());
}

describe('the admission state', () => {
  freshDb();
  it('keeps each host\'s environments, each service\'s first build host and each image\'s build and push, read once per run', async () => {
    await ingestRuns(t.db, [
      ...imageRollout('s1', 'state-svc', '2026-11-02', { buildHost: 'pre-1', image: 'state-svc:1' }),
      // Ingested later but built earlier: the earliest build fixes the host.
      ...imageRollout('s0', 'state-svc', '2026-11-01', { buildHost: 'pre-0', image: 'state-svc:0', push: false }),
    ]);
    const first = await pass(policy('chain-length', { maxSteps: 20 }), '2026-11-03T00:00:00Z');
    expect(first).toMatchObject({ runs: 7, findings: 0 });
    expect(await t.db.prisma.serviceBuildHost.findUnique({ where: { service: 'state-svc' } })).toMatchObject({ host: 'pre-0', rolloutId: 's0' });
    expect(await t.db.prisma.imageSeen.findUnique({ where: { image: 'state-svc:1' } })).toMatchObject({ buildHost: 'pre-1', buildRolloutId: 's1', pushedAt: new Date('2026-11-02T10:10:00Z') });
    expect(await t.db.prisma.imageSeen.findUnique({ where: { image: 'state-svc:0' } })).toMatchObject({ buildHost: 'pre-0', pushedAt: null });
    const web = await t.db.prisma.hostEnvSeen.findUnique({ where: { host_env: { host: 'state-svc-web-1', env: 'online' } } });
    expect(web).toMatchObject({ firstSeen: new Date('2026-11-01T10:20:00Z'), lastSeen: new Date('2026-11-02T10:21:01Z') });
    // Nothing new: the next pass reads nothing.
    expect(await pass(policy('chain-length', { maxSteps: 20 }), '2026-11-03T00:00:00Z')).toMatchObject({ runs: 0 });
  });
});

describe('fixed-prerelease-host', () => {
  freshDb();
  it('holds while builds stay on the first build host', async () => {
    await ingestRuns(t.db, [...imageRollout('f1', 'fix-svc', '2026-11-10', { buildHost: 'pre-5', image: 'fix:1' }), ...imageRollout('f2', 'fix-svc', '2026-11-11', { buildHost: 'pre-5', image: 'fix:2' })]);
    expect((await pass(policy('fixed-prerelease-host'), '2026-11-11T12:00:00Z'))!.findings).toBe(0);
  });

  it('breaks for a build on another host, with the fixed host, the builds and the rollouts as evidence', async () => {
    await ingestRuns(t.db, imageRollout('f3', 'fix-svc', '2026-11-12', { buildHost: 'pre-7', image: 'fix:3' }));
    expect(await pass(policy('fixed-prerelease-host'), '2026-11-12T12:00:00Z')).toMatchObject({ findings: 1, opened: 1 });
    const v = await violation('fixed-prerelease-host', 'fix-svc');
    expect(v).toMatchObject({ subjectType: 'service', status: 'open', lastSeen: new Date('2026-11-12T10:00:00Z') });
    expect(v!.evidence).toMatchObject({ fixedHost: 'pre-5', otherHosts: ['pre-7'], builds: [{ host: 'pre-7', rolloutId: 'f3' }], buildCount: 1 });
    expect(v!.rollouts.map((r) => r.rolloutId)).toEqual(['f3']);
  });

  it('can be acknowledged (and taken back); an acknowledged violation stays acknowledged when seen again', async () => {
    const v = await violation('fixed-prerelease-host', 'fix-svc');
    await acknowledgeViolation(t.db, { id: v!.id, acknowledged: true, actor: 'eng@example.com', now: new Date('2026-11-12T13:00:00Z') });
    expect(await violation('fixed-prerelease-host', 'fix-svc')).toMatchObject({ status: 'acknowledged', acknowledgedBy: 'eng@example.com' });
    await acknowledgeViolation(t.db, { id: v!.id, acknowledged: false, actor: 'eng@example.com' });
    expect(await violation('fixed-prerelease-host', 'fix-svc')).toMatchObject({ status: 'open', acknowledgedBy: null });
    await acknowledgeViolation(t.db, { id: v!.id, acknowledged: true, actor: 'eng@example.com' });
    await expect(acknowledgeViolation(t.db, { id: 999_999, acknowledged: true, actor: 'x' })).rejects.toThrow('violation 999999 does not exist');
  });

  it('resolves by itself once the rule held for its window, and reopens on the next breach', async () => {
    // 6 days later: still within the 7-day window.
    expect((await full(policy('fixed-prerelease-host'), '2026-11-18T12:00:00Z')).resolved).toBe(0);
    expect((await full(policy('fixed-prerelease-host'), '2026-11-20T12:00:00Z')).resolved).toBe(1);
    expect(await violation('fixed-prerelease-host', 'fix-svc')).toMatchObject({ status: 'resolved' });
    await expect(acknowledgeViolation(t.db, { id: (await violation('fixed-prerelease-host', 'fix-svc'))!.id, acknowledged: true, actor: 'x' })).rejects.toThrow(/is resolved/);
    await ingestRuns(t.db, imageRollout('f4', 'fix-svc', '2026-11-21', { buildHost: 'pre-8', image: 'fix:4' }));
    expect(await pass(policy('fixed-prerelease-host'), '2026-11-21T12:00:00Z')).toMatchObject({ reopened: 1, opened: 0 });
    const v = await violation('fixed-prerelease-host', 'fix-svc');
    expect(v).toMatchObject({ status: 'open', count: 2, firstSeen: new Date('2026-11-12T10:00:00Z'), resolvedAt: null, acknowledgedBy: null });
    expect(v!.rollouts.map((r) => r.rolloutId)).toEqual(['f3', 'f4']);
  });
});

describe('image-provenance', () => {
  freshDb();
  it('holds for an image built on the fixed host and pushed before it ran', async () => {
    await ingestRuns(t.db, imageRollout('i1', 'img-svc', '2026-11-15', { buildHost: 'pre-3', image: 'img:1' }));
    expect((await pass(policy('image-provenance'), '2026-11-15T12:00:00Z'))!.findings).toBe(0);
  });

  it('breaks for an image never built, never pushed, or built off the fixed host, and says which', async () => {
    await ingestRuns(t.db, [
      ...imageRollout('i2', 'img-svc', '2026-11-16', { buildHost: 'pre-3', image: 'img:2', push: false }),
      ...imageRollout('i3', 'img-svc', '2026-11-16', { buildHost: 'pre-3', image: 'img:3', build: false, push: false }),
      ...imageRollout('i4', 'img-svc', '2026-11-17', { buildHost: 'pre-4', image: 'img:4' }),
    ]);
    expect(await pass(policy('image-provenance'), '2026-11-17T12:00:00Z')).toMatchObject({ findings: 1, opened: 1 });
    const v = await violation('image-provenance', 'img-svc');
    // One finding for three breaches: first seen at the earliest, last seen at the latest.
    expect(v).toMatchObject({ firstSeen: new Date('2026-11-16T10:20:00Z'), lastSeen: new Date('2026-11-17T10:20:00Z') });
    expect(v!.rollouts.map((r) => r.rolloutId)).toEqual(['i2', 'i3', 'i4']);
    const problems = (v!.evidence as { examples: { rolloutId: string; problem: string }[] }).examples.map((e) => `${e.rolloutId}: ${e.problem}`);
    expect(problems).toEqual([
      'i2: image img:2 was not pushed to the registry before it ran',
      'i3: image img:3 was never built',
      "i4: image img:4 was built on pre-4, not on img-svc's pre-release host pre-3",
    ]);
  });
});

describe('chain-length', () => {
  freshDb();
  const chain = (id: string, stages: string[], status: 'succeeded' | 'skipped' = 'succeeded') =>
    stages.map((stage, i) => ({ rollout: id, service: 'chain-svc', stage, at: `2026-11-18T10:${String(i).padStart(2, '0')}:00Z`, status }));
  const three = ['test-build', 'package-publish', 'prerelease-deploy'];

  it('holds for a chain of at most N steps (skipped stages and retries do not count)', async () => {
    await ingestRuns(t.db, [...chain('c1', three), ...chain('c1', ['image-build'], 'skipped'), { rollout: 'c1', service: 'chain-svc', stage: 'test-build', attempt: 2, at: '2026-11-18T11:00:00Z' }]);
    expect((await pass(policy('chain-length', { maxSteps: 3 }), '2026-11-18T12:00:00Z'))!.findings).toBe(0);
  });

  it('breaks for a longer chain, with its steps as evidence', async () => {
    await ingestRuns(t.db, chain('c2', [...three, 'image-build']));
    expect((await pass(policy('chain-length', { maxSteps: 3 }), '2026-11-18T12:00:00Z'))!.findings).toBe(1);
    const v = await violation('chain-length', 'c2');
    expect(v).toMatchObject({ subjectType: 'rollout', status: 'open' });
    expect(v!.evidence).toMatchObject({ steps: 4, maxSteps: 3, service: 'chain-svc' });
    expect([...(v!.evidence as { stages: string[] }).stages].sort()).toEqual(['image-build', 'package-publish', 'prerelease-deploy', 'test-build']);
  });

  it('reads the history when the rule is added after the runs were ingested', async () => {
    const later = parseAdmissionRules({ rules: [{ id: 'short-chains', title: 'short', severity: 'info', owner: 'release', mode: 'audit', kind: 'chain-length', config: { maxSteps: 2 } }] }, 'test');
    expect((await pass(later, '2026-11-18T12:00:00Z'))!.findings).toBe(2);
  });
});

describe('the pass after ingestion', () => {
  freshDb();
  it('runs when an ingestion has a policy, and reports what it found in the summary', async () => {
    // The pass uses the clock: runs of the last hours are recent for any rule window.
    const hoursAgo = (h: number) => new Date(Date.now() - h * 3_600_000).toISOString();
    const p = policy('fixed-prerelease-host');
    const runs = (id: string, host: string, at: string): RunSpec[] => [{ rollout: id, service: 'live-svc', stage: 'image-build', at, host, env: 'prerelease', attrs: { image: id } }];
    expect((await ingestRuns(t.db, runs('l1', 'pre-1', hoursAgo(2)), 'UTC', { admission: p })).admission).toMatchObject({ findings: 0 });
    const summary = await ingestRuns(t.db, runs('l2', 'pre-2', hoursAgo(1)), 'UTC', { admission: p });
    expect(summary.admission).toMatchObject({ findings: 1, opened: 1 });
    expect(await violation('fixed-prerelease-host', 'live-svc')).toMatchObject({ status: 'open' });
  });

  it(`is not held back by an ingestion whose process died (${EXPECTED_KIND})`, async () => {
    await t.db.prisma.ingestBatch.create({ data: { source: 'killed-upload', format: 'ndjson', startedAt: new Date(), status: 'running', holder: `${os.hostname()}:2147483646:dead` } });
    await ingestRuns(t.db, imageRollout('w0', 'wait-svc', '2026-11-19', { buildHost: 'pre-1', image: 'wait:0' }));
    expect(await pass(policy('fixed-prerelease-host'), '2026-11-20T12:00:00Z')).toMatchObject({ runs: 4 });
  });

  it(`reads only up to the store horizon, which waits for a store transaction still open (${EXPECTED_KIND})`, async () => {
    const other = await openDb(t.url);
    let commit!: () => void;
    const held = new Promise<void>((resolve) => (commit = resolve));
    let opened!: () => void;
    const isOpen = new Promise<void>((resolve) => (opened = resolve));
    const writing = inTransaction(other, async () => {
      opened();
      await held;
    }, { serialize: true });
    await isOpen;
    let horizon: number | null = null;
    const reading = readStoreHorizon(t.db).then((h) => (horizon = h));
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(horizon).toBeNull();
    commit();
    await writing;
    await reading;
    expect(horizon).toBe((await t.db.prisma.stageRun.aggregate({ _max: { id: true } }))._max.id);
    await other.close();
  });

  it('records a breach older than the rule\'s window as already resolved (history ingested late)', async () => {
    await ingestRuns(t.db, [...imageRollout('o1', 'old-svc', '2026-10-01', { buildHost: 'pre-1', image: 'old:1' }), ...imageRollout('o2', 'old-svc', '2026-10-02', { buildHost: 'pre-2', image: 'old:2' })]);
    expect(await pass(policy('fixed-prerelease-host'), '2026-11-25T12:00:00Z')).toMatchObject({ findings: 1, opened: 0, resolved: 1 });
    const v = await violation('fixed-prerelease-host', 'old-svc');
    expect(v).toMatchObject({ status: 'resolved', lastSeen: new Date('2026-10-02T10:00:00Z') });
    // Its week is the week of the breach, not of the check.
    expect(await t.db.prisma.admissionViolationWeek.findMany({ where: { violationId: v!.id } })).toMatchObject([{ week: '2026-W40' }]);
  });
});
