import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkNewRuns } from '../../../lib/admission/check';
import { admissionPolicyOf } from '../../../lib/admission/config';
import type { Db } from '../../../lib/db';
import { writeDemoFiles } from '../../../lib/demo/write-files';
import { listQuarantine } from '../../../lib/ingest/quarantine';
import { ingestFile, prepareIngest } from '../../../lib/ingest/sources';
import { EXPECTED_KIND, createTestDb, type TestDb } from '../../helpers/db';
import { STAGES } from '../../helpers/records';

// Concurrent writers and crashes leave everything consistent: ingestions in parallel (CLI processes
// and in-process, as the HTTP route does) all complete; an ingestion killed with SIGKILL, then run
// again, leaves the same runs, admission state and violations as a clean run.

const ROOT = path.resolve(import.meta.dirname, '..', '..', '..');
const dir = mkdtempSync(path.join(os.tmpdir(), 'rollscope-concurrency-'));
const opened: TestDb[] = [];
const fresh = async () => {
  const t = await createTestDb();
  opened.push(t);
  return t;
};
afterAll(async () => {
  await Promise.all(opened.map((t) => t.close()));
  rmSync(dir, { recursive: true, force: true });
});

/** `npm run ingest` in a child process on the given database. */
function cliIngest(url: string, files: string[]): { child: ChildProcess; done: Promise<{ code: number | null; signal: string | null; out: string }> } {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'lib/cli/ingest.ts'), ...files], { cwd: ROOT, env: { ...process.env, DATABASE_URL: url }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  const done = new Promise<{ code: number | null; signal: string | null; out: string }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal, out })));
  return { child, done };
}

let fileA: string;
let fileB: string;
let fileBig: string;
let unionKeys: number;

beforeAll(async () => {
  const end = new Date();
  const demo = async (name: string, seed: number, rolloutsPerDay: number, days: number) => {
    const { files } = await writeDemoFiles({ seed, days, services: 20, stages: STAGES, end, rolloutsPerDay, dir: path.join(dir, name), format: 'ndjson' });
    return files.flatMap((f) => readFileSync(f, 'utf8').split('\n').filter(Boolean));
  };
  const a = await demo('a', 1, 150, 2);
  // B shares half of A's lines (the same records) and adds rollouts of its own.
  const own = (await demo('b', 2, 150, 2)).map((l) => l.replace(/"rollout":"([^"]+)"/, '"rollout":"b-$1"'));
  const b = [...a.slice(0, Math.floor(a.length / 2)), ...own];
  fileA = path.join(dir, 'a.ndjson');
  fileB = path.join(dir, 'b.ndjson');
  writeFileSync(fileA, `${a.join('\n')}\n`);
  writeFileSync(fileB, `${b.join('\n')}\n`);
  unionKeys = new Set([...a, ...b]).size;
  fileBig = path.join(dir, 'big.ndjson');
  // Twelve days: the demo breaks the per-record rules on some days (a build off the fixed host).
  writeFileSync(fileBig, `${(await demo('big', 3, 250, 12)).join('\n')}\n`);
});

/** Everything the admission pass derives from the runs, without ids that depend on insertion order. */
async function admissionSnapshot(db: Db) {
  const p = db.prisma;
  const violations = await p.admissionViolation.findMany({ include: { rollouts: { select: { rolloutId: true } }, weeks: { select: { week: true, checks: true } } }, orderBy: [{ ruleId: 'asc' }, { subjectType: 'asc' }, { subjectId: 'asc' }] });
  return {
    runs: await p.stageRun.count(),
    rollouts: await p.rollout.findMany({ orderBy: { id: 'asc' }, select: { id: true, outcome: true, stageRuns: true, failedRuns: true, steps: true, manualCount: true } }),
    rollups: await p.dailyRollup.findMany({ orderBy: [{ day: 'asc' }, { stageKey: 'asc' }, { service: 'asc' }] }),
    hostEnvs: await p.hostEnvSeen.findMany({ orderBy: [{ host: 'asc' }, { env: 'asc' }] }),
    buildHosts: await p.serviceBuildHost.findMany({ orderBy: { service: 'asc' } }),
    images: await p.imageSeen.findMany({ orderBy: { image: 'asc' } }),
    violations: violations.map(({ id: _id, resolvedAt: _r, countedThrough: _c, rollouts, weeks, ...v }) => ({
      ...v,
      rollouts: rollouts.map((r) => r.rolloutId).sort(),
      weeks: weeks.sort((x, y) => x.week.localeCompare(y.week)),
    })),
  };
}

describe('concurrent writers', () => {
  it(`complete every one of several parallel ingestions of overlapping files, from processes and in-process (${EXPECTED_KIND})`, async () => {
    const t = await fresh();
    const target = await prepareIngest(t.db, { chainFile: null, timeZone: 'UTC', maxLineBytes: 65536 });
    const cli = [cliIngest(t.url, [fileA]), cliIngest(t.url, [fileB]), cliIngest(t.url, [fileA, fileB])];
    const inProcess = [ingestFile(target, fileB), ingestFile(target, fileA)];
    const exits = await Promise.all(cli.map((c) => c.done));
    const summaries = await Promise.all(inProcess);
    for (const e of exits) expect(e, e.out).toMatchObject({ code: 0 });
    for (const s of summaries) expect(s).toMatchObject({ rejected: 0, conflicts: 0 });
    expect(await t.db.prisma.stageRun.count()).toBe(unionKeys);
    expect((await t.db.prisma.dailyRollup.aggregate({ _sum: { attempts: true } }))._sum.attempts).toBe(unionKeys);
    // Every rollout's figures are those of all its runs, though its runs came from several writers at once.
    const rollouts = await t.db.prisma.rollout.findMany({ select: { stageRuns: true, _count: { select: { runs: true } } } });
    for (const r of rollouts) expect(r.stageRuns).toBe(r._count.runs);
    // The passes after ingestion read every run: each cursor is at the last one.
    const top = (await t.db.prisma.stageRun.aggregate({ _max: { id: true } }))._max.id;
    await checkNewRuns({ db: t.db, policy: admissionPolicyOf(null), timeZone: 'UTC' });
    for (const c of await t.db.prisma.admissionCursor.findMany()) expect(c.lastRunId).toBe(top);
    expect(await t.db.prisma.ingestBatch.count({ where: { status: { not: 'finished' } } })).toBe(0);
  });
});

describe('crashes', () => {
  it(`leave, once the input is ingested again after a kill -9 mid-ingest, the runs, admission state and violations of a clean run (${EXPECTED_KIND})`, async () => {
    const clean = await fresh();
    expect((await cliIngest(clean.url, [fileBig]).done).code).toBe(0);

    const crashed = await fresh();
    const first = cliIngest(crashed.url, [fileBig]);
    for (let stored = 0; stored < 5_000; stored = await crashed.db.prisma.stageRun.count()) {
      await new Promise((resolve) => setTimeout(resolve, 25));
      if (first.child.exitCode !== null) throw new Error(`the ingestion finished before it could be killed: ${(await first.done).out}`);
    }
    first.child.kill('SIGKILL');
    expect((await first.done).signal).toBe('SIGKILL');
    expect(await crashed.db.prisma.ingestBatch.findFirstOrThrow()).toMatchObject({ status: 'running' });
    expect(await crashed.db.prisma.stageRun.count()).toBeLessThan((await clean.db.prisma.stageRun.count()));

    const again = await cliIngest(crashed.url, [fileBig]).done;
    expect(again.code, again.out).toBe(0);
    const expected = await admissionSnapshot(clean.db);
    expect(expected.violations.length).toBeGreaterThan(0);
    expect(await admissionSnapshot(crashed.db)).toEqual(expected);
    const batches = await crashed.db.prisma.ingestBatch.findMany({ orderBy: { id: 'asc' }, select: { status: true } });
    expect(batches.map((b) => b.status)).toEqual(['abandoned', 'finished']);
    // The quarantine page lists the ingestion that did not finish, and why.
    expect((await listQuarantine(crashed.db)).unfinished).toEqual([expect.objectContaining({ status: 'abandoned', error: expect.stringMatching(/stopped before it finished/) })]);
  });

  it(`leave, when the pass after ingestion dies before saving its cursor, the violations of a clean pass once it runs again (${EXPECTED_KIND})`, async () => {
    const ingestOnly = async () => {
      const t = await fresh();
      const target = await prepareIngest(t.db, { chainFile: null, timeZone: 'UTC', maxLineBytes: 65536 }, { admission: false });
      await ingestFile(target, fileBig);
      return t;
    };
    const policy = admissionPolicyOf(null);
    const clean = await ingestOnly();
    await checkNewRuns({ db: clean.db, policy, timeZone: 'UTC' });
    const crashed = await ingestOnly();
    const crash = async () => {
      throw new Error('killed after recording findings, before saving the cursor');
    };
    await expect(checkNewRuns({ db: crashed.db, policy, timeZone: 'UTC', afterRange: crash })).rejects.toThrow(/killed/);
    await checkNewRuns({ db: crashed.db, policy, timeZone: 'UTC' });
    const snap = await admissionSnapshot(crashed.db);
    expect(snap.violations.length).toBeGreaterThan(0);
    expect(snap).toEqual(await admissionSnapshot(clean.db));
  });
});
