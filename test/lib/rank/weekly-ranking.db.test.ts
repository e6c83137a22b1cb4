import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setClassStatus } from '../../../lib/classify/decisions';
import { classifyAndRank } from '../../../lib/rank/classify-and-rank';
import { getRankingSnapshot } from '../../../lib/rank/snapshots';
import { computeWeeklyRanking, type WeeklyRanking } from '../../../lib/rank/weekly-ranking';
import { createTestDb, type TestDb } from '../../helpers/db';
import { ingestRuns, type RunSpec } from '../../helpers/ingest';

// A small data set whose figures were worked out by hand (see the comments).
const A = (n: number) => `image pull failed: registry timeout after ${n}s`;
const B = (n: number) => `health check returned 503 after ${n} attempts`;
const C = (n: number) => `config key db.url missing (revision ${n})`;
const D = (n: number) => `traffic shift stuck at ${n}% on pool web`;
const at = (day: string, time: string) => `2026-11-${day}T${time}:00Z`;
const settings = { timeZone: 'UTC', categoriesFile: null, routingFile: null };

const earlier: RunSpec[] = [
  { rollout: 'd0', stage: 'full-traffic', at: at('03', '09:00'), message: D(40) },
  { rollout: 'd0', stage: 'full-traffic', attempt: 2, at: at('03', '09:10') },
  { rollout: 'd0', stage: 'monitor-attach', at: at('03', '09:20') },
  { rollout: 'r0', stage: 'image-pull', at: at('10', '09:00'), message: A(30) },
];
const week47: RunSpec[] = [
  // r1 fails on A twice: its only cause is A.
  { rollout: 'r1', stage: 'test-build', at: at('17', '08:00') },
  { rollout: 'r1', stage: 'image-pull', at: at('17', '08:10'), message: A(31) },
  { rollout: 'r1', stage: 'image-pull', attempt: 2, at: at('17', '08:20'), message: A(32) },
  // r2 recovers from A by a retry, then fails on B: its only cause is B.
  { rollout: 'r2', stage: 'image-pull', at: at('17', '09:00'), message: A(33) },
  { rollout: 'r2', stage: 'image-pull', attempt: 2, at: at('17', '09:10') },
  { rollout: 'r2', stage: 'health-check', at: at('17', '09:20'), message: B(3) },
  // r3 fails on both A and B: no single cause.
  { rollout: 'r3', stage: 'image-pull', at: at('18', '10:00'), message: A(34) },
  { rollout: 'r3', stage: 'health-check', at: at('18', '10:10'), message: B(4) },
  { rollout: 'r4', stage: 'test-build', at: at('18', '11:00') },
  { rollout: 'r4', stage: 'monitor-attach', at: at('18', '11:30') },
  // r5 meets D again after D was resolved (a regression), recovers and succeeds.
  { rollout: 'r5', stage: 'full-traffic', at: at('19', '12:00'), message: D(55) },
  { rollout: 'r5', stage: 'full-traffic', attempt: 2, at: at('19', '12:10') },
  { rollout: 'r5', stage: 'monitor-attach', at: at('19', '12:20') },
  { rollout: 'r6', stage: 'monitor-attach', at: at('19', '13:00') },
  { rollout: 'r7', stage: 'health-check', at: at('20', '14:00'), message: B(5) },
  // r8 fails twice on C (new this week) and succeeds at the third attempt.
  { rollout: 'r8', stage: 'config-sync', at: at('21', '15:00'), message: C(1) },
  { rollout: 'r8', stage: 'config-sync', attempt: 2, at: at('21', '15:10'), message: C(2) },
  { rollout: 'r8', stage: 'config-sync', attempt: 3, at: at('21', '15:20') },
  { rollout: 'r8', stage: 'monitor-attach', at: at('21', '15:30') },
];

let t: TestDb;
let ranking: WeeklyRanking;
const byTemplate = (text: string) => ranking.classes.find((c) => c.sample.message === text || c.template.startsWith(text))!;

beforeAll(async () => {
  t = await createTestDb();
  await ingestRuns(t.db, earlier);
  await classifyAndRank({ db: t.db, settings, week: '2026-W45', now: new Date('2026-11-04T00:00:00Z') });
  const d = await t.db.prisma.errorClass.findFirstOrThrow({ where: { template: { startsWith: 'traffic shift' } } });
  await setClassStatus(t.db, { classId: d.id, status: 'resolved', actor: 'test', now: new Date('2026-11-05T00:00:00Z') });
  await ingestRuns(t.db, week47);
  ranking = (await classifyAndRank({ db: t.db, settings, week: '2026-W47', now: new Date('2026-11-22T18:00:00Z') })).ranking;
});
afterAll(async () => t?.close());

describe('the weekly ranking of error classes', () => {
  it('ranks by uplift, then failures', () => {
    expect(ranking.classes.map((c) => c.template)).toEqual([
      'health check returned <*> after <*> attempts',
      'image pull failed: registry timeout after <*>',
      'config key db.url missing (revision <*>)',
      'traffic shift stuck at <*> on pool web',
    ]);
    expect(ranking.classes.map((c) => c.rank)).toEqual([1, 2, 3, 4]);
  });

  it('computes uplift from the failed rollouts a class alone caused, with n of N', () => {
    const [b, a, c, d] = ranking.classes;
    expect([b!.upliftRollouts, b!.upliftOf, b!.uplift]).toEqual([2, 8, 25]);
    expect([a!.upliftRollouts, a!.upliftOf, a!.uplift]).toEqual([1, 8, 12.5]);
    expect([c!.upliftRollouts, d!.upliftRollouts]).toEqual([0, 0]);
  });

  it('ranks by expected gain: a rollout blocked by two classes is shared, a class a retry got past only costs toil', () => {
    const [b, a, c, d] = ranking.classes;
    // B blocks r2 and r7 alone and shares r3 (failed on A at image-pull and B at health-check) with A; A blocks r1.
    expect([b!.impact!.blocked, b!.impact!.blockedRollouts, a!.impact!.blocked, a!.impact!.blockedRollouts]).toEqual([2.5, 3, 1.5, 2]);
    expect(b!.impact!.expectedGain).toBeGreaterThan(a!.impact!.expectedGain);
    expect(b!.impact!.low).toBeLessThanOrEqual(b!.impact!.expectedGain);
    expect(b!.impact!.high).toBeGreaterThanOrEqual(b!.impact!.expectedGain);
    // C and D never blocked a rollout; a retry got past both.
    expect([c!.impact!.expectedGain, c!.impact!.blocked, d!.impact!.expectedGain]).toEqual([0, 0, 0]);
    // Toil: A retried in r1 and r2; C twice in r8; D once in r5; each attempt took 1 s.
    expect(a!.toil).toEqual({ attemptsLost: 2, timeLostMs: 2000, manual: 0, rollouts: 2 });
    expect(c!.toil).toEqual({ attemptsLost: 2, timeLostMs: 2000, manual: 0, rollouts: 1 });
    expect(d!.toil).toEqual({ attemptsLost: 1, timeLostMs: 1000, manual: 0, rollouts: 1 });
    expect(b!.toil).toBeNull();
    expect([a!.toilRank, c!.toilRank, d!.toilRank, b!.toilRank]).toEqual([1, 2, 3, null]);
    // Fixing the top 3 together: more than B alone (r3 needs A and B both), at most the 4 failed of 8 rollouts.
    expect(ranking.fixTogether.map((j) => j.k)).toEqual([3]);
    expect(ranking.fixTogether[0]!.gain).toBeGreaterThan(b!.impact!.expectedGain);
    expect(ranking.fixTogether[0]!.gain).toBeLessThanOrEqual(50);
    // C blocked nothing, so it adds nothing to B and A fixed together (A's "with the ones above").
    expect(ranking.fixTogether[0]!.gain).toBeCloseTo(a!.impact!.withAbove!, 6);
  });

  it('counts failures, failed rollouts, services and hosts for the week and the week before', () => {
    const [b, a, c] = ranking.classes;
    expect(a).toMatchObject({ failures: 4, previousFailures: 1, failedRollouts: 3, previousFailedRollouts: 1, affectedRollouts: 3, services: 1 });
    expect(b).toMatchObject({ failures: 3, previousFailures: 0, failedRollouts: 3 });
    expect(c).toMatchObject({ failures: 2, failedRollouts: 0, affectedRollouts: 1 });
    expect(a!.byStage).toEqual([{ key: 'image-pull', n: 4 }]);
    expect(new Date(a!.firstSeen!).toISOString()).toBe('2026-11-10T09:00:00.000Z');
    expect(new Date(a!.lastSeen).toISOString()).toBe('2026-11-18T10:00:00.000Z');
  });

  it('gives each class its badge: new, regressed, escalating', () => {
    const badges = Object.fromEntries(ranking.classes.map((c) => [c.template.split(' ')[0], c.badge]));
    expect(badges).toEqual({ health: 'new', image: 'escalating', config: 'new', traffic: 'regressed' });
  });

  it('marks the classes that together make 80% of the failures', () => {
    // 10 failures: A 4, B 3, C 2 reach 9 ≥ 8; D is left out.
    expect(ranking.totals.failures).toBe(10);
    expect(ranking.classes.filter((c) => c.in80).map((c) => c.template.split(' ')[0])).toEqual(['health', 'image', 'config']);
  });

  it('reports stage first-pass rates and the chain yield next to the product of the stage rates', () => {
    const pull = ranking.stages.find((s) => s.key === 'image-pull')!;
    expect(pull).toMatchObject({ attempts: 5, successes: 1, failures: 4, firstAttempts: 3, firstSuccesses: 0, firstPassRate: 0 });
    expect(ranking.chain).toMatchObject({ rollouts: 8, finished: 8, succeeded: 4, failed: 4, successRate: 0.5, firstPassSucceeded: 2, firstPassYield: 0.25, stageRateProduct: 0 });
    expect(ranking.chain.previous).toEqual({ rollouts: 1, finished: 1, succeeded: 0, successRate: 0, unattendedRate: 1 });
    expect(ranking.chain).toMatchObject({ unattended: 8, unattendedRate: 1 });
  });

  it('stores the week as one snapshot, the same when computed again', async () => {
    const stored = await getRankingSnapshot(t.db, '2026-W47');
    expect(stored).toEqual(ranking);
    await classifyAndRank({ db: t.db, settings, week: '2026-W47', now: new Date('2026-11-22T18:00:00Z') });
    expect(await t.db.prisma.rankingSnapshot.count({ where: { week: '2026-W47' } })).toBe(1);
    expect(await getRankingSnapshot(t.db, '2026-W47')).toEqual(stored);
    expect(await getRankingSnapshot(t.db, '2026-W40')).toBeNull();
  });

  it('compares a week in progress with the same days of the week before', async () => {
    expect(ranking.comparedDays).toBe(7);
    // On Monday of W47, W46's Tuesday (r0's failure on A) is not compared yet.
    const monday = await computeWeeklyRanking({ db: t.db, week: '2026-W47', timeZone: 'UTC', now: new Date('2026-11-16T12:00:00Z') });
    expect(monday.comparedDays).toBe(1);
    expect(monday.classes.find((c) => c.template.startsWith('image pull'))!.previousFailures).toBe(0);
    expect(monday.chain.previous.rollouts).toBe(0);
    const tuesday = await computeWeeklyRanking({ db: t.db, week: '2026-W47', timeZone: 'UTC', now: new Date('2026-11-17T12:00:00Z') });
    expect([tuesday.comparedDays, tuesday.classes.find((c) => c.template.startsWith('image pull'))!.previousFailures, tuesday.chain.previous.rollouts]).toEqual([2, 1, 1]);
  });

  it('keeps the ranking of a week as it was sent, expected gains and all, when new data arrives', async () => {
    const sent = await classifyAndRank({ db: t.db, settings, week: '2026-W47', now: new Date('2026-11-22T18:00:00Z'), freeze: true });
    await ingestRuns(t.db, [
      { rollout: 'late1', stage: 'image-pull', at: at('21', '20:00'), message: A(90) },
      { rollout: 'late2', stage: 'image-pull', at: at('21', '21:00'), message: A(91) },
    ]);
    const again = await classifyAndRank({ db: t.db, settings, week: '2026-W47', now: new Date('2026-11-23T09:00:00Z') });
    expect(again.frozen).toEqual(sent.frozen);
    expect(again.ranking).toEqual(sent.ranking);
    expect(again.ranking.classes.find((c) => c.template.startsWith('image pull'))!.impact!.blocked).toBe(1.5);
  });
});
