import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runAdmissionCheck } from '../../../lib/admission/check';
import { parseAdmissionRules } from '../../../lib/admission/config';
import { RULE_KINDS } from '../../../lib/admission/kinds';
import { addDays } from '../../../lib/time/day';
import { createTestDb, type TestDb } from '../../helpers/db';
import { ingestRuns, type RunSpec } from '../../helpers/ingest';

/**
 * Every built-in kind through the whole lifecycle: it holds on clean data, breaks (with its
 * evidence), resolves by itself once it held for its window, and reopens on a new breach. Kinds
 * whose subject is one rollout are judged once per rollout, so they do not reopen.
 */
type Scenario = {
  kind: string;
  config: object;
  subject: string;
  /** Clean data that must not break the rule. */
  setup?: (db: TestDb['db']) => Promise<void>;
  breach: (db: TestDb['db'], day: string, n: number) => Promise<void>;
  /** For kinds not about a window of data: puts things right again. */
  heal?: (db: TestDb['db']) => Promise<void>;
  evidence: Record<string, unknown>;
  reopens: boolean;
  /** Days a breach stays in the rule's window after the bad day (a stage's rate over 7 days): it breaks on each. */
  lingers?: number;
};

const at = (day: string, hhmm: string) => `${day}T${hhmm}:00Z`;
const ingest = (db: TestDb['db'], runs: RunSpec[]) => ingestRuns(db, runs).then(() => undefined);

const SCENARIOS: Scenario[] = [
  {
    kind: 'mixed-host',
    config: { overlapMinutes: 60, windowDays: 7 },
    subject: 'web-1',
    setup: (db) => ingest(db, [{ rollout: 'ok', stage: 'container-start', at: at('2026-11-01', '10:00'), host: 'web-1', env: 'online' }]),
    breach: (db, day, n) =>
      ingest(db, [
        { rollout: `t${n}`, stage: 'test-build', at: at(day, '10:00'), host: 'web-1', env: 'test' },
        { rollout: `o${n}`, stage: 'container-start', at: at(day, '10:30'), host: 'web-1', env: 'online' },
      ]),
    evidence: { clashes: 1 },
    reopens: true,
  },
  {
    kind: 'fixed-prerelease-host',
    config: { windowDays: 7 },
    subject: 'feed-api',
    setup: (db) => ingest(db, [{ rollout: 'first', stage: 'image-build', at: at('2026-11-01', '10:00'), host: 'pre-1', env: 'prerelease' }]),
    breach: (db, day, n) => ingest(db, [{ rollout: `b${n}`, stage: 'image-build', at: at(day, '10:00'), host: 'pre-2', env: 'prerelease' }]),
    evidence: { fixedHost: 'pre-1', otherHosts: ['pre-2'] },
    reopens: true,
  },
  {
    kind: 'image-provenance',
    config: { windowDays: 7 },
    subject: 'feed-api',
    setup: (db) =>
      ingest(db, [
        { rollout: 'good', stage: 'image-build', at: at('2026-11-01', '10:00'), host: 'pre-1', env: 'prerelease', attrs: { image: 'feed:good' } },
        { rollout: 'good', stage: 'image-push', at: at('2026-11-01', '10:05'), host: 'pre-1', env: 'prerelease', attrs: { image: 'feed:good' } },
        { rollout: 'good', stage: 'image-pull', at: at('2026-11-01', '10:10'), host: 'web-1', env: 'online', attrs: { image: 'feed:good' } },
      ]),
    breach: (db, day, n) => ingest(db, [{ rollout: `u${n}`, stage: 'image-pull', at: at(day, '10:00'), host: 'web-1', env: 'online', attrs: { image: `feed:unknown-${n}` } }]),
    evidence: { rollouts: 1, examples: [{ problem: 'image feed:unknown-1 was never built' }] },
    reopens: true,
  },
  {
    kind: 'chain-length',
    config: { maxSteps: 2, windowDays: 7 },
    subject: 'long',
    setup: (db) => ingest(db, ['test-build', 'package-publish'].map((stage, i) => ({ rollout: 'short', stage, at: at('2026-11-01', `10:0${i}`) }))),
    breach: (db, day) => ingest(db, ['test-build', 'package-publish', 'prerelease-deploy'].map((stage, i) => ({ rollout: 'long', stage, at: at(day, `10:0${i}`) }))),
    evidence: { steps: 3, maxSteps: 2 },
    reopens: false,
  },
  {
    kind: 'stage-success-floor',
    config: { floor: 0.9, windowDays: 7, minAttempts: 5 },
    subject: 'image-pull',
    setup: (db) => ingest(db, Array.from({ length: 5 }, (_, i) => ({ rollout: `fine${i}`, stage: 'image-pull', at: at('2026-11-01', `10:0${i}`) }))),
    breach: (db, day, n) => ingest(db, Array.from({ length: 5 }, (_, i) => ({ rollout: `p${n}-${i}`, stage: 'image-pull', at: at(day, `10:0${i}`), ...(i < 2 ? { message: 'pull timed out' } : {}) }))),
    evidence: { successes: 3, failures: 2, floor: 0.9 },
    reopens: true,
    lingers: 6,
  },
  {
    kind: 'stage-duration',
    config: { limitMs: 60_000, windowDays: 7, minRuns: 3 },
    subject: 'health-check',
    setup: (db) => ingest(db, Array.from({ length: 3 }, (_, i) => ({ rollout: `quick${i}`, stage: 'health-check', at: at('2026-11-01', `10:0${i}`), durationMs: 20_000 }))),
    breach: (db, day, n) => ingest(db, Array.from({ length: 3 }, (_, i) => ({ rollout: `slow${n}-${i}`, stage: 'health-check', at: at(day, `10:0${i}`), durationMs: 90_000 + i }))),
    evidence: { percentile: 0.95, valueMs: 90_002, limitMs: 60_000, runs: 3 },
    reopens: true,
    lingers: 6,
  },
  {
    kind: 'max-manual-interventions',
    config: { max: 0, windowDays: 7 },
    subject: 'needy',
    setup: (db) => ingest(db, [{ rollout: 'calm', stage: 'test-build', at: at('2026-11-01', '10:00') }]),
    breach: (db, day) => ingest(db, [{ rollout: 'needy', stage: 'test-build', at: at(day, '10:00'), manual: true }]),
    evidence: { manualCount: 1, max: 0 },
    reopens: false,
  },
  {
    kind: 'accountable-owner',
    config: { subjects: ['stage'] },
    subject: 'lb-attach',
    breach: async (db) => void (await db.prisma.stage.update({ where: { key: 'lb-attach' }, data: { ownerId: null } })),
    heal: async (db) => void (await db.prisma.stage.update({ where: { key: 'lb-attach' }, data: { ownerId: 'traffic' } })),
    evidence: { name: 'Load balancer attach' },
    reopens: true,
  },
];

it('has a lifecycle scenario for every built-in kind', () => {
  expect(SCENARIOS.map((s) => s.kind).sort()).toEqual(Object.keys(RULE_KINDS).sort());
});

describe.each(SCENARIOS)('$kind', (s) => {
  let t: TestDb;
  const policy = parseAdmissionRules({ rules: [{ id: 'r', title: s.kind, severity: 'warning', owner: 'sre', mode: 'audit', kind: s.kind, config: s.config }] }, 'test');
  const window = policy.rules[0]!.windowDays;
  const check = (day: string) => runAdmissionCheck({ db: t.db, policy, now: new Date(at(day, '12:00')), timeZone: 'UTC' });
  const violation = () => t.db.prisma.admissionViolation.findFirst({ where: { ruleId: 'r', subjectId: s.subject } });
  const d1 = '2026-11-10';
  const lingers = s.lingers ?? 0;
  const resolvedOn = addDays(d1, lingers + window + 1);
  const d2 = addDays(resolvedOn, 1);

  beforeAll(async () => {
    t = await createTestDb();
  });
  afterAll(async () => t?.close());

  it('holds on clean data', async () => {
    await s.setup?.(t.db);
    await check('2026-11-01');
    expect(await violation()).toBeNull();
  });

  it('breaks, with its evidence', async () => {
    await s.breach(t.db, d1, 1);
    const r = await check(d1);
    expect(r.opened).toBe(1);
    const v = await violation();
    expect(v).toMatchObject({ status: 'open', count: 1 });
    expect(v!.evidence).toMatchObject(s.evidence);
  });

  it('resolves by itself once it held for its window, not before', async () => {
    await s.heal?.(t.db);
    expect((await check(addDays(resolvedOn, -2))).resolved).toBe(0);
    expect((await check(resolvedOn)).resolved).toBe(1);
    expect(await violation()).toMatchObject({ status: 'resolved' });
  });

  it.runIf(s.reopens)('reopens on a new breach', async () => {
    await s.breach(t.db, d2, 2);
    expect((await check(d2)).reopened).toBe(1);
    // Counted once per sighting, or (window kinds) once per day it broke on.
    expect(await violation()).toMatchObject({ status: 'open', resolvedAt: null, count: lingers + 2 });
  });
});
