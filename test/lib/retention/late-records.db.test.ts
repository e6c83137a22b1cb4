import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatSummary } from '../../../lib/ingest/format-summary';
import { handleIngestRequest } from '../../../lib/ingest/http';
import { ingestItems, prepareIngest, type IngestTarget } from '../../../lib/ingest/sources';
import { computeRetentionHorizon } from '../../../lib/retention/horizon';
import { runRetention } from '../../../lib/retention/run-retention';
import { addDays, dayInZone, startOfDayInZone } from '../../../lib/time/day';
import { EXPECTED_KIND, createTestDb, type TestDb } from '../../helpers/db';

// A record that started before the retention horizon is not stored: retention may have deleted its
// key already, and storing it again would count it twice in the rollups and judge its week again.

let t: TestDb;
const DAYS = 97;
const settings = (timeZone: string, retentionDays?: number) => ({
  chainFile: null, timeZone, maxLineBytes: 65536, retentionDays,
});
const target = (timeZone = 'UTC', retentionDays?: number): Promise<IngestTarget> =>
  prepareIngest(t.db, settings(timeZone, retentionDays), { admission: false, classify: false });
const record = (rollout: string, startedAt: string, errorMessage = 'boom') => ({
  rollout, service: 'feed-api', stage: 'test-build', attempt: 1, status: 'failed', startedAt, durationMs: 1000,
  errorMessage,
});
// The tests run on today's clock: ingestion takes its horizon from the time it starts.
const today = dayInZone(Date.now(), 'UTC');
const oldDay = addDays(today, -200);

beforeAll(async () => {
  t = await createTestDb();
});
afterAll(async () => t?.close());

const rollupsOf = async (day: string) => ({
  daily: await t.db.prisma.dailyRollup.findMany({ where: { day }, orderBy: [{ stageKey: 'asc' }, { service: 'asc' }] }),
  stages: await t.db.prisma.dailyStageRollup.findMany({ where: { day }, orderBy: { stageKey: 'asc' } }),
  rollouts: await t.db.prisma.rolloutDayRollup.findMany({ where: { day }, orderBy: { outcome: 'asc' } }),
});

describe(`records older than the retention (${EXPECTED_KIND})`, () => {
  it('are not stored again after retention deleted them: counted as expired, warned of, rollups kept', async () => {
    const old = record('late-old', `${oldDay}T10:00:00.000Z`);
    expect((await ingestItems(await target(), { source: 'before', items: [old] })).accepted).toBe(1);
    const before = await rollupsOf(oldDay);
    expect(before.daily[0]).toMatchObject({ attempts: 1, failures: 1 });
    const removed = await runRetention({ db: t.db, retentionDays: DAYS, now: new Date(), timeZone: 'UTC' });
    expect(removed.rollouts).toBeGreaterThanOrEqual(1);
    const horizon = computeRetentionHorizon(DAYS, new Date(), 'UTC')!;
    const fresh = record('late-new', `${today}T00:00:00.000Z`);
    const again = await ingestItems(await target('UTC', DAYS), { source: 'again', items: [old, fresh] });
    expect(again).toMatchObject({ accepted: 1, duplicates: 0, rejected: 0, expired: 1 });
    expect(again.warnings).toContain(
      `1 record(s) not stored: they started before ${horizon}, older than the retention ` +
        `(ROLLSCOPE_RETENTION_DAYS=${DAYS})`,
    );
    expect(formatSummary(again)).toContain('1 accepted, 0 duplicates, 0 rejected, 1 older than the retention');
    expect(formatSummary([again, again])).toContain('2 older than the retention');
    expect(await rollupsOf(oldDay)).toEqual(before);
    expect(await t.db.prisma.stageRun.count({ where: { day: oldDay } })).toBe(0);
  });

  it('are stored as before without a retention', async () => {
    const items = [record('kept-old', `${addDays(today, -400)}T10:00:00Z`)];
    const summary = await ingestItems(await target(), { source: 'keep-all', items });
    expect(summary).toMatchObject({ accepted: 1, expired: 0 });
    expect(formatSummary(summary)).not.toContain('retention');
  });

  it('start at the horizon day\'s first instant in the time zone', async () => {
    const zone = 'Asia/Tokyo';
    const horizon = computeRetentionHorizon(DAYS, new Date(), zone)!;
    const first = startOfDayInZone(horizon, zone);
    const items = [
      record('edge-before', new Date(first - 1).toISOString()),
      record('edge-at', new Date(first).toISOString()),
    ];
    const summary = await ingestItems(await target(zone, DAYS), { source: 'edge', items });
    expect(summary).toMatchObject({ accepted: 1, expired: 1 });
    const where = { id: { in: ['edge-before', 'edge-at'] } };
    const stored = await t.db.prisma.rollout.findMany({ where, select: { id: true } });
    expect(stored).toEqual([{ id: 'edge-at' }]);
  });

  it('are counted in the answer of POST /api/ingest', async () => {
    const http = {
      ingestTokens: ['late-secret'], maxBodyBytes: 100_000, maxLineBytes: 65536,
      chainFile: null, timeZone: 'UTC', admissionFile: null,
    };
    const body = `${JSON.stringify(record('http-old', `${oldDay}T11:00:00Z`))}\n`;
    const post = (retentionDays: number | null) => handleIngestRequest(
      new Request('http://localhost/api/ingest', {
        method: 'POST', body, headers: { authorization: 'Bearer late-secret' },
      }),
      { db: t.db, settings: { ...http, retentionDays } },
    );
    const refused = await post(DAYS);
    expect(refused.status).toBe(200);
    expect(await refused.json()).toMatchObject({ accepted: 0, expired: 1 });
    expect(await (await post(null)).json()).toMatchObject({ accepted: 1, expired: 0 });
  });
});
