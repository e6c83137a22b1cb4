import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runAdmissionCheck } from '../../../lib/admission/check';
import { parseAdmissionRules } from '../../../lib/admission/config';
import { createTestDb, type TestDb } from '../../helpers/db';
import { ingestRuns } from '../../helpers/ingest';

let t: TestDb;
const rule = (kind: string, config: object) => parseAdmissionRules({ rules: [{ id: kind, title: kind, severity: 'critical', owner: 'compute', mode: 'enforce', kind, config }] }, 'test');
const check = (kind: string, config: object, now = '2026-11-20T12:00:00Z') => runAdmissionCheck({ db: t.db, policy: rule(kind, config), now: new Date(now), timeZone: 'UTC' });
const open = (ruleId: string) => t.db.prisma.admissionViolation.findMany({ where: { ruleId, status: 'open' }, orderBy: { subjectId: 'asc' } });

beforeAll(async () => {
  t = await createTestDb();
  await ingestRuns(t.db, [
    // feed-api builds on pre-1 first, then once on pre-9: a breach. user-svc always builds on pre-2.
    { rollout: 'a1', service: 'feed-api', stage: 'image-build', at: '2026-11-01T10:00:00Z', host: 'pre-1', env: 'prerelease' },
    { rollout: 'a2', service: 'feed-api', stage: 'image-build', at: '2026-11-18T10:00:00Z', host: 'pre-9', env: 'prerelease' },
    { rollout: 'a3', service: 'feed-api', stage: 'image-build', at: '2026-11-19T10:00:00Z', host: 'pre-1', env: 'prerelease' },
    { rollout: 'b1', service: 'user-svc', stage: 'image-build', at: '2026-11-02T10:00:00Z', host: 'pre-2', env: 'prerelease' },
    { rollout: 'b2', service: 'user-svc', stage: 'image-build', at: '2026-11-18T10:00:00Z', host: 'pre-2', env: 'prerelease' },
    // web-1 runs a test stage at 10:00 and an online stage at 10:30: mixed. web-2 runs test at 10:00 and online at 14:00: fine.
    { rollout: 'c1', stage: 'test-build', at: '2026-11-19T10:00:00Z', host: 'web-1', env: 'test' },
    { rollout: 'c2', stage: 'container-start', at: '2026-11-19T10:30:00Z', host: 'web-1', env: 'online' },
    { rollout: 'd1', stage: 'test-build', at: '2026-11-19T10:00:00Z', host: 'web-2', env: 'test' },
    { rollout: 'd2', stage: 'container-start', at: '2026-11-19T14:00:00Z', host: 'web-2', env: 'online' },
    { rollout: 'e1', stage: 'container-start', at: '2026-11-19T10:00:00Z', host: 'web-3', env: 'online' },
  ]);
});
afterAll(async () => t?.close());

describe('fixed-prerelease-host', () => {
  it('breaks for a build on another host than the first one, with the hosts and builds as evidence', async () => {
    expect(await check('fixed-prerelease-host', { windowDays: 7 })).toMatchObject({ findings: 1, opened: 1 });
    const [v] = await open('fixed-prerelease-host');
    expect(v).toMatchObject({ subjectType: 'service', subjectId: 'feed-api' });
    expect(v!.evidence).toMatchObject({ fixedHost: 'pre-1', otherHosts: ['pre-9'], builds: [{ host: 'pre-9', rolloutId: 'a2' }] });
  });

  it('holds when the offending build is older than the window', async () => {
    expect((await check('fixed-prerelease-host', { windowDays: 1 })).findings).toBe(0);
  });
});

describe('mixed-host', () => {
  it('breaks for a host running test and online work within the overlap, with both runs as evidence', async () => {
    expect(await check('mixed-host', { overlapMinutes: 60 })).toMatchObject({ findings: 1 });
    const [v] = await open('mixed-host');
    expect(v).toMatchObject({ subjectType: 'host', subjectId: 'web-1' });
    expect(v!.evidence).toMatchObject({ clashes: 1, examples: [{ test: { rolloutId: 'c1' }, online: { rolloutId: 'c2' } }] });
  });

  it('counts hosts further apart in time only with a wider overlap', async () => {
    expect((await check('mixed-host', { overlapMinutes: 300 }, '2026-11-20T13:00:00Z')).findings).toBe(2);
    expect((await check('mixed-host', { overlapMinutes: 0 }, '2026-11-20T14:00:00Z')).findings).toBe(0);
  });
});
