import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { getClassBreakdown } from '../../lib/classify/class-breakdown';
import { openDb, type Db } from '../../lib/db';
import { queryRows } from '../../lib/sql';
import { toDbTimestamp } from '../../lib/time/day';
import { getClassDetail } from '../../lib/triage/class-detail';
import { EXPECTED_KIND } from '../helpers/db';
import { databaseBefore, insertLiterals } from '../helpers/migration-backfill';
import { oldClassPageCounts } from '../lib/triage/old-readers';

// The migration class_page_reads backfills ErrorEvent.rolloutFailed and the per-class facet counts
// (ErrorClassFacet) from the rows stored before it: a database migrated up to the migration before
// it, holding rollouts of every outcome and error events in classes (and some in none, some without
// a host), is migrated on, and every class page equals the full scans it replaced.

const MIGRATION = '20261202024449_class_page_reads';

const CLASSES = 5;
const STAGES = ['test-build', 'container-start', 'image-pull'];
const eventArb = fc.record({
  rollout: fc.integer({ min: 0, max: 79 }),
  stage: fc.constantFrom(...STAGES),
  service: fc.constantFrom('feed-api', 'user-svc'),
  host: fc.option(fc.constantFrom('h1', 'h2', 'h3'), { nil: null }),
  cls: fc.option(fc.integer({ min: 0, max: CLASSES - 1 }), { nil: null, freq: 6 }),
});

async function store(db: Db): Promise<void> {
  const at = toDbTimestamp(Date.parse('2026-03-01T10:00:00Z'));
  await insertLiterals(db, 'Service', ['name'], [['feed-api'], ['user-svc']]);
  await insertLiterals(db, 'Stage', ['key', 'name', 'position'], STAGES.map((k, i) => [k, k, i]));
  const outcomes = ['succeeded', 'failed', 'in_progress'];
  // Rollouts r0…r79, of every outcome.
  await insertLiterals(db, 'Rollout', ['id', 'service', 'env', 'startedAt', 'day', 'outcome'],
    Array.from({ length: 80 }, (_, i) => [`r${i}`, 'feed-api', 'online', at, '2026-03-01', outcomes[(i * 7) % 3]!]));
  await insertLiterals(db, 'ErrorClass', ['key', 'template', 'updatedAt'], Array.from({ length: CLASSES }, (_, i) => [`k${i}`, `t${i}`, at]));
  const events = fc.sample(eventArb, { numRuns: 900, seed: 1402 });
  await insertLiterals(db, 'StageRun', ['id', 'key', 'rolloutId', 'service', 'stageKey', 'attempt', 'status', 'env', 'startedAt', 'day'],
    events.map((e, i) => [i + 1, `k${i}`, `r${e.rollout}`, e.service, e.stage, 1, 'failed', 'online', at, '2026-03-01']));
  await insertLiterals(db, 'ErrorEvent', ['stageRunId', 'rolloutId', 'service', 'stageKey', 'attempt', 'env', 'host', 'occurredAt', 'day', 'message', 'errorClassId'],
    events.map((e, i) => [i + 1, `r${e.rollout}`, e.service, e.stage, 1, 'online', e.host, at, '2026-03-01', 'failed', e.cls === null ? null : e.cls + 1]));
}

describe(`the migration ${MIGRATION} (${EXPECTED_KIND})`, () => {
  it('backfills each event’s failed rollout flag and each class’s facet counts as the full scans count them', async () => {
    const { url, migrateOn, cleanup } = await databaseBefore(MIGRATION);
    let db = await openDb(url);
    await store(db);
    await db.close();
    expect(await migrateOn()).toContain(MIGRATION);
    db = await openDb(url);
    try {
      const q = await db.bulk();
      const wrong = await queryRows<{ n: number | string }>(q, `SELECT COUNT(*) AS "n" FROM "ErrorEvent" e LEFT JOIN "Rollout" r ON r."id" = e."rolloutId"
        WHERE e."rolloutFailed" <> (COALESCE(r."outcome", '') = 'failed')`, []);
      expect(Number(wrong[0]!.n)).toBe(0);
      expect(await db.prisma.errorEvent.count({ where: { rolloutFailed: true } })).toBeGreaterThan(100);
      const now = new Date('2026-03-02T12:00:00Z');
      for (let id = 1; id <= CLASSES; id += 1) {
        const page = (await getClassDetail(db, id, now))!;
        const old = await oldClassPageCounts(db, id);
        expect(old.breakdown.byHost.length).toBeGreaterThan(1);
        expect({ failedRollouts: page.failedRollouts, breakdown: page.breakdown }).toEqual(old);
        expect(await getClassBreakdown(db, id)).toEqual(old.breakdown);
      }
      // Unclassified events count nowhere.
      const counted = await db.prisma.errorClassFacet.aggregate({ where: { facet: 'stage' }, _sum: { events: true } });
      expect(counted._sum.events).toBe(await db.prisma.errorEvent.count({ where: { errorClassId: { not: null } } }));
    } finally {
      await db.close();
      await cleanup();
    }
  }, 120_000);
});
