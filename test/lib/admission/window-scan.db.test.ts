import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DayRange, Finding, RuleKind } from '../../../lib/admission/kind';
import { hostFindings, mixedHost, type HostRun } from '../../../lib/admission/kinds/mixed-host';
import { stageDuration } from '../../../lib/admission/kinds/stage-duration';
import { addRunDaySpans } from '../../../lib/ingest/rollup-run-days';
import { inTransaction } from '../../../lib/sql';
import { addDays } from '../../../lib/time/day';
import { createTestDb, type TestDb } from '../../helpers/db';
import { ingestRuns, type RunSpec } from '../../helpers/ingest';

// The window rules read the days they judge through the day spans (StageRunDaySpan) instead of
// scanning StageRun by "day". Their findings must be what the scan by day found: the reference here
// is the same kind reading one span per day over every id, which is exactly the old full scan.

let t: TestDb;
beforeAll(async () => {
  t = await createTestDb();
});
afterAll(async () => t?.close());

const DAYS = Array.from({ length: 20 }, (_, i) => `2026-10-${String(i + 1).padStart(2, '0')}`);
const spec = fc.record({
  day: fc.constantFrom(...DAYS),
  minute: fc.integer({ min: 0, max: 24 * 60 - 1 }),
  // Enough hosts that some ran one environment only: mixed-host reads only the hosts that ran both.
  host: fc.constantFrom('web-1', 'web-2', 'web-3', 'web-4', 'web-5', 'web-6'),
  env: fc.constantFrom('test' as const, 'online' as const, 'prerelease' as const),
  stage: fc.constantFrom('test-build', 'container-start'),
  durationMs: fc.integer({ min: 100, max: 120_000 }),
});
let serial = 0;
/** Findings seen over all generated cases: the comparison means something only when some are found. */
let found = 0;

type Spec = {
  day: string; minute: number; host: string; env: 'test' | 'online' | 'prerelease'; stage: string; durationMs: number;
};

/**
 * Stores the runs in the given order of batches (old days arrive late), then rebuilds the spans as
 * ingestion keeps them, per chunk of ids.
 */
async function store(batches: Spec[][], chunk: number) {
  for (const batch of batches) {
    await ingestRuns(t.db, batch.map((s) => {
      const at = new Date(Date.parse(`${s.day}T00:00:00Z`) + s.minute * 60_000).toISOString();
      return { rollout: `r${(serial += 1)}`, stage: s.stage, at, host: s.host, env: s.env, durationMs: s.durationMs };
    }));
  }
  await t.db.prisma.stageRunDaySpan.deleteMany();
  const runs = await t.db.prisma.stageRun.findMany({ select: { id: true, day: true }, orderBy: { id: 'asc' } });
  for (let i = 0; i < runs.length; i += chunk) {
    await inTransaction(t.db, (tx) => addRunDaySpans(tx, t.db.kind, runs.slice(i, i + chunk)));
  }
}

/** The kind's findings on `range` with the spans as kept, and with one span over all ids per day (the full scan). */
async function bothWays<C>(kind: RuleKind<C>, config: C, range: DayRange) {
  const images = { attr: 'image', buildStage: 'image-build', pushStage: 'image-push' };
  const ctx = { db: t.db, now: new Date('2026-11-30T00:00:00Z'), timeZone: 'UTC', images };
  const sorted = (fs: Finding[]) => fs.sort((a, b) => a.subjectId.localeCompare(b.subjectId));
  const kept = sorted(await kind.evaluateDays!(ctx, config, range));
  const spans = await t.db.prisma.stageRunDaySpan.findMany();
  const top = (await t.db.prisma.stageRun.aggregate({ _max: { id: true } }))._max.id ?? 0;
  const stored = await t.db.prisma.stageRun.findMany({ select: { day: true }, distinct: ['day'] });
  const days = [...new Set(stored.map((r) => r.day))];
  await t.db.prisma.stageRunDaySpan.deleteMany();
  await t.db.prisma.stageRunDaySpan.createMany({ data: days.map((day) => ({ day, fromId: 0, toId: top })) });
  const scanned = sorted(await kind.evaluateDays!(ctx, config, range));
  found += kept.length;
  await t.db.prisma.stageRunDaySpan.deleteMany();
  await t.db.prisma.stageRunDaySpan.createMany({ data: spans });
  return { kept, scanned };
}

/** mixed-host's findings from every run of the days it reads (no host filter), in id order: the read before it was narrowed. */
async function mixedFromAllRuns(overlapMinutes: number, range: DayRange): Promise<Finding[]> {
  const runs = await t.db.prisma.stageRun.findMany({
    where: { day: { gte: addDays(range.from, -2), lte: addDays(range.to, 2) }, env: { in: ['test', 'online'] }, host: { not: null } },
    orderBy: { id: 'asc' },
  });
  const byHost = new Map<string, HostRun[]>();
  for (const r of runs) {
    const start = r.startedAt.getTime();
    const run = { env: r.env, start, end: r.finishedAt?.getTime() ?? start, day: r.day, rolloutId: r.rolloutId, stageKey: r.stageKey };
    byHost.set(r.host!, [...(byHost.get(r.host!) ?? []), run]);
  }
  return hostFindings(byHost, overlapMinutes, range).sort((a, b) => a.subjectId.localeCompare(b.subjectId));
}

const dayRange = fc.tuple(fc.constantFrom(...DAYS), fc.constantFrom(...DAYS))
  .map(([a, b]) => (a <= b ? { from: a, to: b } : { from: b, to: a }));

describe('window rules read through the day spans', () => {
  it('find what the scan by day found, for stage-duration and mixed-host (also: what reading every host found), whatever the order of arrival', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.array(spec, { minLength: 1, maxLength: 25 }), { minLength: 1, maxLength: 4 }),
        fc.integer({ min: 1, max: 40 }), dayRange,
        fc.integer({ min: 1, max: 7 }), fc.integer({ min: 1000, max: 100_000 }), fc.integer({ min: 0, max: 600 }),
        async (batches, chunk, range, windowDays, limitMs, overlapMinutes) => {
          await store(batches, chunk);
          const config = { limitMs, limits: {}, percentile: 0.9, windowDays, minRuns: 2 };
          const duration = await bothWays(stageDuration, config, range);
          expect(duration.kept).toEqual(duration.scanned);
          const mixed = await bothWays(mixedHost, { overlapMinutes, windowDays }, range);
          expect(mixed.kept).toEqual(mixed.scanned);
          expect(mixed.kept).toEqual(await mixedFromAllRuns(overlapMinutes, range));
        }),
      { numRuns: 20, seed: 20261201 },
    );
    expect(found).toBeGreaterThan(10);
  });
});
