import type { Db } from '../../lib/db';

/**
 * The record of a bench:scale build in the database it built: a JobRun row of its own job name,
 * its summary the build's parameters and progress, so a later run can reuse the data, or resume a
 * build that stopped half-way, without a table of its own.
 */
export const BUILD_JOB = 'bench-scale-build';

/** What decides the data: two builds with the same spec hold the same stage runs. */
export type BuildSpec = { runs: number; seed: number; end: string; days: number; services: number };

export type BuildState = BuildSpec & {
  rolloutsPerDay: number;
  /** Days per ingested slice (fixed when the build starts: a resume continues with the same slices). */
  sliceDays: number;
  /** Slices 0 … slicesDone-1 are ingested. */
  slicesDone: number;
  records: number;
  accepted: number;
  generateSeconds: number;
  ingestSeconds: number;
  peakRssBytes: number;
};

export type BuildMarker = { id: number; status: 'running' | 'succeeded'; state: BuildState };

const SPEC_KEYS = ['runs', 'seed', 'end', 'days', 'services'] as const satisfies readonly (keyof BuildSpec)[];

export function sameSpec(a: BuildSpec, b: BuildSpec): boolean {
  return SPEC_KEYS.every((k) => a[k] === b[k]);
}

export function describeSpec(s: BuildSpec): string {
  return `${s.runs.toLocaleString('en-US')} runs, seed ${s.seed}, ${s.days} days to ${s.end}, ${s.services} services`;
}

/** The newest build marker, or null when this script never built into the database. */
export async function readBuildMarker(db: Db): Promise<BuildMarker | null> {
  const row = await db.prisma.jobRun.findFirst({ where: { job: BUILD_JOB }, orderBy: { id: 'desc' } });
  if (!row) return null;
  const status = row.status === 'succeeded' ? 'succeeded' : 'running';
  return { id: row.id, status, state: row.summary as BuildState };
}

export async function createBuildMarker(db: Db, state: BuildState): Promise<BuildMarker> {
  const row = await db.prisma.jobRun.create({ data: { job: BUILD_JOB, startedAt: new Date(), status: 'running', summary: state } });
  return { id: row.id, status: 'running', state };
}

/** Saves the progress after a slice; `finished` marks the build complete (reusable). */
export async function saveBuildMarker(db: Db, marker: BuildMarker, finished: boolean): Promise<void> {
  const data = finished ? { status: 'succeeded', finishedAt: new Date(), summary: marker.state } : { summary: marker.state };
  await db.prisma.jobRun.update({ where: { id: marker.id }, data });
  if (finished) marker.status = 'succeeded';
}
