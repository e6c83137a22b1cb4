import type { Db } from '../db';
import { insertRows, type Column } from '../sql';
import { toDbTimestamp } from '../time/day';
import type { NewRuns } from './new-runs';

/**
 * The admission state kept from the stage runs, so that the rules and the pre-flight check never
 * scan StageRun: when each host last ran each environment's work (HostEnvSeen), each service's
 * fixed pre-release host (ServiceBuildHost) and where each image was built and pushed (ImageSeen).
 * Updated from the runs of each ingestion, in any order: the earliest build fixes a host.
 */
export async function updateAdmissionState(db: Db, runs: NewRuns): Promise<void> {
  await updateHostEnvs(db, runs);
  const imageRuns = await runs.imageRuns();
  await updateBuildHosts(db, imageRuns.filter((r) => r.stageKey === runs.images.buildStage && r.host !== null));
  await updateImages(db, runs);
}

/** One statement: the range's (host, env) first and last times, merged into the table. */
async function updateHostEnvs(db: Db, runs: NewRuns): Promise<void> {
  const [least, greatest] = db.kind === 'sqlite' ? ['MIN', 'MAX'] : ['LEAST', 'GREATEST'];
  const cast = db.kind === 'sqlite' ? '' : '::integer';
  const p = db.kind === 'sqlite' ? ['?', '?'] : [`$1${cast}`, `$2${cast}`];
  await (await db.bulk()).executeRaw({
    sql: `INSERT INTO "HostEnvSeen" ("host","env","firstSeen","lastSeen")
          SELECT "host","env",MIN("startedAt"),MAX(COALESCE("finishedAt","startedAt")) FROM "StageRun"
          WHERE "id" > ${p[0]} AND "id" <= ${p[1]} AND "host" IS NOT NULL GROUP BY "host","env"
          ON CONFLICT ("host","env") DO UPDATE SET "firstSeen" = ${least}("HostEnvSeen"."firstSeen", excluded."firstSeen"), "lastSeen" = ${greatest}("HostEnvSeen"."lastSeen", excluded."lastSeen")`,
    args: [runs.fromId, runs.toId],
    argTypes: [{ scalarType: 'int', arity: 'scalar' }, { scalarType: 'int', arity: 'scalar' }],
  });
}

/** `SET col = CASE WHEN <earlier> THEN excluded.col ELSE table.col END` for each column. */
function takeIfEarlier(table: string, time: string, columns: string[]): string {
  const earlier = `excluded."${time}" IS NOT NULL AND ("${table}"."${time}" IS NULL OR excluded."${time}" < "${table}"."${time}")`;
  return columns.map((c) => `"${c}" = CASE WHEN ${earlier} THEN excluded."${c}" ELSE "${table}"."${c}" END`).join(', ');
}

const BUILD_HOST_COLUMNS: Column[] = [{ name: 'service' }, { name: 'host' }, { name: 'firstBuildAt', pgType: 'timestamp(3)' }, { name: 'rolloutId' }];
const IMAGE_COLUMNS: Column[] = [
  { name: 'image' }, { name: 'service' }, { name: 'buildHost' }, { name: 'builtAt', pgType: 'timestamp(3)' }, { name: 'buildRolloutId' }, { name: 'pushedAt', pgType: 'timestamp(3)' },
];
const ts = (d: Date | null) => (d ? toDbTimestamp(d.getTime()) : null);

/** The earliest build of each service, merged in one statement: an earlier build (ingested late) takes over. */
async function updateBuildHosts(db: Db, builds: Awaited<ReturnType<NewRuns['imageRuns']>>): Promise<void> {
  const first = new Map<string, (typeof builds)[number]>();
  for (const b of builds) if (!first.has(b.service)) first.set(b.service, b);
  const rows = [...first].map(([service, b]) => [service, b.host, ts(b.at), b.rolloutId]);
  const suffix = `ON CONFLICT ("service") DO UPDATE SET ${takeIfEarlier('ServiceBuildHost', 'firstBuildAt', ['host', 'rolloutId', 'firstBuildAt'])}`;
  await insertRows(await db.bulk(), db.kind, { table: 'ServiceBuildHost', columns: BUILD_HOST_COLUMNS, suffix }, rows);
}

/** Each image's first build (host, time, rollout) and first push, merged in one statement per chunk. */
async function updateImages(db: Db, runs: NewRuns): Promise<void> {
  const { buildStage } = runs.images;
  const seen = new Map<string, { service: string; buildHost: string | null; builtAt: Date | null; buildRolloutId: string | null; pushedAt: Date | null }>();
  for (const r of await runs.imageRuns()) {
    if (r.image === null) continue;
    const s = seen.get(r.image) ?? { service: r.service, buildHost: null, builtAt: null, buildRolloutId: null, pushedAt: null };
    if (r.stageKey === buildStage) {
      if (!s.builtAt) Object.assign(s, { buildHost: r.host, builtAt: r.at, buildRolloutId: r.rolloutId });
    } else if (!s.pushedAt) s.pushedAt = r.at;
    seen.set(r.image, s);
  }
  const rows = [...seen].map(([image, s]) => [image, s.service, s.buildHost, ts(s.builtAt), s.buildRolloutId, ts(s.pushedAt)]);
  const suffix = `ON CONFLICT ("image") DO UPDATE SET ${takeIfEarlier('ImageSeen', 'builtAt', ['buildHost', 'buildRolloutId', 'builtAt'])}, ${takeIfEarlier('ImageSeen', 'pushedAt', ['pushedAt'])}`;
  await insertRows(await db.bulk(), db.kind, { table: 'ImageSeen', columns: IMAGE_COLUMNS, suffix }, rows);
}
