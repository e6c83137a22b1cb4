import { getChain } from '../chain/sync';
import type { Db } from '../db';
import { unstorableText } from '../ingest/record';
import {
  buildStageRows, emptyCounts, RECENT_ROLLOUTS, rolloutSelect, topClasses, topFailingBy,
  type PlaceClassRow, type PlacePeriod, type PlaceRollout, type PlaceStageRow, type Ranked, type StageCounts,
} from './figures';
import { listOpenViolations, type PlaceViolation } from './violations';

export type HostPlace = {
  host: string;
  /** The environments the host has run work of, from the admission state (all time). */
  envs: { env: string; firstSeen: Date; lastSeen: Date }[];
  period: PlacePeriod;
  runs: number;
  failures: number;
  stages: PlaceStageRow[];
  classes: PlaceClassRow[];
  /** Failed runs of the period no class holds yet. */
  unclassified: number;
  services: Ranked[];
  rollouts: PlaceRollout[];
  violations: PlaceViolation[];
};

/**
 * A host's page: its runs of the period by stage (overall and first-pass success), its failures by
 * class and by service, the latest rollouts that ran on it, and its open violations. Every read is a
 * range of the (host, day) indexes of StageRun and ErrorEvent, so its cost is the host's runs in
 * the period, never the table's. Null for a host no run names.
 */
export async function getHostPlace(db: Db, host: string, period: PlacePeriod): Promise<HostPlace | null> {
  if (host === '' || unstorableText(host) !== null) return null;
  const envs = await db.prisma.hostEnvSeen.findMany({
    where: { host }, select: { env: true, firstSeen: true, lastSeen: true }, orderBy: { env: 'asc' },
  });
  // The admission pass keeps HostEnvSeen; a host only a run names (ingested without it) exists all the same.
  if (envs.length === 0 && !(await db.prisma.stageRun.findFirst({ where: { host }, select: { id: true } }))) return null;
  const where = { host, day: { gte: period.from, lte: period.to } };
  const [chain, groups, { classes, unclassified }, services, latest, violations] = await Promise.all([
    getChain(db),
    db.prisma.stageRun.groupBy({ by: ['stageKey', 'status', 'attempt'], where, _count: { _all: true } }),
    topClasses(db, where),
    topFailingBy(db, 'service', where),
    db.prisma.stageRun.groupBy({
      by: ['rolloutId'], where, _max: { startedAt: true }, orderBy: [{ _max: { startedAt: 'desc' } }, { rolloutId: 'asc' }], take: RECENT_ROLLOUTS,
    }),
    listOpenViolations(db, [{ type: 'host', ids: [host] }]),
  ]);
  const counts = new Map<string, StageCounts>();
  for (const g of groups) {
    const c = counts.get(g.stageKey) ?? emptyCounts();
    const n = g._count._all;
    c.attempts += n;
    if (g.status === 'succeeded') c.successes += n;
    if (g.status === 'failed') c.failures += n;
    if (g.attempt === 1 && g.status !== 'skipped') c.firstAttempts += n;
    if (g.attempt === 1 && g.status === 'succeeded') c.firstSuccesses += n;
    counts.set(g.stageKey, c);
  }
  const stages = buildStageRows(chain, counts);
  const found = await db.prisma.rollout.findMany({ where: { id: { in: latest.map((l) => l.rolloutId) } }, select: rolloutSelect });
  const byId = new Map(found.map((r) => [r.id, r]));
  return {
    host, envs, period,
    runs: [...counts.values()].reduce((a, c) => a + c.attempts, 0),
    failures: [...counts.values()].reduce((a, c) => a + c.failures, 0),
    stages, classes, unclassified, services,
    rollouts: latest.flatMap((l) => byId.get(l.rolloutId) ?? []),
    violations,
  };
}
