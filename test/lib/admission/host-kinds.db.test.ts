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
    // web-1 runs a test stage at 10:00 and an online stage at 10:30: mixed. web-2 runs test at 10:00 and online at 14:00: fine.
    { rollout: 'c1', stage: 'test-build', at: '2026-11-19T10:00:00Z', host: 'web-1', env: 'test' },
    { rollout: 'c2', stage: 'container-start', at: '2026-11-19T10:30:00Z', host: 'web-1', env: 'online' },
    { rollout: 'd1', stage: 'test-build', at: '2026-11-19T10:00:00Z', host: 'web-2', env: 'test' },
    { rollout: 'd2', stage: 'container-start', at: '2026-11-19T14:00:00Z', host: 'web-2', env: 'online' },
    { rollout: 'e1', stage: 'container-start', at: '2026-11-19T10:00:00Z', host: 'web-3', env: 'online' },
  ]);
});
afterAll(async () => t?.close());

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
