import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runAdmissionCheck } from '../../../lib/admission/check';
import { parseAdmissionRules } from '../../../lib/admission/config';
import { getOutcomeReport } from '../../../lib/admission/outcome-counts';
import type { OutcomePeriod } from '../../../lib/admission/outcomes';
import type { Db } from '../../../lib/db';
import { runRetention } from '../../../lib/retention/run-retention';
import { addDays, dayInZone } from '../../../lib/time/day';
import { isoWeekOfDay } from '../../../lib/time/iso-week';
import { EXPECTED_KIND, createTestDb, type TestDb } from '../../helpers/db';
import { ingestRuns } from '../../helpers/ingest';
import { rolloutsArb, toRuns } from './history-model';
import { oldGetAdmissionOutcomes } from './old-readers';

/**
 * The outcome report counted by the database (totals from RolloutDayRollup) equals the full read
 * on data that went through ingestion, the nightly check and retention: generated rollouts over
 * a week are ingested in two batches (some rollouts' runs split between them), checked, then retention — stopped after a generated
 * number of batches, as a killed job leaves it — deletes the oldest; every period is compared.
 */
const DAY = 86_400_000;
const MONDAY = Date.UTC(2026, 7, 3);
const RETENTION_DAYS = 97;
const rule = (id: string, kind: string, mode: string, config: object = {}) => ({ id, title: id, severity: 'warning', owner: 'sre', mode, kind, config });
const policy = parseAdmissionRules({
  rules: [
    rule('mixed', 'mixed-host', 'audit', { overlapMinutes: 30, windowDays: 7 }),
    rule('fixed', 'fixed-prerelease-host', 'warn'),
    rule('provenance', 'image-provenance', 'enforce'),
    rule('chain', 'chain-length', 'audit', { maxSteps: 9 }),
    rule('manual', 'max-manual-interventions', 'audit', { max: 1 }),
    rule('floor', 'stage-success-floor', 'audit', { floor: 0.8, minAttempts: 3, windowDays: 7 }),
  ],
}, 'test');

// The generated rollouts folded into one week: several a day, so a stopped retention run often leaves a day half-deleted.
const WEEK_SLOTS = 7 * 48;
const denseArb = fc.tuple(rolloutsArb, rolloutsArb, rolloutsArb).map((lists) => [...new Map(lists.flat().map((r) => [r.slot % WEEK_SLOTS, { ...r, slot: r.slot % WEEK_SLOTS }])).values()]);

let t: TestDb;
beforeAll(async () => {
  t = await createTestDb();
});
afterAll(async () => t?.close());

async function clear(db: Db) {
  for (const table of ['AdmissionViolationRollout', 'AdmissionViolationWeek', 'AdmissionViolation', 'AdmissionCursor', 'ErrorEvent', 'StageRun', 'Rollout', 'RolloutDayRollup', 'StageRunDaySpan']) {
    await db.prisma.$executeRawUnsafe(`DELETE FROM "${table}"`);
  }
}

async function expectSameReports(db: Db, periods: OutcomePeriod[]) {
  for (const period of periods) {
    const old = await oldGetAdmissionOutcomes(db, period);
    expect(await getOutcomeReport(db, period), JSON.stringify(period)).toEqual(old);
    for (const r of old.rules) expect((await getOutcomeReport(db, { ...period, ruleId: r.rule })).rules).toEqual([r]);
  }
}

describe(`the outcome report counted by the database (${EXPECTED_KIND})`, () => {
  it('equals the full read after ingestion, the check and a retention run stopped anywhere', async () => {
    await fc.assert(
      fc.asyncProperty(denseArb, fc.integer({ min: 1, max: 59 }), fc.integer({ min: 0, max: 8 }), fc.option(fc.double({ min: 0, max: 1, noNaN: true }), { nil: undefined }), fc.nat(), async (rollouts, cut, pastDays, stopAfter, seed) => {
        await clear(t.db);
        const runs = toRuns(MONDAY, rollouts);
        const slot = (r: { rollout: string }) => Number(r.rollout.slice(1)) % 60;
        // Some runs of the first batch's rollouts arrive with the second: their rollouts were linked to
        // violations by the pass after the first, and then change outcome (a retry, a later stage).
        const late = (i: number) => (Math.imul(i + 1, 2_654_435_761) + seed) >>> 29 === 0;
        const first = runs.filter((r, i) => slot(r) < cut && !late(i));
        await ingestRuns(t.db, first, 'UTC', { admission: policy });
        await ingestRuns(t.db, runs.filter((r) => !first.includes(r)), 'UTC', { admission: policy });
        const checked = new Date(MONDAY + 8 * DAY);
        await runAdmissionCheck({ db: t.db, policy, now: checked, timeZone: 'UTC' });
        const firstDay = dayInZone(MONDAY, 'UTC');
        const periods: OutcomePeriod[] = [
          {}, { week: isoWeekOfDay(addDays(firstDay, 7)) }, { days: { from: addDays(firstDay, 2), to: addDays(firstDay, 5) } }, { days: { from: addDays(firstDay, -5), to: firstDay } },
        ];
        await expectSameReports(t.db, periods);
        // The horizon falls on one of the data's days (or before them); the job may stop after any batch
        // (one rollout each): after a share of the rollouts it would delete.
        const now = new Date(MONDAY + (RETENTION_DAYS - 1 + pastDays) * DAY);
        const doomed = await t.db.prisma.rollout.count({ where: { day: { lt: addDays(firstDay, pastDays) } } });
        const stop = stopAfter === undefined ? Infinity : Math.floor(stopAfter * doomed);
        let batches = 0;
        const confirm = async () => {
          if (batches++ >= stop) throw new Error('stopped');
        };
        await runRetention({ db: t.db, retentionDays: RETENTION_DAYS, now, timeZone: 'UTC', batchRollouts: 1, confirm }).catch((e: Error) => {
          if (e.message !== 'stopped') throw e;
        });
        await expectSameReports(t.db, periods);
      }),
      { numRuns: EXPECTED_KIND === 'sqlite' ? 20 : 12 },
    );
  }, 600_000);
});
