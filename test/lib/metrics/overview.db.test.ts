import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ingestStream, prepareIngest } from '../../../lib/ingest/sources';
import { getOverview } from '../../../lib/metrics/overview';
import { createTestDb, type TestDb } from '../../helpers/db';
import { bytes } from '../../helpers/streams';

let t: TestDb;
const NOW = new Date('2026-11-20T18:00:00Z');

beforeAll(async () => {
  t = await createTestDb();
  const target = await prepareIngest(t.db, { chainFile: null, timeZone: 'UTC', maxLineBytes: 65536 }, { admission: false });
  const rec = (rollout: string, stage: string, status: string, day: string, extra: Record<string, unknown> = {}) =>
    JSON.stringify({ rollout, service: 'feed-api', stage, status, startedAt: `${day}T10:00:00Z`, ...(status === 'failed' ? { errorMessage: 'boom' } : {}), ...extra });
  const lines = [
    // This week: ro-a succeeds, ro-b fails at image-pull, ro-c is still running.
    rec('ro-a', 'image-pull', 'succeeded', '2026-11-19'),
    rec('ro-a', 'monitor-attach', 'succeeded', '2026-11-19'),
    rec('ro-b', 'image-pull', 'failed', '2026-11-20'),
    rec('ro-c', 'image-pull', 'succeeded', '2026-11-20'),
    // Last week: image-pull 1 of 2.
    rec('ro-old1', 'image-pull', 'succeeded', '2026-11-10'),
    rec('ro-old2', 'image-pull', 'failed', '2026-11-11'),
    // Outside both windows and the 30-day volume range.
    rec('ro-ancient', 'image-pull', 'failed', '2026-09-01'),
  ];
  await ingestStream(target, { source: 'x', format: 'ndjson', input: bytes(lines.join('\n')) });
});
afterAll(async () => t?.close());

describe('getOverview', () => {
  it('counts rollouts per day by outcome over 30 days, zero-filled', async () => {
    const o = await getOverview(t.db, { timeZone: 'UTC', now: NOW });
    expect(o.volume).toHaveLength(30);
    expect(o.volume.at(-1)).toEqual({ day: '2026-11-20', succeeded: 0, failed: 1, inProgress: 1 });
    expect(o.volume.find((v) => v.day === '2026-11-19')).toEqual({ day: '2026-11-19', succeeded: 1, failed: 0, inProgress: 0 });
    expect(o.volume.find((v) => v.day === '2026-11-01')).toEqual({ day: '2026-11-01', succeeded: 0, failed: 0, inProgress: 0 });
    expect(o.rollouts).toEqual({ total: 3, succeeded: 1, failed: 1, successRate: 0.5 });
  });

  it('gives each stage its success rate over the last 7 days and the 7 before, in chain order', async () => {
    const o = await getOverview(t.db, { timeZone: 'UTC', now: NOW });
    expect(o.window).toEqual({ from: '2026-11-14', to: '2026-11-20' });
    expect(o.stages[0]!.key).toBe('test-build');
    const pull = o.stages.find((s) => s.key === 'image-pull')!;
    expect(pull).toMatchObject({ attempts: 3, successes: 2, failures: 1, successRate: 2 / 3, previousRate: 0.5 });
    expect(o.stages.find((s) => s.key === 'test-build')).toMatchObject({ attempts: 0, successRate: null });
    expect(pull.cumulativeYield).toBeCloseTo(2 / 3, 10);
  });
});
