import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rebuildClassFacets } from '../../../lib/classify/class-facets';
import { addDays } from '../../../lib/time/day';
import { getClassDetail } from '../../../lib/triage/class-detail';
import { classFiltersSchema, listErrorClasses, PAGE_SIZE } from '../../../lib/triage/list-classes';
import { createTestDb, type TestDb } from '../../helpers/db';
import { ingestRuns, type RunSpec } from '../../helpers/ingest';
import { oldRangeRows, recountClassFigures } from './old-readers';

// Issue 14: the range list and the class page read from indexes now; on generated data they must
// give exactly what the full scans gave.
let t: TestDb;
const FIRST_DAY = '2026-10-10';
const DAYS = 40;
const SERVICES = ['feed-api', 'user-svc', 'pay-api', 'mail-svc'];
const STAGES = ['image-pull', 'health-check', 'container-start', 'monitor-attach'];
const CLASSES = 6;
const classIds: number[] = [];

const runArb = fc.record({
  rollout: fc.integer({ min: 0, max: 29 }),
  day: fc.integer({ min: 0, max: DAYS - 1 }),
  // Late hours and the next day's early ones put one rollout's events on two days.
  minute: fc.integer({ min: 0, max: 24 * 60 - 1 }),
  stage: fc.constantFrom(...STAGES),
  host: fc.option(fc.integer({ min: 0, max: 4 }), { nil: undefined }),
  failed: fc.boolean(),
});

function buildRuns(): RunSpec[] {
  const seen = new Map<string, number>();
  return fc.sample(runArb, { numRuns: 400, seed: 14 }).map((r) => {
    const rollout = `r${r.rollout}`;
    const attempt = (seen.get(`${rollout}/${r.stage}`) ?? 0) + 1;
    seen.set(`${rollout}/${r.stage}`, attempt);
    const at = new Date(Date.parse(`${addDays(FIRST_DAY, r.day)}T00:00:00Z`) + r.minute * 60_000).toISOString();
    return {
      rollout, stage: r.stage, attempt, at, service: SERVICES[r.rollout % SERVICES.length]!,
      host: r.host === undefined ? undefined : `host-${r.host}`, ...(r.failed || r.rollout % 3 === 0 ? { message: `failure ${r.minute % 7} on ${r.stage}` } : {}),
    };
  });
}

beforeAll(async () => {
  t = await createTestDb();
  await ingestRuns(t.db, buildRuns());
  for (let i = 0; i < CLASSES; i += 1) classIds.push((await t.db.prisma.errorClass.create({ data: { key: `k${i}`, template: `failure <*> ${i}` } })).id);
  // A merged class keeps a few events here, so the list's "not merged" filter is exercised too.
  await t.db.prisma.errorClass.update({ where: { id: classIds[5]! }, data: { mergedIntoId: classIds[0]!, status: 'merged' } });
  const events = await t.db.prisma.errorEvent.findMany({ select: { id: true }, orderBy: { id: 'asc' } });
  const picks = fc.sample(fc.option(fc.integer({ min: 0, max: CLASSES - 1 }), { nil: null, freq: 6 }), { numRuns: events.length, seed: 41 });
  for (const [i, e] of events.entries()) {
    const pick = picks[i]!;
    await t.db.prisma.errorEvent.update({ where: { id: e.id }, data: { errorClassId: pick === null ? null : classIds[pick]! } });
  }
  // Classes set by hand here, past the writers that keep the per-class facet counts: counted once, as the migration does.
  await rebuildClassFacets(t.db.prisma);
}, 120_000);
afterAll(async () => t?.close());

describe('the bounded error-page reads', () => {
  it('list the classes of any range of days, of one service or all, exactly as the full scan did', async () => {
    const failed = await t.db.prisma.rollout.count({ where: { outcome: 'failed' } });
    expect(failed).toBeGreaterThan(0);
    const spanning = await t.db.prisma.errorEvent.groupBy({ by: ['errorClassId', 'rolloutId', 'day'], where: { errorClassId: { not: null } } });
    const pairs = new Set(spanning.map((s) => `${s.errorClassId}/${s.rolloutId}`));
    // The data has class and rollout pairs on more than one day: distinct rollouts are not a sum over days.
    expect(spanning.length).toBeGreaterThan(pairs.size);
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: -3, max: DAYS + 2 }), fc.integer({ min: 0, max: 25 }), fc.option(fc.constantFrom(...SERVICES, 'no-such-svc', ''), { nil: undefined }),
        async (start, length, service) => {
          const range = { from: addDays(FIRST_DAY, start), to: addDays(FIRST_DAY, start + length) };
          const query = { ...range, ...(service === undefined ? {} : { service }) };
          const listed = await listErrorClasses(t.db, classFiltersSchema.parse(query));
          expect(listed.rows).toEqual((await oldRangeRows(t.db, range, service)).slice(0, PAGE_SIZE));
        },
      ),
      { numRuns: 60 },
    );
  });

  it('give each class page the samples, timeline, breakdown and failed rollouts of a recount from all events', async () => {
    for (const day of [addDays(FIRST_DAY, 20), addDays(FIRST_DAY, DAYS + 5)]) {
      const now = new Date(`${day}T12:00:00Z`);
      for (const id of classIds) {
        const c = (await getClassDetail(t.db, id, now))!;
        const expected = await recountClassFigures(t.db, id, { from: addDays(day, -29), to: day });
        expect(c.samples.map((s) => s.id)).toEqual(expected.sampleIds);
        expect(c.timeline).toEqual(expected.timeline);
        expect(c.breakdown).toEqual(expected.breakdown);
        expect(c.failedRollouts).toBe(expected.failedRollouts);
      }
    }
  });
});
