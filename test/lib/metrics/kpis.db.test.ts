import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getAdmissionOverview } from '../../../lib/admission/pages';
import { getKpis } from '../../../lib/metrics/kpis';
import { classifyAndRank } from '../../../lib/rank/classify-and-rank';
import type { TestDb } from '../../helpers/db';
import { createDigestDb, digestSettings } from '../../helpers/digest-fixture';
import { makeOldSnapshot } from '../../helpers/old-snapshot';

let t: TestDb;
const settings = digestSettings({ timeZone: 'UTC' });

beforeAll(async () => {
  t = await createDigestDb();
  await classifyAndRank({ db: t.db, settings, week: '2026-W46' });
  await classifyAndRank({ db: t.db, settings, week: '2026-W47' });
});
afterAll(async () => t?.close());

describe('the overview KPIs', () => {
  it('gives each ranked week its KPIs, oldest first, with the top classes of the latest week by expected gain', async () => {
    const k = await getKpis(t.db, settings.targets);
    expect(k.weeks.map((w) => [w.week, w.successRate, w.unattendedRate, w.rollouts])).toEqual([
      ['2026-W46', 0, 1, 1],
      ['2026-W47', 0.25, 1, 4],
    ]);
    expect(k.week).toBe('2026-W47');
    expect(k.top.map((c) => [c.title, c.uplift, c.upliftRollouts, c.upliftOf])).toEqual([['pull of <*>:<*> timed out after <*>', 50, 2, 4], ['health check GET <*> returned <*> after <*> attempts', 25, 1, 4]]);
    expect(k.openClasses).toBe(2);
    expect(k.targets.successRate).toBe(0.95);
    expect(k.rankedBy).toBe('gain');
    const gains = k.top.map((c) => c.impact?.expectedGain ?? null);
    expect(gains.every((g) => g !== null && g > 0)).toBe(true);
    expect(gains).toEqual([...gains].sort((a, b) => b! - a!));
  });

  it('leaves out the weeks after the one the digest reports', async () => {
    const k = await getKpis(t.db, settings.targets, { throughWeek: '2026-W46' });
    expect(k.weeks.map((w) => w.week)).toEqual(['2026-W46']);
    expect(k.week).toBe('2026-W46');
  });

  it('reads a ranking stored before expected gain existed as ranked by uplift, with no gain', async () => {
    await makeOldSnapshot(t.db, '2026-W47', false);
    const k = await getKpis(t.db, settings.targets);
    expect(k.rankedBy).toBe('uplift');
    expect(k.top.map((c) => [c.uplift, c.upliftOf, c.impact])).toEqual([[50, 4, null], [25, 4, null]]);
    await classifyAndRank({ db: t.db, settings, week: '2026-W47' });
    expect((await getKpis(t.db, settings.targets)).rankedBy).toBe('gain');
  });

  it('lists no admission rules until they exist', async () => {
    expect(await getAdmissionOverview(t.db, { period: {}, timeZone: 'UTC' })).toMatchObject({ rules: [], violations: [], byRule: [], preflights: [], outcomes: { rules: [] } });
  });
});

describe('an admission rule page', () => {
  it('shows a rule with its violations, and nothing for an unknown rule', async () => {
    const { getAdmissionRule } = await import('../../../lib/admission/pages');
    await t.db.prisma.admissionRule.create({ data: { id: 'no-mixed-hosts', title: 'No test and online containers on one host', kind: 'mixed-host', severity: 'critical', mode: 'audit', scope: 'host', ownerId: 'compute' } });
    const v = await t.db.prisma.admissionViolation.create({ data: { ruleId: 'no-mixed-hosts', subjectType: 'host', subjectId: 'web-1', firstSeen: new Date('2026-11-17T00:00:00Z'), lastSeen: new Date('2026-11-18T00:00:00Z'), count: 2, evidence: { runs: [1, 2] } } });
    await t.db.prisma.admissionViolationWeek.create({ data: { violationId: v.id, week: '2026-W47', checks: 2 } });
    const now = new Date('2026-11-20T12:00:00Z');
    const page = await getAdmissionRule(t.db, 'no-mixed-hosts', { now, timeZone: 'UTC' });
    expect(page!.rule).toMatchObject({ title: 'No test and online containers on one host', owner: { name: 'Compute Platform' } });
    expect(page!.rule.violations.map((x) => [x.subjectId, x.count, x.status])).toEqual([['web-1', 2, 'open']]);
    // The last 8 weeks, this one last; the violation was seen in W47.
    expect(page!.weeks).toHaveLength(8);
    expect(page!.weeks.at(-1)).toBe('2026-W47');
    expect(page!.history.at(-1)).toBe(1);
    expect(page!.outcome).toMatchObject({ rule: 'no-mixed-hosts', joinsOutcomes: true, violating: { rollouts: 0 } });
    expect(await getAdmissionRule(t.db, 'nope', { timeZone: 'UTC' })).toBeNull();
    const overview = await getAdmissionOverview(t.db, { period: {}, now, timeZone: 'UTC' });
    expect(overview.rules).toEqual([expect.objectContaining({ id: 'no-mixed-hosts', open: 1 })]);
    expect(overview.byRule).toEqual([{ id: 'no-mixed-hosts', counts: [0, 0, 0, 0, 0, 0, 0, 1] }]);
    expect(overview.byOwner).toEqual([{ id: 'compute', counts: [0, 0, 0, 0, 0, 0, 0, 1] }]);
  });

  it('counts the days a week ranked in progress covers, so per-day figures divide by them', async () => {
    await classifyAndRank({ db: t.db, settings, week: '2026-W48', now: new Date('2026-11-25T12:00:00Z') });
    const k = await getKpis(t.db, settings.targets);
    expect(k.weeks.map((w) => [w.week, w.days])).toEqual([['2026-W46', 7], ['2026-W47', 7], ['2026-W48', 3]]);
  });
});
