import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listFilterOptions, pickerOptions } from '../../../lib/triage/filter-options';
import { classifyAndRank } from '../../../lib/rank/classify-and-rank';
import { getClassDetail } from '../../../lib/triage/class-detail';
import { getClassWeek } from '../../../lib/triage/class-week';
import { createTestDb, type TestDb } from '../../helpers/db';
import { ingestRuns } from '../../helpers/ingest';

let t: TestDb;
let pull = 0;
const settings = { timeZone: 'UTC', categoriesFile: null, routingFile: null };
const msg = (n: number) => `pull of img:${n} timed out after ${30 + n}s`;

beforeAll(async () => {
  t = await createTestDb();
  await ingestRuns(t.db, [
    // W46: two failed rollouts on two hosts of one service.
    { rollout: 'a1', stage: 'image-pull', at: '2026-11-10T09:00:00Z', message: msg(1), service: 'feed-api', host: 'h1' },
    { rollout: 'a2', stage: 'image-pull', at: '2026-11-11T09:00:00Z', message: msg(2), service: 'feed-api', host: 'h2' },
    // W47: one rollout recovers by a retry (not failed), one fails twice on one host; three services in all.
    { rollout: 'b1', stage: 'image-pull', at: '2026-11-17T09:00:00Z', message: msg(3), service: 'user-svc', host: 'h3' },
    { rollout: 'b1', stage: 'image-pull', attempt: 2, at: '2026-11-17T09:10:00Z', service: 'user-svc', host: 'h3' },
    { rollout: 'b1', stage: 'monitor-attach', at: '2026-11-17T09:20:00Z', service: 'user-svc', host: 'h3' },
    { rollout: 'b2', stage: 'image-pull', at: '2026-11-18T09:00:00Z', message: msg(4), service: 'pay-api', host: 'h4' },
    { rollout: 'b2', stage: 'image-pull', attempt: 2, at: '2026-11-18T09:10:00Z', message: msg(5), service: 'pay-api', host: 'h4' },
  ]);
  await classifyAndRank({ db: t.db, settings, week: '2026-W46' });
  await classifyAndRank({ db: t.db, settings, week: '2026-W47' });
  pull = (await t.db.prisma.errorClass.findFirstOrThrow({ where: { template: { startsWith: 'pull of' } } })).id;
});
afterAll(async () => t?.close());

describe('the class page\'s week and all-time figures', () => {
  it('gives the week asked for its ranking entry\'s failures, failed rollouts, services and hosts', async () => {
    const w47 = (await getClassWeek(t.db, pull, '2026-W47')).shown!;
    expect(w47).toMatchObject({ week: '2026-W47', failures: 3, previousFailures: 2, failedRollouts: 1, services: 2, hosts: 2 });
    expect(w47.lastSeen).toEqual(new Date('2026-11-18T09:10:00Z'));
    const w46 = await getClassWeek(t.db, pull, '2026-W46');
    expect(w46).toMatchObject({ weeks: ['2026-W47', '2026-W46'], missing: null, shown: { week: '2026-W46', failures: 2, failedRollouts: 2, services: 1, hosts: 2 } });
  });

  it('says when the week asked for does not list the class, and shows the newest', async () => {
    expect(await getClassWeek(t.db, pull, '2026-W40')).toMatchObject({ missing: '2026-W40', shown: { week: '2026-W47' } });
    expect((await getClassWeek(t.db, pull)).missing).toBeNull();
    expect(await getClassWeek(t.db, 2_000_000, '2026-W47')).toEqual({ weeks: [], shown: null, missing: '2026-W47' });
  });

  it('counts all time: events, rollouts that ended failed, services and hosts, first and last seen', async () => {
    const d = (await getClassDetail(t.db, pull, new Date('2026-11-20T12:00:00Z')))!;
    expect(d).toMatchObject({ eventCount: 5, failedRollouts: 3 });
    expect(d.breakdown.byService.map((s) => s.key).sort()).toEqual(['feed-api', 'pay-api', 'user-svc']);
    expect(d.breakdown.byHost).toHaveLength(4);
    expect([d.firstSeen, d.lastSeen]).toEqual([new Date('2026-11-10T09:00:00Z'), new Date('2026-11-18T09:10:00Z')]);
  });
});

describe('the owner pickers\' lists', () => {
  it('give every person their team, so the person list can follow the chosen team', async () => {
    const { teams, people } = pickerOptions((await listFilterOptions(t.db)).owners);
    expect(teams.map((o) => o.value)).toContain('sre');
    expect(people.filter((p) => p.teamId === 'sre').map((p) => p.label).sort()).toEqual(['Aisha Khan', 'David Kim']);
    expect(people.every((p) => teams.some((team) => team.value === p.teamId))).toBe(true);
  });
});
