import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mergeClasses } from '../../../lib/classify/decisions';
import { getTrends } from '../../../lib/metrics/trends';
import { classifyAndRank } from '../../../lib/rank/classify-and-rank';
import { runRetention } from '../../../lib/retention/run-retention';
import { EXPECTED_KIND, createTestDb, type TestDb } from '../../helpers/db';
import { ingestRuns } from '../../helpers/ingest';

// Retention deletes error events, not what they counted: a class's count, first and last seen stay
// through a full classification (refresh 'all', which recomputes from the stored events), and so
// do /trends' class counts by first seen.

let t: TestDb;
beforeAll(async () => {
  t = await createTestDb();
});
afterAll(async () => t?.close());

const NOW = new Date('2026-07-20T12:00:00Z');
const PULL = 'image pull backoff for registry';
const settings = { timeZone: 'UTC', categoriesFile: null, routingFile: null };
const targets = { successRate: 0.95, stageSuccessRate: 0.99, yield: 0.8, unattendedRate: 0.95, rolloutsPerWeek: null };
const figures = () => t.db.prisma.errorClass.findMany({
  where: { mergedIntoId: null },
  orderBy: { id: 'asc' },
  select: { id: true, eventCount: true, firstSeen: true, lastSeen: true, dominantStage: true },
});

describe(`error classes under retention (${EXPECTED_KIND})`, () => {
  it('keep their counts, first and last seen and /trends through retention and a full classification', async () => {
    await ingestRuns(t.db, [
      { rollout: 'old1', stage: 'test-build', at: '2026-01-05T10:00:00Z', message: 'disk full on /var' },
      { rollout: 'old2', stage: 'test-build', at: '2026-01-06T10:00:00Z', message: 'disk full on /var' },
      { rollout: 'new', stage: 'test-build', at: '2026-07-19T10:00:00Z', message: 'disk full on /var' },
      { rollout: 'gone1', stage: 'container-start', at: '2026-02-02T10:00:00Z', message: PULL },
      { rollout: 'gone2', stage: 'container-start', at: '2026-02-09T10:00:00Z', message: PULL },
    ]);
    await classifyAndRank({ db: t.db, settings, now: NOW });
    const before = await figures();
    const trends = await getTrends(t.db, { weeks: 52, timeZone: 'UTC', targets, now: NOW });
    expect(before.map((c) => c.eventCount).sort()).toEqual([2, 3]);
    // Twice: a second run deletes nothing more and adds nothing twice.
    for (let i = 0; i < 2; i += 1) {
      await runRetention({ db: t.db, retentionDays: 97, now: NOW, timeZone: 'UTC', batchRollouts: 1 });
    }
    expect(await t.db.prisma.errorEvent.count()).toBe(1);
    await classifyAndRank({ db: t.db, settings, now: new Date('2026-07-24T12:00:00Z') });
    expect(await figures()).toEqual(before);
    expect(await getTrends(t.db, { weeks: 52, timeZone: 'UTC', targets, now: NOW })).toEqual(trends);
  });

  it('count the expired events of a class merged into another in the class it went to', async () => {
    const [a, b] = await figures();
    await mergeClasses(t.db, { targetId: a!.id, sourceIds: [b!.id], actor: 'test' });
    await classifyAndRank({ db: t.db, settings, now: new Date('2026-07-25T12:00:00Z') });
    const [merged] = await figures();
    expect(merged).toMatchObject({ eventCount: a!.eventCount + b!.eventCount });
    expect(merged!.firstSeen).toEqual([a!.firstSeen!, b!.firstSeen!].sort((x, y) => x.getTime() - y.getTime())[0]);
  });
});
