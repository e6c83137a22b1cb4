import { z } from 'zod';
import { addDays, daysBetween } from '../../time/day';
import { defineKind, findingsPerDay, windowDaysSchema, windowEnding } from '../kind';
import { forEachRunsOfDays } from '../run-days';

/** The nearest-rank percentile of sorted values. */
export function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))]!;
}

/**
 * A stage's duration must stay under a limit: the p95 (or another percentile) of its successful
 * runs over a window, judged for each day (the `windowDays` ending that day). Failed runs are left
 * out: they end early and would hide slowness.
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
  async evaluateDays(ctx, c, range) {
    const first = addDays(range.from, -(c.windowDays - 1));
    // StageRun has no index on day (ingest speed): the window's runs are read by their id spans.
    // Folded per read: only the durations are kept (a number each), never a year's row objects.
    const perStage = new Map<string, Map<string, number[]>>();
    await forEachRunsOfDays<{ stageKey: string; day: string; durationMs: number }>(ctx.db, { from: first, to: range.to }, {
      columns: '"stageKey","day","durationMs"',
      where: `"status" = 'succeeded' AND "durationMs" IS NOT NULL`,
      args: [],
    }, (rows) => {
      for (const r of rows) {
        if (c.stages && !c.stages.includes(r.stageKey)) continue;
        const days = perStage.get(r.stageKey) ?? new Map<string, number[]>();
        const list = days.get(r.day);
        if (list) list.push(Number(r.durationMs));
        else days.set(r.day, [Number(r.durationMs)]);
        perStage.set(r.stageKey, days);
      }
    });
    const breaches = new Map<string, { day: string; evidence: Record<string, unknown> }[]>();
    for (const [stage, days] of perStage) {
      const limitMs = c.limits[stage] ?? c.limitMs;
      for (const day of daysBetween(range.from, range.to)) {
        const window = windowEnding(day, c.windowDays);
        const durations = daysBetween(window.from, window.to).flatMap((d) => days.get(d) ?? []);
        if (durations.length < c.minRuns) continue;
        const value = percentile(durations.sort((a, b) => a - b), c.percentile);
        if (value <= limitMs) continue;
        const list = breaches.get(stage) ?? [];
        const link = `/stages/${stage}?from=${window.from}&to=${window.to}`;
        list.push({ day, evidence: { percentile: c.percentile, valueMs: value, limitMs, runs: durations.length, ...window, link } });
        breaches.set(stage, list);
      }
    }
    return findingsPerDay(ctx, 'stage', breaches);
  },
});
