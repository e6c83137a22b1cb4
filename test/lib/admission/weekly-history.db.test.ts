import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { runAdmissionCheck } from '../../../lib/admission/check';
import { parseAdmissionRules } from '../../../lib/admission/config';
import { getViolationHistory } from '../../../lib/admission/violations';
import type { Db } from '../../../lib/db';
import { dayInZone } from '../../../lib/time/day';
import { EXPECTED_KIND, createTestDb } from '../../helpers/db';
import { ingestRuns } from '../../helpers/ingest';
import {
  buildHostWeeks, durationBreaks, manualCount, mixedHostWeeks, provenanceWeeks, rolloutWeeks, rolloutsArb, stageWeeks, steps,
  successFloorBreaks, toRuns, type Run, type ValueOf, type Weeks,
} from './history-model';

/**
 * The weekly history of every rule kind counts each breach in the ISO week it happened, whenever
 * the data arrives and whenever the check runs: generated rollouts over three weeks are ingested in
 * batches, some days or weeks late, checked at random times (also after the weeks ended) and once
 * more at the end; the history then equals the breaches counted straight from the runs, and a
 * re-run changes nothing.
 */
const HOUR = 3_600_000;
const MONDAY = Date.UTC(2026, 9, 5);

const scenarioArb = fc.record({
  tz: fc.constantFrom('UTC', 'Asia/Tokyo', 'America/New_York'),
  startHours: fc.integer({ min: 0, max: 7 * 24 }),
  rollouts: rolloutsArb,
  cuts: fc.uniqueArray(fc.integer({ min: 1, max: 3 * 7 * 48 - 1 }), { maxLength: 6 }),
  lagHours: fc.array(fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 21 * 24 })), { minLength: 7, maxLength: 7 }),
  passAfter: fc.array(fc.boolean(), { minLength: 7, maxLength: 7 }),
  checkHours: fc.array(fc.integer({ min: 0, max: 6 * 7 * 24 }), { maxLength: 5 }),
  finalHours: fc.integer({ min: 0, max: 14 * 24 }),
  overlapMinutes: fc.constantFrom(0, 30, 90),
  windowDays: fc.integer({ min: 1, max: 7 }),
});
type Scenario = ValueOf<typeof scenarioArb>;

function policyOf(s: Scenario) {
  const rule = (id: string, kind: string, config: object) => ({ id, title: id, severity: 'warning', owner: 'sre', mode: 'audit', kind, config });
  return parseAdmissionRules({
    rules: [
      rule('mixed', 'mixed-host', { overlapMinutes: s.overlapMinutes, windowDays: s.windowDays }),
      rule('fixed', 'fixed-prerelease-host', {}),
      rule('provenance', 'image-provenance', {}),
      rule('chain', 'chain-length', { maxSteps: 9 }),
      rule('floor', 'stage-success-floor', { floor: 0.8, minAttempts: 3, windowDays: s.windowDays }),
      rule('duration', 'stage-duration', { limitMs: 20_000, percentile: 0.9, minRuns: 3, windowDays: s.windowDays }),
      rule('manual', 'max-manual-interventions', { max: 1 }),
      rule('owner', 'accountable-owner', {}),
    ],
  }, 'test');
}

/** Ingestions (in order, each some time after its data) and checks, in time order. */
function timeline(s: Scenario, t0: number, runs: Run[]) {
  const cuts = [...s.cuts].sort((a, b) => a - b);
  const batches = cuts.concat(Infinity).map((cut, i) => runs.filter((r) => Number(r.rollout.slice(1)) < cut && (i === 0 || Number(r.rollout.slice(1)) >= cuts[i - 1]!)));
  let last = t0;
  const events: { at: number; order: number; runs?: Run[]; pass?: boolean }[] = [];
  batches.forEach((batch, i) => {
    if (batch.length === 0) return;
    last = Math.max(last, Math.max(...batch.map((r) => r.start + r.durationMs)) + s.lagHours[i]! * HOUR);
    events.push({ at: last, order: i, runs: batch, pass: s.passAfter[i] });
  });
  // Checks after the ingestions of their time; ingestions in order (a service's builds arrive in time order).
  for (const h of s.checkHours) events.push({ at: t0 + h * HOUR, order: Infinity });
  events.sort((a, b) => a.at - b.at || a.order - b.order);
  // The last check comes after every ingestion and every other check.
  return { events, final: Math.max(last + s.finalHours * HOUR, ...events.map((e) => e.at)) };
}

/** What the history must hold: the subjects breaking each rule per week, and the days of the window rules. */
function expected(s: Scenario, runs: Run[], lastDay: string) {
  const days = { mixed: new Map<string, Set<string>>(), floor: new Map<string, Set<string>>(), duration: new Map<string, Set<string>>() };
  const weeks: Record<string, Weeks> = {
    mixed: mixedHostWeeks(runs, s.tz, s.overlapMinutes, days.mixed),
    fixed: buildHostWeeks(runs, s.tz),
    provenance: provenanceWeeks(runs, s.tz),
    chain: rolloutWeeks(runs, s.tz, (list) => steps(list) > 9),
    floor: stageWeeks(runs, s.tz, { windowDays: s.windowDays, lastDay, breaks: successFloorBreaks(0.8, 3), days: days.floor }),
    duration: stageWeeks(runs, s.tz, { windowDays: s.windowDays, lastDay, breaks: durationBreaks(0.9, 20_000, 3), days: days.duration }),
    manual: rolloutWeeks(runs, s.tz, (list) => manualCount(list) > 1),
    owner: new Map(),
  };
  return { weeks, days };
}

/** The stored history: per rule, week → its subjects; and each violation's count. */
async function stored(db: Db) {
  const rows = await db.prisma.admissionViolationWeek.findMany({ include: { violation: true } });
  const weeks: Record<string, Record<string, string[]>> = {};
  for (const r of rows) ((weeks[r.violation.ruleId] ??= {})[r.week] ??= []).push(r.violation.subjectId);
  for (const byWeek of Object.values(weeks)) for (const list of Object.values(byWeek)) list.sort();
  const counts = (await db.prisma.admissionViolation.findMany()).map((v) => [v.ruleId, v.subjectId, v.count]);
  return { weeks, counts, page: await getViolationHistory(db) };
}
const plain = (w: Weeks) => Object.fromEntries([...w].map(([week, set]) => [week, [...set].sort()]));

describe(`the weekly history of every rule (${EXPECTED_KIND})`, () => {
  it('counts each breach in the week it happened, whenever it was ingested and checked, and a re-run changes nothing', async () => {
    await fc.assert(
      fc.asyncProperty(scenarioArb, async (s) => {
        const t = await createTestDb();
        try {
          const policy = policyOf(s);
          const t0 = MONDAY + s.startHours * HOUR;
          const runs = toRuns(t0, s.rollouts);
          const { events, final } = timeline(s, t0, runs);
          const check = (at: number) => runAdmissionCheck({ db: t.db, policy, now: new Date(at), timeZone: s.tz });
          for (const e of events) {
            if (e.runs) await ingestRuns(t.db, e.runs, s.tz, e.pass ? { admission: policy } : {});
            else await check(e.at);
          }
          await check(final);
          const got = await stored(t.db);
          const want = expected(s, runs, dayInZone(final, s.tz));
          for (const [rule, weeks] of Object.entries(want.weeks)) expect(got.weeks[rule] ?? {}, rule).toEqual(plain(weeks));
          // The history the pages show: one violation per subject and week.
          const shown = got.page.map((h) => [h.ruleId, h.week, h.violations]).sort();
          const counted = Object.entries(want.weeks).flatMap(([rule, weeks]) => [...weeks].map(([week, set]) => [rule, week, set.size])).sort();
          expect(shown).toEqual(counted);
          // Rollout rules: the weeks add up to the rollouts linked; window rules count their breach days.
          for (const rule of ['chain', 'manual']) {
            const total = [...want.weeks[rule]!.values()].reduce((n, set) => n + set.size, 0);
            expect(await t.db.prisma.admissionViolationRollout.count({ where: { violation: { ruleId: rule } } }), rule).toBe(total);
          }
          for (const [rule, days] of Object.entries(want.days)) {
            // A violation whose breach went with later data of its day (seen on a partial day) keeps count 0.
            const counts = got.counts.filter((c) => c[0] === rule && c[2] !== 0).map((c) => [c[1], c[2]]).sort();
            expect(counts, rule).toEqual([...days].map(([subject, set]) => [subject, set.size]).sort());
          }
          await check(final);
          expect((await stored(t.db)).weeks).toEqual(got.weeks);
        } finally {
          await t.close();
        }
      }),
      { numRuns: Number(process.env.FC_RUNS ?? 30), endOnFailure: true },
    );
  }, 600_000);
});

describe(`late-seen breaches (${EXPECTED_KIND})`, () => {
  const policy = parseAdmissionRules({
    rules: [
      { id: 'manual', title: 'manual', severity: 'warning', owner: 'sre', mode: 'audit', kind: 'max-manual-interventions', config: { max: 1 } },
      { id: 'floor', title: 'floor', severity: 'warning', owner: 'sre', mode: 'audit', kind: 'stage-success-floor', config: { floor: 0.8, minAttempts: 3, windowDays: 1 } },
    ],
  }, 'test');
  const check = (db: Db, at: string) => runAdmissionCheck({ db, policy, now: new Date(at), timeZone: 'UTC' });
  const history = async (db: Db, ruleId: string) => (await getViolationHistory(db, { ruleId })).map((h) => [h.week, h.violations]);
  const needy = (id: string, day: string) => [1, 2].map((attempt) => ({ rollout: id, stage: 'test-build', attempt, at: `${day}T10:0${attempt}:00Z`, manual: true, ...(attempt === 1 ? { message: 'flaky' } : {}) }));

  it('counts rollouts of three weeks, first checked a week after the last, each in its own week', async () => {
    const t = await createTestDb();
    try {
      await ingestRuns(t.db, [...needy('a', '2026-11-02'), ...needy('b', '2026-11-03'), ...needy('c', '2026-11-10'), ...needy('d', '2026-11-22')]);
      await check(t.db, '2026-11-30T01:30:00Z');
      expect(await history(t.db, 'manual')).toEqual([['2026-W47', 1], ['2026-W46', 1], ['2026-W45', 2]]);
    } finally {
      await t.close();
    }
  });

  it('judges a day checked before its runs were all in again: a breach the rest of the day undoes leaves the week', async () => {
    const t = await createTestDb();
    try {
      await ingestRuns(t.db, [{ rollout: 'x', stage: 'health-check', at: '2026-11-10T08:00:00Z', message: 'down' }, ...['y', 'z'].map((r) => ({ rollout: r, stage: 'health-check', at: '2026-11-10T08:30:00Z' }))]);
      await check(t.db, '2026-11-10T09:00:00Z');
      expect(await history(t.db, 'floor')).toEqual([['2026-W46', 1]]);
      await ingestRuns(t.db, ['p', 'q', 'r', 's'].map((r) => ({ rollout: r, stage: 'health-check', at: '2026-11-10T20:00:00Z' })));
      await check(t.db, '2026-11-11T01:30:00Z');
      expect(await history(t.db, 'floor')).toEqual([]);
      expect(await t.db.prisma.admissionViolation.findFirst({ where: { ruleId: 'floor' } })).toMatchObject({ count: 0 });
    } finally {
      await t.close();
    }
  });

  it('rebuilds a history counted the old way (weeks of the check, cursors of the old names)', async () => {
    const t = await createTestDb();
    try {
      await ingestRuns(t.db, [...needy('a', '2026-11-02'), ...needy('b', '2026-11-10')]);
      await check(t.db, '2026-11-11T01:30:00Z');
      // As an older version left it: a week of the check for a breach of another week, cursors under their old names.
      const v = await t.db.prisma.admissionViolation.findFirstOrThrow({ where: { ruleId: 'manual', subjectId: 'a' } });
      await t.db.prisma.admissionViolationWeek.create({ data: { violationId: v.id, week: '2026-W50' } });
      await t.db.prisma.admissionCursor.updateMany({ where: { name: 'runs:manual' }, data: { name: 'rule:manual' } });
      await t.db.prisma.admissionCursor.deleteMany({ where: { name: { startsWith: 'days' } } });
      const floor = await t.db.prisma.admissionViolation.create({ data: { ruleId: 'floor', subjectType: 'stage', subjectId: 'lb-attach', firstSeen: new Date(), lastSeen: new Date(), weeks: { create: { week: '2026-W50' } } } });
      await check(t.db, '2026-11-11T02:30:00Z');
      expect(await history(t.db, 'manual')).toEqual([['2026-W46', 1], ['2026-W45', 1]]);
      expect(await t.db.prisma.admissionViolationWeek.count({ where: { violationId: floor.id } })).toBe(0);
      expect((await t.db.prisma.admissionCursor.findMany({ where: { name: { startsWith: 'rule:' } } }))).toEqual([]);
      // Sightings counted before are not counted again.
      expect(await t.db.prisma.admissionViolation.findUniqueOrThrow({ where: { id: v.id } })).toMatchObject({ count: 1 });
    } finally {
      await t.close();
    }
  });
});
