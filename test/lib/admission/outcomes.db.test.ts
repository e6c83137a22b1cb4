import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runAdmissionCheck } from '../../../lib/admission/check';
import { parseAdmissionRules } from '../../../lib/admission/config';
import { formatOutcomeReport } from '../../../lib/admission/format-outcomes';
import { getAdmissionOutcomes, type RuleOutcome } from '../../../lib/admission/outcomes';
import { createTestDb, type TestDb } from '../../helpers/db';
import { ingestRuns, type RunSpec } from '../../helpers/ingest';

// A hand-checked data set: in W47 six rollouts finished, two of them needed a person (m1 failed,
// m2 succeeded); of the four others one failed. m0, in W46, needed a person and failed.
let t: TestDb;
const LAST = 'monitor-attach';
const rollout = (id: string, day: string, opts: { failed?: boolean; manual?: boolean } = {}): RunSpec => ({
  rollout: id, stage: LAST, at: `${day}T10:00:00Z`, ...(opts.failed ? { message: 'agent did not answer' } : {}), ...(opts.manual ? { manual: true } : {}),
});
const policy = parseAdmissionRules(
  {
    rules: [
      { id: 'unattended', title: 'Unattended', severity: 'warning', owner: 'release', mode: 'audit', kind: 'max-manual-interventions', config: { max: 0, windowDays: 30 } },
      { id: 'short', title: 'Short chains', severity: 'warning', owner: 'release', mode: 'enforce', kind: 'chain-length', config: { maxSteps: 5 } },
      { id: 'floor', title: 'Floor', severity: 'info', owner: 'sre', mode: 'audit', kind: 'stage-success-floor', config: { floor: 0.5 } },
    ],
  },
  'test',
);
const rule = (rules: RuleOutcome[], id: string) => rules.find((r) => r.rule === id)!;

beforeAll(async () => {
  t = await createTestDb();
  await ingestRuns(t.db, [
    rollout('m1', '2026-11-17', { failed: true, manual: true }),
    rollout('m2', '2026-11-18', { manual: true }),
    rollout('c1', '2026-11-17', { failed: true }),
    rollout('c2', '2026-11-18'),
    rollout('c3', '2026-11-19'),
    rollout('c4', '2026-11-20'),
    { rollout: 'ip', stage: 'test-build', at: '2026-11-20T10:00:00Z' },
    rollout('m0', '2026-11-11', { failed: true, manual: true }),
  ]);
  await runAdmissionCheck({ db: t.db, policy, now: new Date('2026-11-22T12:00:00Z'), timeZone: 'UTC' });
});
afterAll(async () => t?.close());

describe('violations joined to outcomes', () => {
  it('compares the failure share of violating and compliant rollouts in a week, with the what-if of enforcing an audit rule', async () => {
    const r = await getAdmissionOutcomes(t.db, { week: '2026-W47' });
    expect(r).toMatchObject({ week: '2026-W47', days: { from: '2026-11-16', to: '2026-11-22' }, rollouts: 6, failed: 2 });
    expect(rule(r.rules, 'unattended')).toEqual({
      rule: 'unattended', title: 'Unattended', mode: 'audit', joinsOutcomes: true,
      violating: { rollouts: 2, failed: 1, failShare: 0.5 },
      compliant: { rollouts: 4, failed: 1, failShare: 0.25 },
      whatIf: { blocked: 2, failuresPrevented: 1, goodBlocked: 1, shareOfAllFailures: 0.5 },
    });
  });

  it('covers every stored rollout without a week', async () => {
    const r = await getAdmissionOutcomes(t.db);
    expect(r).toMatchObject({ week: null, rollouts: 7, failed: 3 });
    expect(rule(r.rules, 'unattended')).toMatchObject({ violating: { rollouts: 3, failed: 2 }, compliant: { rollouts: 4, failed: 1 }, whatIf: { blocked: 3, failuresPrevented: 2, goodBlocked: 1 } });
  });

  it('takes a range of days too (the dashboard\'s default: the last 28 days)', async () => {
    const r = await getAdmissionOutcomes(t.db, { days: { from: '2026-11-17', to: '2026-11-17' } });
    expect(r).toMatchObject({ week: null, days: { from: '2026-11-17', to: '2026-11-17' }, rollouts: 2, failed: 2 });
    expect(rule(r.rules, 'unattended')).toMatchObject({ violating: { rollouts: 1, failed: 1 }, compliant: { rollouts: 1, failed: 1 } });
    expect(formatOutcomeReport(r)).toContain('days (2026-11-17 to 2026-11-17): 2 finished rollouts, 2 failed.');
  });

  it('gives no what-if for an enforce rule, and skips kinds whose violations name no rollouts', async () => {
    const r = await getAdmissionOutcomes(t.db, { week: '2026-W47' });
    expect(rule(r.rules, 'short')).toMatchObject({ joinsOutcomes: true, violating: { rollouts: 0, failShare: null }, compliant: { rollouts: 6 }, whatIf: null });
    expect(rule(r.rules, 'floor')).toMatchObject({ joinsOutcomes: false, whatIf: null });
  });

  it('prints the report as `npm run admission:report` does', async () => {
    const text = formatOutcomeReport(await getAdmissionOutcomes(t.db, { week: '2026-W47' }));
    expect(text).toContain('2026-W47 (2026-11-16 to 2026-11-22): 6 finished rollouts, 2 failed.');
    expect(text).toContain('unattended [audit] Unattended\n  failed: violating 50.0% of 2 · compliant 25.0% of 4\n  if enforced: 2 rollouts refused, 1 failures prevented (50.0% of all failures), 1 good rollouts blocked');
    expect(text).toContain('floor [audit] Floor\n  skip:');
  });

  it('rejects a malformed week', async () => {
    await expect(getAdmissionOutcomes(t.db, { week: '2026-47' })).rejects.toThrow(/not an ISO week/);
  });
});
