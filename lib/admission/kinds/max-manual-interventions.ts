import { z } from 'zod';
import { queryRows } from '../../sql';
import { defineKind, windowDaysSchema } from '../kind';

type Needy = { id: string; service: string; manualCount: number; outcome: string; day: string; startedAt: string | Date };

/**
 * A rollout must need at most N manual interventions (the unattended target). Checked on the runs
 * of each ingestion, so every rollout is judged whenever it was stored (history loaded late too),
 * and counted in the week of its day.
 */
export const maxManualInterventions = defineKind({
  kind: 'max-manual-interventions',
  scope: 'rollout',
  configSchema: z.object({ max: z.number().int().min(0).default(0), windowDays: windowDaysSchema }),
  windowDays: (c) => c.windowDays,
  joinsOutcomes: true,
  async checkRuns({ db }, c, runs) {
    const p = db.kind === 'sqlite' ? '?' : '$1';
    const needy = await queryRows<Needy>(
      await db.bulk(),
      `SELECT "id","service","manualCount","outcome","day","startedAt" FROM "Rollout"
       WHERE "manualCount" > ${p} AND "id" IN (SELECT "rolloutId" FROM "StageRun" WHERE ${runs.rangeSql(2)})`,
      [c.max, runs.fromId, runs.toId],
    );
    return needy.map((r) => {
      const startedAt = new Date(r.startedAt);
      return {
        subjectType: 'rollout' as const,
        subjectId: r.id,
        at: startedAt,
        days: [r.day],
        rollouts: [r.id],
        evidence: { manualCount: Number(r.manualCount), max: c.max, service: r.service, outcome: r.outcome, startedAt: startedAt.toISOString() },
      };
    });
  },
  async preflight() {
    return { result: 'skip', reasons: ['manual interventions are known only after the rollout'] };
  },
});
