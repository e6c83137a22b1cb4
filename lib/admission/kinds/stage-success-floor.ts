import { z } from 'zod';
import { ratio } from '../../format';
import { addDays, daysBetween } from '../../time/day';
import { defineKind, findingsPerDay, windowDaysSchema, windowEnding } from '../kind';

/**
 * A dependent system (a stage) must keep its success rate at or above a floor over a window: it
 * breaks on each day whose window (the `windowDays` ending that day) is below the floor.
 */
export const stageSuccessFloor = defineKind({
  kind: 'stage-success-floor',
  scope: 'stage',
  configSchema: z.object({
    floor: z.number().min(0).max(1),
    windowDays: windowDaysSchema,
    /** Too few attempts say nothing: stages below this are skipped. */
    minAttempts: z.number().int().min(1).default(20),
    stages: z.array(z.string()).optional(),
  }),
  windowDays: (c) => c.windowDays,
  joinsOutcomes: false,
  async evaluateDays(ctx, c, range) {
    const first = addDays(range.from, -(c.windowDays - 1));
    const rows = await ctx.db.prisma.dailyStageRollup.groupBy({
      by: ['stageKey', 'day'],
      where: { day: { gte: first, lte: range.to }, ...(c.stages ? { stageKey: { in: c.stages } } : {}) },
      _sum: { successes: true, failures: true },
    });
    const perStage = new Map<string, Map<string, { successes: number; failures: number }>>();
    for (const r of rows) {
      const days = perStage.get(r.stageKey) ?? new Map();
      days.set(r.day, { successes: r._sum.successes ?? 0, failures: r._sum.failures ?? 0 });
      perStage.set(r.stageKey, days);
    }
    const breaches = new Map<string, { day: string; evidence: Record<string, unknown> }[]>();
    for (const [stage, days] of perStage) {
      for (const day of daysBetween(range.from, range.to)) {
        const window = windowEnding(day, c.windowDays);
        let successes = 0;
        let failures = 0;
        for (const d of daysBetween(window.from, window.to)) {
          successes += days.get(d)?.successes ?? 0;
          failures += days.get(d)?.failures ?? 0;
        }
        const rate = ratio(successes, successes + failures);
        if (rate === null || successes + failures < c.minAttempts || rate >= c.floor) continue;
        const list = breaches.get(stage) ?? [];
        const link = `/stages/${stage}?from=${window.from}&to=${window.to}`;
        list.push({ day, evidence: { rate, floor: c.floor, successes, failures, ...window, link } });
        breaches.set(stage, list);
      }
    }
    return findingsPerDay(ctx, 'stage', breaches);
  },
});
