import type { Db } from '../db';
import { addDays, dayInZone } from '../time/day';

/**
 * The figures each trigger decides on, read from the tables kept current at ingest: failed
 * rollouts per class (ErrorEvent, last 24 hours and 7 days before `now`), days in a row a stage's
 * first-pass rate was under target (DailyStageRollup), open violations per admission rule.
 */
const DAY_MS = 86_400_000;

export type ClassFigures = {
  classId: number; title: string; ownerId: string | null; status: string; trackerUrl: string | null;
  firstSeen: Date | null; resolvedAt: Date | null; day: number; week: number; previousWeek: number;
};

/** Every class with failed rollouts in the last 14 days, plus `alsoIds` (the active ones, to see them fall to zero). */
export async function loadClassFigures(db: Db, now: Date, alsoIds: number[], timeZone: string): Promise<ClassFigures[]> {
  const from = new Date(now.getTime() - 14 * DAY_MS);
  const events = await db.prisma.errorEvent.findMany({
    // The day filter lets the (errorClassId, day)/(day) indexes narrow the scan; occurredAt is exact.
    where: {
      day: { gte: dayInZone(from.getTime(), timeZone) }, occurredAt: { gt: from, lte: now },
      errorClassId: { not: null }, stageRun: { rollout: { outcome: 'failed' } },
    },
    select: { errorClassId: true, rolloutId: true, occurredAt: true },
  });
  const windows = new Map<number, { day: Set<string>; week: Set<string>; previousWeek: Set<string> }>();
  for (const e of events) {
    const w = windows.get(e.errorClassId!) ?? { day: new Set(), week: new Set(), previousWeek: new Set() };
    windows.set(e.errorClassId!, w);
    const age = now.getTime() - e.occurredAt.getTime();
    if (age < DAY_MS) w.day.add(e.rolloutId);
    if (age < 7 * DAY_MS) w.week.add(e.rolloutId);
    else w.previousWeek.add(e.rolloutId);
  }
  const ids = [...new Set([...windows.keys(), ...alsoIds])];
  const classes = await db.prisma.errorClass.findMany({
    where: { id: { in: ids } },
    select: {
      id: true, name: true, template: true, ownerId: true, status: true, trackerUrl: true, firstSeen: true, resolvedAt: true,
      rule: { select: { trackerUrl: true } },
    },
  });
  return classes.map((c) => {
    const w = windows.get(c.id);
    return {
      // A rule class's own link wins; else its class rule's.
      classId: c.id, title: c.name ?? c.template, ownerId: c.ownerId, status: c.status,
      trackerUrl: c.trackerUrl ?? c.rule?.trackerUrl ?? null,
      firstSeen: c.firstSeen, resolvedAt: c.resolvedAt,
      day: w?.day.size ?? 0, week: w?.week.size ?? 0, previousWeek: w?.previousWeek.size ?? 0,
    };
  });
}

export type StageFirstPass = { stageKey: string; name: string; ownerId: string | null; daysUnder: number; lastRate: number | null };

/**
 * Per stage: how many complete days in a row, ending yesterday (in the time zone), its first-pass
 * rate was under `target`. A day without first attempts ends the streak (nothing was under target).
 */
export async function loadStageFirstPass(
  db: Db, now: Date, target: number, timeZone: string, maxDays: number,
): Promise<StageFirstPass[]> {
  const yesterday = addDays(dayInZone(now.getTime(), timeZone), -1);
  const from = addDays(yesterday, -(maxDays - 1));
  const rows = await db.prisma.dailyStageRollup.groupBy({
    by: ['stageKey', 'day'], where: { day: { gte: from, lte: yesterday } }, _sum: { firstAttempts: true, firstSuccesses: true },
  });
  const rateOf = ({ _sum: n }: (typeof rows)[number]) => ((n.firstAttempts ?? 0) > 0 ? (n.firstSuccesses ?? 0) / n.firstAttempts! : null);
  const rate = new Map(rows.map((r) => [`${r.stageKey} ${r.day}`, rateOf(r)]));
  const stages = await db.prisma.stage.findMany({ select: { key: true, name: true, ownerId: true }, orderBy: { position: 'asc' } });
  return stages.map((s) => {
    let daysUnder = 0;
    for (let day = yesterday; daysUnder < maxDays; day = addDays(day, -1)) {
      const r = rate.get(`${s.key} ${day}`);
      if (r === undefined || r === null || r >= target) break;
      daysUnder += 1;
    }
    return { stageKey: s.key, name: s.name, ownerId: s.ownerId, daysUnder, lastRate: rate.get(`${s.key} ${yesterday}`) ?? null };
  });
}

export type RuleViolations = { ruleId: string; title: string; ownerId: string | null; open: number };

export async function loadRuleViolations(db: Db): Promise<RuleViolations[]> {
  const open = await db.prisma.admissionViolation.groupBy({ by: ['ruleId'], where: { status: 'open' }, _count: { _all: true } });
  const counts = new Map(open.map((o) => [o.ruleId, o._count._all]));
  const rules = await db.prisma.admissionRule.findMany({ select: { id: true, title: true, ownerId: true, active: true } });
  return rules.map((r) => ({ ruleId: r.id, title: r.title, ownerId: r.ownerId, open: r.active ? (counts.get(r.id) ?? 0) : 0 }));
}
