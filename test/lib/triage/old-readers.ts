import type { Db } from '../../../lib/db';
import { addDays, daysBetween } from '../../../lib/time/day';
import { MAX_RANGE_DAYS } from '../../../lib/http/fields';
import type { ClassRow } from '../../../lib/triage/list-classes';

/**
 * The range list as it was read before issue 14 (every class and rollout pair of the range read back
 * and counted in JS), kept as the reference the index-backed reader must match exactly.
 */
export async function oldRangeRows(db: Db, range: { from: string; to: string }, service?: string): Promise<ClassRow[]> {
  const length = daysBetween(range.from, range.to, MAX_RANGE_DAYS).length;
  const filter = { errorClassId: { not: null }, ...(service ? { service } : {}) };
  const where = { ...filter, day: { gte: range.from, lte: range.to } };
  const [totals, rollouts, before] = await Promise.all([
    db.prisma.errorEvent.groupBy({ by: ['errorClassId'], where, _count: { _all: true } }),
    db.prisma.errorEvent.groupBy({ by: ['errorClassId', 'rolloutId'], where }),
    db.prisma.errorEvent.groupBy({ by: ['errorClassId'], where: { ...filter, day: { gte: addDays(range.from, -length), lt: range.from } }, _count: { _all: true } }),
  ]);
  const previous = new Map(before.map((b) => [b.errorClassId, b._count._all]));
  const classes = await db.prisma.errorClass.findMany({ where: { id: { in: totals.map((t) => t.errorClassId!) }, mergedIntoId: null } });
  const byId = new Map(classes.map((c) => [c.id, c]));
  const affected = new Map<number, number>();
  for (const r of rollouts) affected.set(r.errorClassId!, (affected.get(r.errorClassId!) ?? 0) + 1);
  const rows: ClassRow[] = totals.flatMap((t) => {
    const c = byId.get(t.errorClassId!);
    if (!c) return [];
    return [{
      id: c.id, rank: 0, title: c.name ?? c.template, template: c.template, badge: '', in80: false, failures: t._count._all, previousFailures: previous.get(c.id) ?? 0,
      failedRollouts: affected.get(c.id) ?? 0, uplift: 0, upliftRollouts: 0, upliftOf: 0, impact: null, toil: null, toilRank: null, reveals: [],
      stage: c.dominantStage, category: c.category,
      ownerId: c.ownerId, assigneeId: c.assigneeId, status: c.status, lastSeen: c.lastSeen, trackerUrl: c.trackerUrl, trend: [],
    }];
  });
  rows.sort((a, b) => b.failures - a.failures || a.id - b.id).forEach((r, i) => (r.rank = i + 1));
  return rows;
}

type Event = { id: number; errorClassId: number | null; rolloutId: string; stageKey: string; service: string; host: string | null; occurredAt: Date; day: string };

/** A class page's all-time figures recounted in JS from every stored event and rollout: the obvious full scan. */
export async function recountClassFigures(db: Db, classId: number, timeline: { from: string; to: string }) {
  const events: Event[] = await db.prisma.errorEvent.findMany({
    select: { id: true, errorClassId: true, rolloutId: true, stageKey: true, service: true, host: true, occurredAt: true, day: true },
  });
  const mine = events.filter((e) => e.errorClassId === classId);
  const failed = new Set((await db.prisma.rollout.findMany({ where: { outcome: 'failed' }, select: { id: true } })).map((r) => r.id));
  const count = (keys: (string | null)[]) => {
    const n = new Map<string, number>();
    for (const k of keys) if (k !== null) n.set(k, (n.get(k) ?? 0) + 1);
    return [...n].map(([key, v]) => ({ key, n: v })).sort((a, b) => b.n - a.n || a.key.localeCompare(b.key));
  };
  const latest = [...mine].sort((a, b) => b.occurredAt.getTime() - a.occurredAt.getTime() || b.id - a.id).slice(0, 20);
  const perDay = new Map<string, number>();
  for (const e of mine) if (e.day >= timeline.from && e.day <= timeline.to) perDay.set(e.day, (perDay.get(e.day) ?? 0) + 1);
  return {
    sampleIds: latest.map((e) => e.id),
    timeline: daysBetween(timeline.from, timeline.to).map((day) => ({ day, failures: perDay.get(day) ?? 0 })),
    breakdown: { byStage: count(mine.map((e) => e.stageKey)), byService: count(mine.map((e) => e.service)), byHost: count(mine.map((e) => e.host)) },
    failedRollouts: new Set(mine.filter((e) => failed.has(e.rolloutId)).map((e) => e.rolloutId)).size,
  };
}

/**
 * The per-class-per-day rollup (ErrorClassDay, ErrorClassRolloutDay) as a full scan of the events
 * counts it, in JS: what lib/classify/class-days.ts keeps and the migration error_class_days backfilled.
 */
export async function scanClassDays(db: Db) {
  const events = await db.prisma.errorEvent.findMany({ where: { errorClassId: { not: null } }, select: { errorClassId: true, day: true, rolloutId: true } });
  const days = new Map<string, { errorClassId: number; day: string; events: number; rollouts: Set<string> }>();
  const pairDays = new Map<string, Set<string>>();
  for (const e of events) {
    const key = `${e.errorClassId}|${e.day}`;
    const d = days.get(key) ?? { errorClassId: e.errorClassId!, day: e.day, events: 0, rollouts: new Set() };
    d.events += 1;
    d.rollouts.add(e.rolloutId);
    days.set(key, d);
    const pair = `${e.errorClassId}|${e.rolloutId}`;
    pairDays.set(pair, (pairDays.get(pair) ?? new Set()).add(e.day));
  }
  const order = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  return {
    days: [...days.values()].map((d) => ({ errorClassId: d.errorClassId, day: d.day, events: d.events, rollouts: d.rollouts.size }))
      .sort((a, b) => a.errorClassId - b.errorClassId || order(a.day, b.day)),
    pairs: [...pairDays].filter(([, s]) => s.size > 1).flatMap(([pair, s]) => [...s].map((day) => {
      const [errorClassId, rolloutId] = pair.split('|');
      return { errorClassId: Number(errorClassId), rolloutId: rolloutId!, day };
    })).sort((a, b) => a.errorClassId - b.errorClassId || order(a.rolloutId, b.rolloutId) || order(a.day, b.day)),
  };
}

/** The rollup as stored, in the order of scanClassDays. */
export async function readClassDays(db: Db) {
  return {
    days: await db.prisma.errorClassDay.findMany({ orderBy: [{ errorClassId: 'asc' }, { day: 'asc' }] }),
    pairs: await db.prisma.errorClassRolloutDay.findMany({ orderBy: [{ errorClassId: 'asc' }, { rolloutId: 'asc' }, { day: 'asc' }] }),
  };
}

/**
 * A class page's failed rollouts and breakdown as they were read before issue 14's rollups: the
 * class's events joined to every failed rollout, and three GROUP BYs over all the class's events.
 */
export async function oldClassPageCounts(db: Db, classId: number) {
  const [row] = await db.prisma.$queryRaw<{ n: bigint | number }[]>`
    SELECT COUNT(DISTINCT e."rolloutId") AS n FROM "ErrorEvent" e JOIN "Rollout" r ON r."id" = e."rolloutId"
    WHERE e."errorClassId" = ${classId} AND r."outcome" = 'failed'`;
  const where = { errorClassId: classId };
  const [stages, services, hosts] = await Promise.all([
    db.prisma.errorEvent.groupBy({ by: ['stageKey'], where, _count: { _all: true } }),
    db.prisma.errorEvent.groupBy({ by: ['service'], where, _count: { _all: true } }),
    db.prisma.errorEvent.groupBy({ by: ['host'], where, _count: { _all: true } }),
  ]);
  const sorted = (rows: { key: string; n: number }[]) => rows.sort((a, b) => b.n - a.n || a.key.localeCompare(b.key));
  return {
    failedRollouts: Number(row?.n ?? 0),
    breakdown: {
      byStage: sorted(stages.map((r) => ({ key: r.stageKey, n: r._count._all }))),
      byService: sorted(services.map((r) => ({ key: r.service, n: r._count._all }))),
      byHost: sorted(hosts.flatMap((r) => (r.host ? [{ key: r.host, n: r._count._all }] : []))),
    },
  };
}
