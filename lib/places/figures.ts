import type { Chain } from '../chain/sync';
import type { Db } from '../db';
import { ratio } from '../format';
import { resolveRange } from '../metrics/stages';
import { weekJustEnding } from '../time/iso-week';

/** What the host and service pages share: the period, per-stage rates, top classes, recent rollouts. */
export type PlacePeriod = { week: string | null; from: string; to: string };
export type StageCounts = {
  attempts: number; successes: number; failures: number; firstAttempts: number; firstSuccesses: number;
};
export type PlaceStageRow = StageCounts & { key: string; name: string; successRate: number | null; firstPassRate: number | null };
export type PlaceClassRow = { id: number; title: string; status: string; failures: number };
export type PlaceRollout = {
  id: string; service: string; env: string; outcome: string; startedAt: Date; failedRuns: number; manualCount: number;
};
export type Ranked = { name: string; failures: number };

// The top of each list: enough to see what dominates, bounded so a busy place reads in one screen and one query.
export const TOP_CLASSES = 20;
export const TOP_OTHERS = 10;
export const RECENT_ROLLOUTS = 20;

type PeriodInput = { week?: string | undefined; from?: string | undefined; to?: string | undefined };

/**
 * The period of a place page: a week, a from/to range (as the stage pages resolve it), or by default
 * the week the dashboard reports (the one just ending: the digest's week).
 */
export function resolvePlacePeriod(input: PeriodInput, timeZone: string, now = new Date()): PlacePeriod {
  const days = input.from !== undefined || input.to !== undefined;
  const week = input.week ?? (days ? undefined : weekJustEnding(now.getTime(), timeZone));
  return { week: week ?? null, ...resolveRange({ from: input.from, to: input.to, week }, timeZone, now) };
}

/** "week 2026-W48, 2026-11-23 – 2026-11-29", or the range alone: what a place page's heading names. */
export function describePeriod(p: PlacePeriod): string {
  return `${p.week ? `week ${p.week}, ` : ''}${p.from} – ${p.to}`;
}

export const emptyCounts = (): StageCounts => ({ attempts: 0, successes: 0, failures: 0, firstAttempts: 0, firstSuccesses: 0 });

/** The stages with attempts in the period, in chain order, with overall and first-pass success as the README defines them. */
export function buildStageRows(chain: Chain, counts: Map<string, StageCounts>): PlaceStageRow[] {
  return chain.stages.flatMap((s) => {
    const c = counts.get(s.key);
    if (!c || c.attempts === 0) return [];
    const successRate = ratio(c.successes, c.successes + c.failures);
    return [{ key: s.key, name: s.name, ...c, successRate, firstPassRate: ratio(c.firstSuccesses, c.firstAttempts) }];
  });
}

type EventWhere = { host?: string; service?: string; day: { gte: string; lte: string } };

/**
 * The error classes with most failures among the events of `where` (an indexed host or service
 * window), and how many of its events no class holds yet (classification runs after ingestion).
 */
export async function topClasses(db: Db, where: EventWhere): Promise<{ classes: PlaceClassRow[]; unclassified: number }> {
  const [groups, unclassified] = await Promise.all([
    db.prisma.errorEvent.groupBy({
      by: ['errorClassId'], where: { ...where, errorClassId: { not: null } }, _count: { _all: true },
      orderBy: [{ _count: { id: 'desc' } }, { errorClassId: 'asc' }], take: TOP_CLASSES,
    }),
    db.prisma.errorEvent.count({ where: { ...where, errorClassId: null } }),
  ]);
  const ids = groups.flatMap((g) => (g.errorClassId === null ? [] : [g.errorClassId]));
  const select = { id: true, name: true, template: true, status: true } as const;
  const found = await db.prisma.errorClass.findMany({ where: { id: { in: ids } }, select });
  const meta = new Map(found.map((c) => [c.id, c]));
  const classes = groups.flatMap((g) => {
    const c = g.errorClassId === null ? undefined : meta.get(g.errorClassId);
    return c ? [{ id: c.id, title: c.name ?? c.template, status: c.status, failures: g._count._all }] : [];
  });
  return { classes, unclassified };
}

/** Failures per value of `by` (the other kind of place) among the events of `where`, most first. */
export async function topFailingBy(db: Db, by: 'host' | 'service', where: EventWhere): Promise<Ranked[]> {
  const take = TOP_OTHERS;
  // Two spelled-out queries: Prisma's groupBy types need the grouped field as a literal.
  const count = { _count: { _all: true } } as const;
  const rows = by === 'host'
    ? (await db.prisma.errorEvent.groupBy({
      by: ['host'], where: { ...where, host: { not: null } }, ...count, orderBy: [{ _count: { id: 'desc' } }, { host: 'asc' }], take,
    })).map((g) => ({ name: g.host, failures: g._count._all }))
    : (await db.prisma.errorEvent.groupBy({
      by: ['service'], where, ...count, orderBy: [{ _count: { id: 'desc' } }, { service: 'asc' }], take,
    })).map((g) => ({ name: g.service, failures: g._count._all }));
  return rows.flatMap((r) => (r.name ? [{ name: r.name, failures: r.failures }] : []));
}

export const rolloutSelect = {
  id: true, service: true, env: true, outcome: true, startedAt: true, failedRuns: true, manualCount: true,
} as const;
