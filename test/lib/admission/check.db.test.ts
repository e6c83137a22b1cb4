import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getViolationHistory, runAdmissionCheck } from '../../../lib/admission/check';
import { loadAdmissionRules, parseAdmissionRules } from '../../../lib/admission/config';
import { runClassification } from '../../../lib/classify/run-classification';
import { loadCategoryConfig, parseRoutingConfig } from '../../../lib/classify/rules';
import { createTestDb, type TestDb } from '../../helpers/db';
import { ingestRuns, type RunSpec } from '../../helpers/ingest';

let t: TestDb;
const rule = (kind: string, config: object, id = kind) => parseAdmissionRules({ rules: [{ id, title: id, severity: 'warning', owner: 'sre', mode: 'audit', kind, config }] }, 'test');
const check = (rules: ReturnType<typeof rule>, now: string) => runAdmissionCheck({ db: t.db, policy: rules, now: new Date(now), timeZone: 'UTC' });
const violation = (ruleId: string, subjectId: string) => t.db.prisma.admissionViolation.findUnique({ where: { ruleId_subjectType_subjectId: { ruleId, subjectType: ruleId === 'max-manual-interventions' ? 'rollout' : 'stage', subjectId } } });

beforeAll(async () => {
  t = await createTestDb();
  const runs: RunSpec[] = [];
  // image-pull: 8 of 10 succeed on Nov 17 (80%); health-check: all succeed.
  for (let i = 0; i < 10; i += 1) {
    runs.push({ rollout: `r${i}`, stage: 'image-pull', at: `2026-11-17T10:${String(i).padStart(2, '0')}:00Z`, ...(i < 2 ? { message: `pull timed out after ${30 + i}s` } : {}) });
    runs.push({ rollout: `r${i}`, stage: 'health-check', at: `2026-11-17T11:${String(i).padStart(2, '0')}:00Z` });
  }
  // r0 needed a person twice.
  runs.push({ rollout: 'r0', stage: 'image-pull', attempt: 2, at: '2026-11-17T12:00:00Z', manual: true } as RunSpec);
  await ingestRuns(t.db, runs.map((r) => ({ ...r })));
  await t.db.prisma.rollout.update({ where: { id: 'r0' }, data: { manualCount: 2 } });
});
afterAll(async () => t?.close());

describe('stage-success-floor', () => {
  const rules = rule('stage-success-floor', { floor: 0.9, windowDays: 7, minAttempts: 5 });

  it('holds for a stage at or above the floor and breaks below it, on each day whose window is below, with the figures as evidence', async () => {
    const r = await check(rules, '2026-11-18T12:00:00Z');
    expect(r).toMatchObject({ findings: 1, opened: 1 });
    const v = await violation('stage-success-floor', 'image-pull');
    // Broken on Nov 17 and 18 (the windows ending then hold Nov 17's failures): counted per day.
    expect(v).toMatchObject({ status: 'open', count: 2, firstSeen: new Date('2026-11-17T00:00:00Z'), lastSeen: new Date('2026-11-18T12:00:00Z') });
    expect(v!.evidence).toMatchObject({ successes: 9, failures: 2, floor: 0.9, from: '2026-11-12', to: '2026-11-18' });
    expect(await violation('stage-success-floor', 'health-check')).toBeNull();
  });

  it('updates the same violation when seen again (no duplicate), judges the days no check ran on, resolves after the window, reopens', async () => {
    expect(await check(rules, '2026-11-19T12:00:00Z')).toMatchObject({ opened: 0, updated: 1 });
    expect(await t.db.prisma.admissionViolation.count({ where: { ruleId: 'stage-success-floor' } })).toBe(1);
    expect((await violation('stage-success-floor', 'image-pull'))!.count).toBe(3);
    // No check ran Nov 20–23, whose windows still hold Nov 17: the check of Nov 24 finds them.
    expect(await check(rules, '2026-11-24T12:00:00Z')).toMatchObject({ findings: 1, resolved: 0 });
    expect(await violation('stage-success-floor', 'image-pull')).toMatchObject({ status: 'open', count: 7, lastSeen: new Date('2026-11-23T23:59:59.999Z') });
    // The rule held from Nov 24 on: resolved once it held for its window.
    expect(await check(rules, '2026-11-30T12:00:00Z')).toMatchObject({ resolved: 0 });
    expect(await check(rules, '2026-12-01T12:00:00Z')).toMatchObject({ resolved: 1 });
    expect(await violation('stage-success-floor', 'image-pull')).toMatchObject({ status: 'resolved' });
    await ingestRuns(t.db, [{ rollout: 'late', stage: 'image-pull', at: '2026-12-01T10:00:00Z', message: 'pull timed out after 9s' }, ...Array.from({ length: 5 }, (_, i) => ({ rollout: `late${i}`, stage: 'image-pull', at: `2026-12-01T10:1${i}:00Z` }))]);
    expect(await check(rules, '2026-12-01T13:00:00Z')).toMatchObject({ reopened: 1 });
    expect(await violation('stage-success-floor', 'image-pull')).toMatchObject({ status: 'open', resolvedAt: null, count: 8 });
  });

  it('keeps violations per rule and owner per week: the weeks the stage broke in', async () => {
    const history = (await getViolationHistory(t.db, { ruleId: 'stage-success-floor' })).map((h) => [h.week, h.ownerId, h.violations]);
    expect(history).toEqual([['2026-W49', 'sre', 1], ['2026-W48', 'sre', 1], ['2026-W47', 'sre', 1]]);
    const weeks = await t.db.prisma.admissionViolationWeek.findMany({ where: { violation: { ruleId: 'stage-success-floor' } }, orderBy: { week: 'asc' } });
    // Its breach days in each week: Nov 17–22, Nov 23, Dec 1.
    expect(weeks.map((w) => [w.week, w.checks])).toEqual([['2026-W47', 6], ['2026-W48', 1], ['2026-W49', 1]]);
  });

  it('judges the whole history again when the rule\'s config changes', async () => {
    const stricter = rule('stage-success-floor', { floor: 0.95, windowDays: 7, minAttempts: 5 });
    await check(stricter, '2026-12-01T14:00:00Z');
    const laxer = rule('stage-success-floor', { floor: 0.5, windowDays: 7, minAttempts: 5 });
    await check(laxer, '2026-12-01T15:00:00Z');
    expect(await getViolationHistory(t.db, { ruleId: 'stage-success-floor' })).toEqual([]);
    await check(rules, '2026-12-01T16:00:00Z');
    expect((await getViolationHistory(t.db, { ruleId: 'stage-success-floor' })).map((h) => h.week)).toEqual(['2026-W49', '2026-W48', '2026-W47']);
  });
});

describe('max-manual-interventions', () => {
  it('flags rollouts that needed more people than allowed', async () => {
    const r = await check(rule('max-manual-interventions', { max: 1 }), '2026-11-18T12:00:00Z');
    expect(r.findings).toBe(1);
    expect((await violation('max-manual-interventions', 'r0'))!.evidence).toMatchObject({ manualCount: 2, max: 1, service: 'feed-api' });
    expect((await check(rule('max-manual-interventions', { max: 2 }), '2026-11-18T13:00:00Z')).findings).toBe(0);
  });
});

describe('accountable-owner', () => {
  it('holds while stages and classes have owners, and breaks for a class without one', async () => {
    await runClassification({ db: t.db, categories: loadCategoryConfig(null), routing: parseRoutingConfig({ rules: [] }, 'test') });
    expect((await check(rule('accountable-owner', {}), '2026-11-18T12:00:00Z')).findings).toBe(0);
    const cls = await t.db.prisma.errorClass.findFirstOrThrow();
    await t.db.prisma.errorClass.update({ where: { id: cls.id }, data: { ownerId: null, ownerSource: 'manual' } });
    const r = await check(rule('accountable-owner', { subjects: ['error-class', 'stage'] }), '2026-11-18T12:00:00Z');
    expect(r.findings).toBe(1);
    expect(await t.db.prisma.admissionViolation.findFirst({ where: { ruleId: 'accountable-owner', subjectType: 'error-class', subjectId: String(cls.id) } })).not.toBeNull();
  });
});

describe('the rules file and the history', () => {
  it('ships rules that load, and loads them into the database', async () => {
    const rules = loadAdmissionRules(null);
    expect(rules.rules.map((r) => r.kind).sort()).toEqual(['accountable-owner', 'chain-length', 'fixed-prerelease-host', 'image-provenance', 'max-manual-interventions', 'mixed-host', 'stage-duration', 'stage-success-floor']);
    await check(rules, '2026-11-20T12:00:00Z');
    expect(await t.db.prisma.admissionRule.count({ where: { active: true } })).toBe(8);
  });

  it('names the file and the field of each error', () => {
    const bad = { rules: [{ id: 'x', title: 'x', severity: 'loud', owner: 'sre', mode: 'audit', kind: 'stage-success-floor', config: { floor: 2 } }, { id: 'y', title: 'y', severity: 'info', owner: 'sre', mode: 'audit', kind: 'telepathy', config: {} }] };
    expect(() => parseAdmissionRules(bad, 'rules.json')).toThrow(/rules\.json: invalid admission rules[\s\S]*rules\.0\.severity[\s\S]*rules\.1\.kind: unknown kind "telepathy"/);
    const badConfig = { rules: [{ id: 'x', title: 'x', severity: 'info', owner: 'sre', mode: 'audit', kind: 'stage-success-floor', config: { floor: 2 } }] };
    expect(() => parseAdmissionRules(badConfig, 'rules.json')).toThrow(/rules\.0\.config\.floor: Too big/);
    // The new kinds' configs and the images block are checked the same way.
    const rule = (kind: string, config: object) => ({ id: kind, title: kind, severity: 'info', owner: 'sre', mode: 'audit', kind, config });
    const newKinds = { images: { attr: 'image tag' }, rules: [rule('chain-length', {}), rule('stage-duration', { limitMs: -1, percentile: 2 })] };
    const message = (() => {
      try {
        parseAdmissionRules(newKinds, 'rules.json');
        return '';
      } catch (error) {
        return (error as Error).message;
      }
    })();
    expect(message).toContain('images.attr: letters, digits and underscores');
    expect(message).toContain('rules.0.config.maxSteps:');
    expect(message).toContain('rules.1.config.limitMs: Too small');
    expect(message).toContain('rules.1.config.percentile: Too big');
  });

  it('refuses a rule owned by nobody known', async () => {
    const rules = parseAdmissionRules({ rules: [{ id: 'z', title: 'z', severity: 'info', owner: 'ghosts', mode: 'audit', kind: 'accountable-owner', config: {} }] }, 'test');
    await expect(check(rules, '2026-11-20T12:00:00Z')).rejects.toThrow(/rules\.0\.owner: "ghosts" is not an owner/);
  });
});
