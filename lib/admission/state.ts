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

async function updateBuildHosts(db: Db, builds: Awaited<ReturnType<NewRuns['imageRuns']>>): Promise<void> {
  const first = new Map<string, (typeof builds)[number]>();
  for (const b of builds) if (!first.has(b.service)) first.set(b.service, b);
  if (first.size === 0) return;
  const known = new Map((await db.prisma.serviceBuildHost.findMany({ where: { service: { in: [...first.keys()] } } })).map((s) => [s.service, s]));
  for (const [service, b] of first) {
    const k = known.get(service);
    if (k && k.firstBuildAt.getTime() <= b.at.getTime()) continue;
    const data = { host: b.host!, firstBuildAt: b.at, rolloutId: b.rolloutId };
    await db.prisma.serviceBuildHost.upsert({ where: { service }, create: { service, ...data }, update: data });
  }
}

const IMAGE_COLUMNS: Column[] = [
  { name: 'image' }, { name: 'service' }, { name: 'buildHost' }, { name: 'builtAt', pgType: 'timestamp(3)' }, { name: 'buildRolloutId' }, { name: 'pushedAt', pgType: 'timestamp(3)' },
];

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
  const images = [...seen.keys()];
  const ts = (d: Date | null) => (d ? toDbTimestamp(d.getTime()) : null);
  for (let i = 0; i < images.length; i += 500) {
    const chunk = images.slice(i, i + 500);
    const known = new Map((await db.prisma.imageSeen.findMany({ where: { image: { in: chunk } } })).map((k) => [k.image, k]));
    // New images (nearly all of them: one per rollout) in one statement; known ones merged one by one.
    const fresh = chunk.filter((image) => !known.has(image)).map((image) => {
      const s = seen.get(image)!;
      return [image, s.service, s.buildHost, ts(s.builtAt), s.buildRolloutId, ts(s.pushedAt)];
    });
    await insertRows(await db.bulk(), db.kind, { table: 'ImageSeen', columns: IMAGE_COLUMNS, suffix: 'ON CONFLICT ("image") DO NOTHING' }, fresh);
    for (const [image, k] of known) {
      const s = seen.get(image)!;
      const data: Partial<typeof s> = {};
      if (s.builtAt && (!k.builtAt || s.builtAt < k.builtAt)) Object.assign(data, { buildHost: s.buildHost, builtAt: s.builtAt, buildRolloutId: s.buildRolloutId });
      if (s.pushedAt && (!k.pushedAt || s.pushedAt < k.pushedAt)) data.pushedAt = s.pushedAt;
      if (Object.keys(data).length) await db.prisma.imageSeen.update({ where: { image }, data });
    }
  }
}
