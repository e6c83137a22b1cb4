import { z } from 'zod';
import { dayWindow, defineKind, windowDaysSchema } from '../kind';

/** A rollout must need at most N manual interventions (the unattended target). */
export const maxManualInterventions = defineKind({
  kind: 'max-manual-interventions',
  scope: 'rollout',
  configSchema: z.object({ max: z.number().int().min(0).default(0), windowDays: windowDaysSchema }),
  windowDays: (c) => c.windowDays,
  joinsOutcomes: true,
  async evaluate(ctx, c) {
    const { db } = ctx;
    const { from, to } = dayWindow(ctx, c.windowDays);
    const rollouts = await db.prisma.rollout.findMany({ where: { day: { gte: from, lte: to }, manualCount: { gt: c.max } }, select: { id: true, service: true, manualCount: true, outcome: true, startedAt: true } });
    return rollouts.map((r) => ({
      subjectType: 'rollout' as const,
      subjectId: r.id,
      at: r.startedAt,
      rollouts: [r.id],
      evidence: { manualCount: r.manualCount, max: c.max, service: r.service, outcome: r.outcome, startedAt: r.startedAt.toISOString() },
    }));
  },
  async preflight() {
    return { result: 'skip', reasons: ['manual interventions are known only after the rollout'] };
  },
});
