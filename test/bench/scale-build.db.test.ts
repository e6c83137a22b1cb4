import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb, type TestDb } from '../helpers/db';
import { ingestRuns } from '../helpers/ingest';
import { buildScaleDatabase, type BuildOptions } from './scale-build';
import { BUILD_JOB, readBuildMarker } from './scale-marker';

// Two weeks in two slices of 7 days: two `npm run ingest` processes per build.
const SPEC = { runs: 3_000, seed: 5, end: '2026-11-30', days: 14, services: 20 };

describe('bench:scale build', () => {
  let work: string;
  const dbs: TestDb[] = [];
  const fresh = async () => {
    const t = await createTestDb({ chain: false });
    dbs.push(t);
    return t;
  };
  const optionsFor = (t: TestDb, more: Partial<BuildOptions> = {}): BuildOptions => ({
    db: t.db, spec: SPEC, sliceDays: 7, workDir: path.join(work, String(dbs.indexOf(t))),
    env: { DATABASE_URL: t.url, ROLLSCOPE_DATA_DIR: path.join(work, 'data'), ROLLSCOPE_TIMEZONE: 'UTC' }, ...more,
  });
  let built: TestDb;
  let builtRuns = 0;

  beforeAll(async () => {
    work = await mkdtemp(path.join(os.tmpdir(), 'rollscope-scale-test-'));
  });
  afterAll(async () => {
    for (const t of dbs) await t.close();
    await rm(work, { recursive: true, force: true });
  });

  it('builds the demo year slice by slice through npm run ingest, then reuses it without ingesting', async () => {
    built = await fresh();
    const first = await buildScaleDatabase(optionsFor(built));
    builtRuns = await built.db.prisma.stageRun.count();
    expect(first).toMatchObject({ reused: false, resumedAt: null, state: { slicesDone: 2, sliceDays: 7 } });
    expect(first.state.records).toBe(builtRuns);
    expect(builtRuns).toBeGreaterThan(SPEC.runs * 0.8);
    expect((await readBuildMarker(built.db))?.status).toBe('succeeded');
    const batches = await built.db.prisma.ingestBatch.count();

    const again = await buildScaleDatabase(optionsFor(built));
    expect(again).toMatchObject({ reused: true, state: first.state });
    expect(await built.db.prisma.ingestBatch.count()).toBe(batches);
    expect(await built.db.prisma.jobRun.count({ where: { job: BUILD_JOB } })).toBe(1);
  });

  it('resumes a build stopped after a slice and ends with the same data as one uninterrupted build', async () => {
    const t = await fresh();
    const stop = async (index: number) => {
      if (index === 0) throw new Error('stopped after the first slice');
    };
    await expect(buildScaleDatabase(optionsFor(t, { afterSlice: stop }))).rejects.toThrow('stopped after the first slice');
    expect(await readBuildMarker(t.db)).toMatchObject({ status: 'running', state: { slicesDone: 1 } });

    const resumed = await buildScaleDatabase(optionsFor(t));
    expect(resumed).toMatchObject({ reused: false, resumedAt: 1, state: { slicesDone: 2, records: builtRuns } });
    expect(await t.db.prisma.stageRun.count()).toBe(builtRuns);
    const keys = async (x: TestDb) => (await x.db.prisma.stageRun.findMany({ select: { key: true }, orderBy: { key: 'asc' } })).map((r) => r.key);
    expect(await keys(t)).toEqual(await keys(built));
  });

  it('refuses a database holding a build with another spec, naming both', async () => {
    await expect(buildScaleDatabase(optionsFor(built, { spec: { ...SPEC, runs: 4_000 } }))).rejects.toThrow(/holds another bench:scale build \(3,000 runs.*not 4,000 runs/);
  });

  it('refuses a database with stage runs it did not write', async () => {
    const t = await createTestDb();
    dbs.push(t);
    await ingestRuns(t.db, [{ rollout: 'r-1', stage: 'test-build', at: '2026-11-20T10:00:00Z' }]);
    await expect(buildScaleDatabase(optionsFor(t))).rejects.toThrow('holds stage runs bench:scale did not write');
  });
});
