import type { Db } from '../db';
import { inChunks } from '../sql';
import { addDays, dayInZone, startOfDayInZone } from '../time/day';
import { previousWeek, weekDays } from '../time/iso-week';
import { computeRanking, type EventFact, type RankedClass } from './compute-ranking';
import { computeImpact, type ImpactAttempt, type JointGain } from './impact';
import { computeChainFigures, computeStageFigures, type ChainFigures, type StageFigures, type StageTotals } from './stage-figures';
import { readWeekRuns } from './week-runs';

export type ClassMeta = { key: string; name: string | null; template: string; category: string; ownerId: string | null; assigneeId: string | null; ownerRule: string | null; status: string; dominantStage: string | null;
  /** The tracker issue the class is followed in (absent in rankings stored before links existed). */
  trackerUrl?: string | null };
export type WeeklyClass = RankedClass & ClassMeta;
export type WeeklyRanking = {
  week: string;
  previousWeek: string;
  /** Days of each week compared (7; for a week ranked in progress, the days it has had so far, and the same days of the week before). */
  comparedDays: number;
  timeZone: string;
  from: string;
  to: string;
  computedAt: string;
  chain: ChainFigures;
  stages: StageFigures[];
  totals: { failures: number; classes: number; newClasses: number; regressed: number };
  /** The gain of fixing the top 3 and the top 5 classes together (empty in rankings stored before it existed). */
  fixTogether: JointGain[];
  classes: WeeklyClass[];
};

/** The sizes of the "fix together" sets shown on /errors and in the digest. */
export const FIX_TOGETHER = [3, 5] as const;

const CHUNK = 500;
const chunked = <T>(ids: readonly string[], read: (chunk: string[]) => Promise<T[]>) => inChunks(ids, CHUNK, read);

async function stageTotals(db: Db, days: string[]): Promise<Map<string, StageTotals>> {
  const rows = await db.prisma.dailyStageRollup.groupBy({ by: ['stageKey'], where: { day: { in: days } }, _sum: { attempts: true, successes: true, failures: true, skips: true, firstAttempts: true, firstSuccesses: true } });
  return new Map(rows.map((r) => [r.stageKey, { attempts: r._sum.attempts ?? 0, successes: r._sum.successes ?? 0, failures: r._sum.failures ?? 0, skips: r._sum.skips ?? 0, firstAttempts: r._sum.firstAttempts ?? 0, firstSuccesses: r._sum.firstSuccesses ?? 0 }]));
}

/**
 * Computes week `week`'s ranking (ISO week, days counted in `timeZone`) from the database:
 * error events and rollouts of the week and the week before, stage rollups, live classes.
 */
export async function computeWeeklyRanking(opts: { db: Db; week: string; timeZone: string; now?: Date }): Promise<WeeklyRanking> {
  const { db } = opts;
  const days = weekDays(opts.week);
  const prev = previousWeek(opts.week);
  // A week in progress is compared like for like: with the same days of the week before.
  const today = dayInZone((opts.now ?? new Date()).getTime(), opts.timeZone);
  const comparedDays = Math.max(1, days.filter((d) => d <= today).length);
  const prevDays = weekDays(prev).slice(0, comparedDays);
  const inWeek = new Set(days);
  const inPrev = new Set(prevDays);
  const select = { id: true, errorClassId: true, rolloutId: true, service: true, stageKey: true, host: true, attempt: true, occurredAt: true, message: true, day: true } as const;
  const [chainStages, rollouts, prevRollouts, byDay, classes, current, previous] = await Promise.all([
    db.prisma.stage.findMany({ orderBy: { position: 'asc' }, select: { key: true, name: true } }),
    db.prisma.rollout.findMany({ where: { day: { in: days } }, select: { id: true, service: true, outcome: true, failedRuns: true, manualCount: true, stageRuns: true } }),
    db.prisma.rollout.findMany({ where: { day: { in: prevDays } }, select: { id: true, outcome: true, failedRuns: true, manualCount: true } }),
    db.prisma.errorEvent.findMany({ where: { day: { in: [...days, ...prevDays] }, errorClassId: { not: null } }, select }),
    db.prisma.errorClass.findMany({ where: { mergedIntoId: null } }),
    stageTotals(db, days),
    stageTotals(db, prevDays),
  ]);
  const failed = rollouts.filter((r) => r.outcome === 'failed').map((r) => r.id);
  // Every attempt of the week's rollouts that failed somewhere (retried or not), with its error's class.
  const troubled = rollouts.filter((r) => r.failedRuns > 0).map((r) => r.id);
  const [ofTroubled, { attempts: runs, cohorts }] = await Promise.all([
    chunked(troubled, (chunk) => db.prisma.errorEvent.findMany({ where: { rolloutId: { in: chunk }, errorClassId: { not: null } }, select: { ...select, stageRunId: true } })),
    readWeekRuns(db, days, rollouts),
  ]);
  const classOfRun = new Map(ofTroubled.map((e) => [e.stageRunId, e.errorClassId!]));
  const attempts: ImpactAttempt[] = runs.map((r) => ({ rolloutId: r.rolloutId, stageKey: r.stageKey, attempt: r.attempt, status: r.status, durationMs: r.durationMs, manual: r.manual, classId: classOfRun.get(r.id) ?? null }));
  const latest = new Map<string, number>();
  for (const r of runs) {
    const key = `${r.rolloutId}\u0000${r.stageKey}`;
    if (r.attempt > (latest.get(key) ?? 0)) latest.set(key, r.attempt);
  }
  const impact = computeImpact({
    stagePosition: new Map(chainStages.map((st, i) => [st.key, i])),
    rollouts: rollouts.map((r) => ({ id: r.id, service: r.service, cohort: cohorts.get(r.id) ?? null, outcome: r.outcome })),
    attempts,
  });
  const events = new Map([...byDay, ...ofTroubled].map((e) => [e.id, e]));
  const referenced = [...new Set([...events.values()].map((e) => e.rolloutId))];
  const outcomes = await chunked(referenced, (chunk) => db.prisma.rollout.findMany({ where: { id: { in: chunk } }, select: { id: true, outcome: true } }));
  const facts: EventFact[] = [...events.values()].map((e) => ({
    classId: e.errorClassId!, rolloutId: e.rolloutId, service: e.service, stageKey: e.stageKey, host: e.host, attempt: e.attempt, occurredAt: e.occurredAt.getTime(), message: e.message,
    week: inWeek.has(e.day) ? 'current' : inPrev.has(e.day) ? 'previous' : 'other',
  }));
  const stages = computeStageFigures(chainStages, current, previous);
  const chain = computeChainFigures(rollouts, prevRollouts, stages);
  const ranked = computeRanking({
    weekStart: startOfDayInZone(days[0]!, opts.timeZone),
    weekEnd: startOfDayInZone(addDays(days[6]!, 1), opts.timeZone),
    classes: classes.map((c) => ({ id: c.id, firstSeen: c.firstSeen?.getTime() ?? null, resolvedAt: c.resolvedAt?.getTime() ?? null })),
    events: facts,
    outcomes: new Map(outcomes.map((o) => [o.id, o.outcome])),
    latestAttempt: latest,
    failedRollouts: failed,
    finishedRollouts: chain.finished,
    impact,
  });
  const meta = new Map(classes.map((c) => [c.id, c]));
  const weekly: WeeklyClass[] = ranked.map((r) => {
    const c = meta.get(r.classId)!;
    return { ...r, key: c.key, name: c.name, template: c.template, category: c.category, ownerId: c.ownerId, assigneeId: c.assigneeId, ownerRule: c.ownerRule, status: c.status, dominantStage: c.dominantStage, trackerUrl: c.trackerUrl };
  });
  return {
    week: opts.week, previousWeek: prev, comparedDays, timeZone: opts.timeZone, from: days[0]!, to: days[6]!, computedAt: (opts.now ?? new Date()).toISOString(), chain, stages,
    totals: { failures: ranked.reduce((a, r) => a + r.failures, 0), classes: ranked.length, newClasses: ranked.filter((r) => r.badge === 'new').length, regressed: ranked.filter((r) => r.badge === 'regressed').length },
    fixTogether: FIX_TOGETHER.filter((k) => ranked.length >= k).map((k) => {
      const top = ranked.slice(0, k);
      return { k, classIds: top.map((r) => r.classId), gain: impact.jointGain(top.map((r) => r.classId)), sumOfGains: top.reduce((a, r) => a + (r.impact?.expectedGain ?? 0), 0) };
    }),
    classes: weekly,
  };
}
