import { z } from 'zod';
import { queryRows } from '../../sql';
import { defineKind, windowDaysSchema } from '../kind';

type Long = { id: string; service: string; steps: number; day: string; lastAt: string | Date };

/** The chain a rollout ran must not exceed N steps (distinct stages run, skipped ones not counted). */
export const chainLength = defineKind({
  kind: 'chain-length',
  scope: 'rollout',
  configSchema: z.object({ maxSteps: z.number().int().min(1), windowDays: windowDaysSchema }),
  windowDays: (c) => c.windowDays,
  joinsOutcomes: true,
  async checkRuns({ db }, c, runs) {
    const p = db.kind === 'sqlite' ? '?' : '$1';
    const long = await queryRows<Long>(
      await db.bulk(),
      `SELECT "id","service","steps","day",COALESCE("finishedAt","startedAt") AS "lastAt" FROM "Rollout" WHERE "steps" > ${p} AND "id" IN (SELECT "rolloutId" FROM "StageRun" WHERE ${runs.rangeSql(2)})`,
      [c.maxSteps, runs.fromId, runs.toId],
    );
    const stages = new Map<string, Set<string>>();
    for (let i = 0; i < long.length; i += 500) {
      const ids = long.slice(i, i + 500).map((r) => r.id);
      for (const r of await db.prisma.stageRun.findMany({ where: { rolloutId: { in: ids }, status: { not: 'skipped' } }, select: { rolloutId: true, stageKey: true } })) {
        const set = stages.get(r.rolloutId) ?? new Set<string>();
        set.add(r.stageKey);
        stages.set(r.rolloutId, set);
      }
    }
    return long.map((r) => ({
      subjectType: 'rollout' as const,
      subjectId: r.id,
      // Seen when its latest step ran; counted in the week of the rollout's day, as all its figures.
      at: new Date(r.lastAt),
      days: [r.day],
      rollouts: [r.id],
      evidence: { steps: Number(r.steps), maxSteps: c.maxSteps, service: r.service, stages: [...(stages.get(r.id) ?? [])] },
    }));
  },
  async preflight(_ctx, c, req) {
    if (req.stages.length === 0) return { result: 'skip', reasons: ['no planned stages in the request'] };
    const steps = new Set(req.stages).size;
    return steps > c.maxSteps ? { result: 'fail', reasons: [`${steps} planned steps; at most ${c.maxSteps} allowed`] } : { result: 'pass', reasons: [] };
  },
});
