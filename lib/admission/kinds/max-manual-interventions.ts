import { z } from 'zod';
import { addDays, dayInZone } from '../../time/day';
import { defineKind } from '../kind';

/** A rollout must need at most N manual interventions (the unattended target). */
export const maxManualInterventions = defineKind({
  kind: 'max-manual-interventions',
  scope: 'rollout',
  configSchema: z.object({ max: z.number().int().min(0).default(0), windowDays: z.number().int().min(1).max(90).default(7) }),
  windowDays: (c) => c.windowDays,
  joinsOutcomes: true,
  async evaluate({ db, now, timeZone }, c) {
    const to = dayInZone(now.getTime(), timeZone);
    const from = addDays(to, -(c.windowDays - 1));
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
