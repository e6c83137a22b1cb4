import { z } from 'zod';
import { queryRows } from '../../sql';
import { dayWindow, defineKind, windowDaysSchema } from '../kind';

/** The nearest-rank percentile of sorted values. */
export function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))]!;
}

/**
 * A stage's duration must stay under a limit: the p95 (or another percentile) of its successful
 * runs over a window. Failed runs are left out: they end early and would hide slowness.
 */
export const stageDuration = defineKind({
  kind: 'stage-duration',
  scope: 'stage',
  configSchema: z.object({
    /** The limit for every stage without its own in `limits`. */
    limitMs: z.number().int().positive(),
    limits: z.record(z.string(), z.number().int().positive()).default({}),
    percentile: z.number().gt(0).max(1).default(0.95),
    windowDays: windowDaysSchema,
    minRuns: z.number().int().min(1).default(20),
    stages: z.array(z.string()).optional(),
  }),
  windowDays: (c) => c.windowDays,
  joinsOutcomes: false,
  async evaluate(ctx, c) {
    const { db } = ctx;
    const { from, to } = dayWindow(ctx, c.windowDays);
    const p = db.kind === 'sqlite' ? ['?', '?'] : ['$1', '$2'];
    // StageRun has no index on day (ingest speed): one scan of the table, keeping two columns.
    const rows = await queryRows<{ stageKey: string; durationMs: number }>(
      await db.bulk(),
      `SELECT "stageKey","durationMs" FROM "StageRun" WHERE "day" >= ${p[0]} AND "day" <= ${p[1]} AND "status" = 'succeeded' AND "durationMs" IS NOT NULL`,
      [from, to],
    );
    const byStage = new Map<string, number[]>();
    for (const r of rows) {
      if (c.stages && !c.stages.includes(r.stageKey)) continue;
      const list = byStage.get(r.stageKey);
      if (list) list.push(Number(r.durationMs));
      else byStage.set(r.stageKey, [Number(r.durationMs)]);
    }
    return [...byStage].flatMap(([stage, durations]) => {
      if (durations.length < c.minRuns) return [];
      const limitMs = c.limits[stage] ?? c.limitMs;
      const value = percentile(durations.sort((a, b) => a - b), c.percentile);
      if (value <= limitMs) return [];
      return [{ subjectType: 'stage' as const, subjectId: stage, evidence: { percentile: c.percentile, valueMs: value, limitMs, runs: durations.length, from, to, link: `/stages/${stage}?from=${from}&to=${to}` } }];
    });
  },
});
