import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listViolations } from '../../../lib/admission/list-violations';
import { getOutcomeReport } from '../../../lib/admission/outcome-counts';
import { getAdmissionOverview, getAdmissionRule } from '../../../lib/admission/pages';
import { getViolationHistory } from '../../../lib/admission/violations';
import type { Db } from '../../../lib/db';
import { addDays } from '../../../lib/time/day';
import { EXPECTED_KIND, createTestDb, type TestDb } from '../../helpers/db';
import { oldGetAdmissionOutcomes, oldGetViolationHistory } from './old-readers';

/**
 * The bounded readers of the admission pages (issue #14) answer exactly what the full reads they
 * replace answered: generated rules, violations (statuses, ties in lastSeen, weeks, rollout links
 * shared between violations) and rollouts are written straight into the tables, and every reader
 * is compared with the old one for generated periods, rules and pages.
 */
const FIRST_DAY = '2026-10-26';
const DAYS = 35;
const WEEKS = ['2026-W43', '2026-W44', '2026-W45', '2026-W46', '2026-W47', '2026-W48', '2026-W49'];
const KINDS = ['mixed-host', 'chain-length', 'stage-duration', 'accountable-owner', 'max-manual-interventions', 'no-such-kind'];
const STATUSES = ['open', 'acknowledged', 'resolved', 'snoozed'];
const NOW = new Date('2026-12-01T12:00:00Z');

const ruleArb = fc.record({
  kind: fc.constantFrom(...KINDS),
  mode: fc.constantFrom('audit', 'warn', 'enforce'),
  active: fc.boolean(),
  owner: fc.constantFrom('sre', 'release', null),
});
const violationArb = fc.record({
  rule: fc.nat(),
  subject: fc.integer({ min: 0, max: 30 }),
  status: fc.constantFrom(...STATUSES),
  // Few distinct times: ties in lastSeen, broken by id.
  lastHours: fc.integer({ min: 0, max: 6 }),
  weeks: fc.uniqueArray(fc.constantFrom(...WEEKS), { maxLength: 4 }),
  rollouts: fc.uniqueArray(fc.nat(), { maxLength: 6 }),
  acknowledgedBy: fc.option(fc.constant('ann@example.com'), { nil: null }),
});
const rolloutArb = fc.record({ day: fc.integer({ min: 0, max: DAYS - 1 }), outcome: fc.constantFrom('succeeded', 'failed', 'failed', 'in_progress') });
const dataArb = fc.record({
  rules: fc.array(ruleArb, { minLength: 1, maxLength: 5 }),
  violations: fc.array(violationArb, { maxLength: 45 }),
  rollouts: fc.array(rolloutArb, { minLength: 1, maxLength: 30 }),
  // The oldest rollouts a retention run (stopped anywhere) deleted after they were counted.
  deleted: fc.oneof(fc.constant(0), fc.nat({ max: 12 })),
});
type Data = typeof dataArb extends fc.Arbitrary<infer T> ? T : never;

let t: TestDb;
beforeAll(async () => {
  t = await createTestDb();
  for (const id of ['sre', 'release']) {
    await t.db.prisma.owner.upsert({ where: { id }, create: { id, name: id, kind: 'team', email: `${id}@example.com` }, update: {} });
  }
  await t.db.prisma.service.create({ data: { name: 'svc' } });
});
afterAll(async () => t?.close());

async function clear(db: Db) {
  await db.prisma.admissionViolationRollout.deleteMany();
  await db.prisma.admissionViolationWeek.deleteMany();
  await db.prisma.admissionViolation.deleteMany();
  await db.prisma.admissionRule.deleteMany();
  await db.prisma.rollout.deleteMany();
  await db.prisma.rolloutDayRollup.deleteMany();
}

/** Writes the generated data; returns the rule ids. */
async function write(db: Db, d: Data): Promise<string[]> {
  await clear(db);
  const ruleIds = d.rules.map((_, i) => `rule-${i}`);
  await db.prisma.admissionRule.createMany({
    data: d.rules.map((r, i) => ({ id: ruleIds[i]!, title: `Rule ${i}`, kind: r.kind, severity: 'warning', mode: r.mode, scope: 'rollout', active: r.active, ownerId: r.owner })),
  });
  const rolloutIds = d.rollouts.map((_, i) => `r${String(i).padStart(2, '0')}`);
  await db.prisma.rollout.createMany({
    data: d.rollouts.map((r, i) => {
      const day = addDays(FIRST_DAY, r.day);
      return { id: rolloutIds[i]!, service: 'svc', env: 'online', startedAt: new Date(`${day}T10:00:00Z`), day, outcome: r.outcome };
    }),
  });
  // RolloutDayRollup as ingestion keeps it.
  const perDay = new Map<string, { day: string; outcome: string; rollouts: number }>();
  for (const r of d.rollouts) {
    const day = addDays(FIRST_DAY, r.day);
    const row = perDay.get(`${day}/${r.outcome}`) ?? { day, outcome: r.outcome, rollouts: 0 };
    row.rollouts += 1;
    perDay.set(`${day}/${r.outcome}`, row);
  }
  await db.prisma.rolloutDayRollup.createMany({ data: [...perDay.values()] });
  const facts = new Map(d.rollouts.map((r, i) => [rolloutIds[i]!, { day: addDays(FIRST_DAY, r.day), outcome: r.outcome }]));
  const seen = new Set<string>();
  for (const v of d.violations) {
    const ruleId = ruleIds[v.rule % ruleIds.length]!;
    if (seen.has(`${ruleId}/${v.subject}`)) continue;
    seen.add(`${ruleId}/${v.subject}`);
    const lastSeen = new Date(NOW.getTime() - v.lastHours * 3_600_000);
    const links = [...new Set(v.rollouts.map((n) => rolloutIds[n % rolloutIds.length]!))];
    await db.prisma.admissionViolation.create({
      data: {
        ruleId, subjectType: 'rollout', subjectId: `s${v.subject}`, status: v.status, firstSeen: new Date(lastSeen.getTime() - 86_400_000), lastSeen,
        acknowledgedBy: v.acknowledgedBy, count: v.weeks.length + 1, evidence: { subject: v.subject },
        weeks: { create: v.weeks.map((week) => ({ week })) },
        // Each link with its rule and its rollout's day and outcome, as recording a finding and ingestion keep them.
        rollouts: { create: links.map((rolloutId) => ({ rolloutId, ruleId, ...facts.get(rolloutId)! })) },
      },
    });
  }
  // As retention deletes: oldest day first (ties in any order), links too, the rollups left alone.
  const oldest = await db.prisma.rollout.findMany({ orderBy: [{ day: 'asc' }, { outcome: 'asc' }], take: d.deleted, select: { id: true } });
  const gone = oldest.map((r) => r.id);
  await db.prisma.admissionViolationRollout.deleteMany({ where: { rolloutId: { in: gone } } });
  await db.prisma.rollout.deleteMany({ where: { id: { in: gone } } });
  return ruleIds;
}

const queryArb = fc.record({
  rule: fc.option(fc.nat(), { nil: undefined }),
  weeks: fc.option(fc.uniqueArray(fc.constantFrom(...WEEKS, '2026-W40'), { maxLength: 8 }), { nil: undefined }),
  period: fc.oneof(
    fc.constant({}),
    fc.constantFrom(...WEEKS).map((week) => ({ week })),
    fc.tuple(fc.integer({ min: -3, max: DAYS }), fc.integer({ min: 0, max: 10 })).map(([from, len]) => ({ days: { from: addDays(FIRST_DAY, from), to: addDays(FIRST_DAY, from + len) } })),
  ),
});

describe(`the bounded admission readers (${EXPECTED_KIND})`, () => {
  it('answer as the full reads did, for any data, rule, weeks and period', async () => {
    await fc.assert(
      fc.asyncProperty(dataArb, fc.array(queryArb, { minLength: 1, maxLength: 4 }), async (data, queries) => {
        const ruleIds = await write(t.db, data);
        for (const q of queries) {
          const ruleId = q.rule === undefined ? undefined : (ruleIds[q.rule % ruleIds.length] ?? 'nope');
          const history = { ...(q.weeks ? { weeks: q.weeks } : {}), ...(ruleId ? { ruleId } : {}) };
          expect(await getViolationHistory(t.db, history)).toEqual(await oldGetViolationHistory(t.db, history));
          const old = await oldGetAdmissionOutcomes(t.db, q.period);
          expect(await getOutcomeReport(t.db, q.period)).toEqual(old);
          if (ruleId) expect((await getOutcomeReport(t.db, { ...q.period, ruleId })).rules).toEqual(old.rules.filter((r) => r.rule === ruleId));
        }
      }),
      { numRuns: EXPECTED_KIND === 'sqlite' ? 60 : 30 },
    );
  }, 240_000);

  it('build their pages from those readers: the period\'s outcomes, the rule\'s outcome over every stored rollout, its weekly history', async () => {
    await fc.assert(
      fc.asyncProperty(dataArb, fc.nat(), fc.integer({ min: 1, max: 4 }), async (data, rule, page) => {
        const ruleIds = await write(t.db, data);
        const id = ruleIds[rule % ruleIds.length]!;
        const opts = { now: NOW, timeZone: 'UTC', page };
        const rulePage = (await getAdmissionRule(t.db, id, opts))!;
        expect(rulePage.outcome).toEqual((await oldGetAdmissionOutcomes(t.db)).rules.find((r) => r.rule === id) ?? null);
        const history = await oldGetViolationHistory(t.db, { weeks: rulePage.weeks, ruleId: id });
        expect(rulePage.history).toEqual(rulePage.weeks.map((w) => history.find((h) => h.week === w)?.violations ?? 0));
        expect(rulePage.rule.violations).toEqual((await listViolations(t.db, { ruleId: id, page })).violations);
        expect(await getAdmissionRule(t.db, 'nope', opts)).toBeNull();
        for (const period of [{}, { week: '2026-W47' }, { days: { from: '2026-11-04', to: '2026-12-01' } }]) {
          const overview = await getAdmissionOverview(t.db, { ...opts, period });
          expect(overview.outcomes).toEqual(await oldGetAdmissionOutcomes(t.db, period));
          const all = await oldGetViolationHistory(t.db, { weeks: overview.weeks });
          const perWeek = overview.weeks.map((w) => all.filter((h) => h.week === w).reduce((n, h) => n + h.violations, 0));
          expect(overview.weeks.map((_, i) => overview.byRule.reduce((n, r) => n + r.counts[i]!, 0))).toEqual(perWeek);
        }
      }),
      { numRuns: EXPECTED_KIND === 'sqlite' ? 25 : 15 },
    );
  }, 240_000);

  it('lists a violation’s first rollouts and counts the rest', async () => {
    const ruleIds = await write(t.db, { rules: [{ kind: 'mixed-host', mode: 'audit', active: true, owner: null }], violations: [], rollouts: [{ day: 0, outcome: 'failed' }], deleted: 0 });
    const ids = Array.from({ length: 60 }, (_, i) => `many-${String(i).padStart(2, '0')}`);
    await t.db.prisma.rollout.createMany({ data: ids.map((id) => ({ id, service: 'svc', env: 'online', startedAt: NOW, day: '2026-12-01', outcome: 'succeeded' })) });
    await t.db.prisma.admissionViolation.create({
      data: { ruleId: ruleIds[0]!, subjectType: 'host', subjectId: 'h1', firstSeen: NOW, lastSeen: NOW, rollouts: { create: ids.map((rolloutId) => ({ rolloutId })) } },
    });
    const list = await listViolations(t.db, { page: 1 });
    expect(list.violations[0]!.rollouts).toHaveLength(50);
    expect(list.violations[0]!._count.rollouts).toBe(60);
  });
});
