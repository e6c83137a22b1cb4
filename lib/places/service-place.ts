import { getChain } from '../chain/sync';
import type { Db } from '../db';
import { unstorableText } from '../ingest/record';
import {
  buildStageRows, RECENT_ROLLOUTS, rolloutSelect, topClasses, topFailingBy,
  type PlaceClassRow, type PlacePeriod, type PlaceRollout, type PlaceStageRow, type Ranked,
} from './figures';
import { listOpenViolations, type PlaceViolation } from './violations';

export type ServicePlace = {
  service: string;
  owner: { id: string; name: string } | null;
  period: PlacePeriod;
  /** Rollouts started in the period, by outcome. */
  outcomes: { succeeded: number; failed: number; inProgress: number };
  stages: PlaceStageRow[];
  classes: PlaceClassRow[];
  /** Failed runs of the period no class holds yet. */
  unclassified: number;
  hosts: Ranked[];
  rollouts: PlaceRollout[];
  violations: PlaceViolation[];
};

/**
 * A service's page: per-stage figures from the daily rollups, its failures by class and by host,
 * its rollouts of the period by outcome and the latest of them, and its open violations. Reads the
 * (service, day) indexes of DailyRollup, ErrorEvent and Rollout only. Null for an unknown service.
 */
export async function getServicePlace(db: Db, service: string, period: PlacePeriod): Promise<ServicePlace | null> {
  if (service === '' || unstorableText(service) !== null) return null;
  const row = await db.prisma.service.findUnique({ where: { name: service }, select: { owner: { select: { id: true, name: true } } } });
  if (!row) return null;
  const where = { service, day: { gte: period.from, lte: period.to } };
  const [chain, rollups, { classes, unclassified }, hosts, outcomes, rollouts, violations] = await Promise.all([
    getChain(db),
    db.prisma.dailyRollup.groupBy({
      by: ['stageKey'], where, _sum: { attempts: true, successes: true, failures: true, firstAttempts: true, firstSuccesses: true },
    }),
    topClasses(db, where),
    topFailingBy(db, 'host', where),
    db.prisma.rollout.groupBy({ by: ['outcome'], where, _count: { _all: true } }),
    db.prisma.rollout.findMany({
      where, select: rolloutSelect, orderBy: [{ day: 'desc' }, { startedAt: 'desc' }, { id: 'asc' }], take: RECENT_ROLLOUTS,
    }),
    listOpenViolations(db, [{ type: 'service', ids: [service] }]),
  ]);
  const counts = new Map(rollups.map((r) => [r.stageKey, {
    attempts: r._sum.attempts ?? 0, successes: r._sum.successes ?? 0, failures: r._sum.failures ?? 0,
    firstAttempts: r._sum.firstAttempts ?? 0, firstSuccesses: r._sum.firstSuccesses ?? 0,
  }]));
  const outcome = (o: string) => outcomes.find((x) => x.outcome === o)?._count._all ?? 0;
  return {
    service, owner: row.owner, period,
    outcomes: { succeeded: outcome('succeeded'), failed: outcome('failed'), inProgress: outcome('in_progress') },
    stages: buildStageRows(chain, counts), classes, unclassified, hosts, rollouts, violations,
  };
}
