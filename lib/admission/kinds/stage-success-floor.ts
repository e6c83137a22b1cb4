import { z } from 'zod';
import { ratio } from '../../format';
import { dayWindow, defineKind, windowDaysSchema } from '../kind';

/** A dependent system (a stage) must keep its success rate at or above a floor over a window. */
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
  async evaluate(ctx, c) {
    const { db } = ctx;
    const { from, to } = dayWindow(ctx, c.windowDays);
    const rows = await db.prisma.dailyRollup.groupBy({ by: ['stageKey'], where: { day: { gte: from, lte: to }, ...(c.stages ? { stageKey: { in: c.stages } } : {}) }, _sum: { successes: true, failures: true } });
    return rows.flatMap((r) => {
      const successes = r._sum.successes ?? 0;
      const failures = r._sum.failures ?? 0;
      const rate = ratio(successes, successes + failures);
      if (rate === null || successes + failures < c.minAttempts || rate >= c.floor) return [];
      return [{ subjectType: 'stage' as const, subjectId: r.stageKey, evidence: { rate, floor: c.floor, successes, failures, from, to, link: `/stages/${r.stageKey}?from=${from}&to=${to}` } }];
    });
  },
});
