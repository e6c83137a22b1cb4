import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { openDb, type Db } from '../../lib/db';
import { addDays, toDbTimestamp } from '../../lib/time/day';
import { readClassDays, scanClassDays } from '../lib/triage/old-readers';
import { EXPECTED_KIND } from '../helpers/db';
import { databaseBefore, insertLiterals, type Literal } from '../helpers/migration-backfill';

// The migration error_class_days backfills the per-class-per-day rollup from the error events
// stored before it: a database migrated up to the migration before it, holding classified and
// unclassified events (rollouts with events of one class on several days among them), is migrated
// on, and the rollup equals a full scan of the events.

const MIGRATION = '20261202014439_error_class_days';

// Each rollout fails on its first day and up to three days after it, each failure in one of a few classes (or none yet).
const eventArb = fc.record({ after: fc.nat(3), classId: fc.option(fc.integer({ min: 1, max: 5 }), { nil: null, freq: 5 }) });
const rolloutArb = fc.record({ day: fc.nat(19), events: fc.array(eventArb, { minLength: 1, maxLength: 5 }) });

async function store(db: Db): Promise<void> {
  const at = toDbTimestamp(Date.parse('2026-03-01T10:00:00Z'));
  await insertLiterals(db, 'Service', ['name'], [['feed-api']]);
  await insertLiterals(db, 'Stage', ['key', 'name', 'position'], [['test-build', 'test-build', 0]]);
  await insertLiterals(db, 'ErrorClass', ['id', 'key', 'template', 'updatedAt'], [1, 2, 3, 4, 5].map((id) => [id, `k${id}`, `failure <*> ${id}`, at]));
  const rollouts = fc.sample(rolloutArb, { numRuns: 300, seed: 2014 });
  await insertLiterals(db, 'Rollout', ['id', 'service', 'env', 'startedAt', 'day', 'outcome'],
    rollouts.map((r, i) => [`r${i}`, 'feed-api', 'online', at, addDays('2026-03-01', r.day), 'failed']));
  const runs: Literal[][] = [];
  const events: Literal[][] = [];
  rollouts.forEach((r, i) => r.events.forEach((e, k) => {
    const id = runs.length + 1;
    const day = addDays('2026-03-01', r.day + e.after);
    runs.push([id, `k${id}`, `r${i}`, 'feed-api', 'test-build', k + 1, 'failed', 'online', at, day]);
    events.push([id, `r${i}`, 'feed-api', 'test-build', k + 1, 'online', at, day, `failure ${k} ${e.classId ?? 0}`, e.classId]);
  }));
  await insertLiterals(db, 'StageRun', ['id', 'key', 'rolloutId', 'service', 'stageKey', 'attempt', 'status', 'env', 'startedAt', 'day'], runs);
  await insertLiterals(db, 'ErrorEvent', ['stageRunId', 'rolloutId', 'service', 'stageKey', 'attempt', 'env', 'occurredAt', 'day', 'message', 'errorClassId'], events);
}

describe(`the migration ${MIGRATION} (${EXPECTED_KIND})`, () => {
  it('backfills the per-class-per-day rollup as a full scan of the stored events counts it', async () => {
    const { url, migrateOn, cleanup } = await databaseBefore(MIGRATION);
    let db = await openDb(url);
    await store(db);
    await db.close();
    expect(await migrateOn()).toContain(MIGRATION);
    db = await openDb(url);
    try {
      const expected = await scanClassDays(db);
      // Unclassified events stay out; pairs of one class and rollout on several days are there to count.
      expect(expected.days.length).toBeGreaterThan(50);
      expect(expected.pairs.length).toBeGreaterThan(20);
      expect(await db.prisma.errorEvent.count({ where: { errorClassId: null } })).toBeGreaterThan(0);
      expect(await readClassDays(db)).toEqual(expected);
    } finally {
      await db.close();
      await cleanup();
    }
  }, 120_000);
});
