import type { Db } from '../db';

export type Breakdown = { byStage: { key: string; n: number }[]; byService: { key: string; n: number }[]; byHost: { key: string; n: number }[] };

const sorted = (rows: { key: string; n: number }[]) => rows.sort((a, b) => b.n - a.n || a.key.localeCompare(b.key));

/**
 * Where a class's events happened: counts by stage, service and host, largest first (optionally
 * within a range of days). A class is one cause across stages, so it is never split by stage. All
 * time, it is read from the class's rollup (ErrorClassFacet: a few rows, whatever its history).
 */
export async function getClassBreakdown(db: Db, classId: number, days?: { from: string; to: string }): Promise<Breakdown> {
  if (!days) return readFacets(db, classId);
  const where = { errorClassId: classId, day: { gte: days.from, lte: days.to } };
  const [stages, services, hosts] = await Promise.all([
    db.prisma.errorEvent.groupBy({ by: ['stageKey'], where, _count: { _all: true } }),
    db.prisma.errorEvent.groupBy({ by: ['service'], where, _count: { _all: true } }),
    db.prisma.errorEvent.groupBy({ by: ['host'], where, _count: { _all: true } }),
  ]);
  return {
    byStage: sorted(stages.map((r) => ({ key: r.stageKey, n: r._count._all }))),
    byService: sorted(services.map((r) => ({ key: r.service, n: r._count._all }))),
    byHost: sorted(hosts.flatMap((r) => (r.host ? [{ key: r.host, n: r._count._all }] : []))),
  };
}

async function readFacets(db: Db, classId: number): Promise<Breakdown> {
  const rows = await db.prisma.errorClassFacet.findMany({ where: { errorClassId: classId, events: { gt: 0 } }, select: { facet: true, key: true, events: true } });
  // An empty host is no host, as in the scan above.
  const of = (facet: string) => sorted(rows.flatMap((r) => (r.facet === facet && (r.key || facet !== 'host') ? [{ key: r.key, n: r.events }] : [])));
  return { byStage: of('stage'), byService: of('service'), byHost: of('host') };
}
