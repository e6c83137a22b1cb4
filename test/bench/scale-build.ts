import { mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { loadChainConfig } from '../../lib/chain/config';
import { syncChain } from '../../lib/chain/sync';
import { createClassRule, listClassRules } from '../../lib/classify/class-rule-store';
import { loadCategoryConfig, loadRoutingConfig } from '../../lib/classify/rules';
import type { Db } from '../../lib/db';
import { generateDemoRecords } from '../../lib/demo/generate';
import { computeRolloutsPerDay, writeRecordFiles } from '../../lib/demo/write-files';
import type { IngestSummary } from '../../lib/ingest/ingest';
import { runScript } from './scale-child';
import { formatCount, formatMb, formatSeconds, logStep } from './scale-log';
import {
  createBuildMarker, describeSpec, readBuildMarker, sameSpec, saveBuildMarker, type BuildMarker, type BuildSpec, type BuildState,
} from './scale-marker';
import { sliceRecords } from './scale-slices';

const DAY_MS = 86_400_000;
/** A rule people would have written for a known failure, so /errors/rules/<id> has one to show. */
export const BENCH_RULE = {
  name: 'Dependency fetch timed out (bench:scale)',
  match: { kind: 'regex', pattern: '^go: downloading .* i/o timeout$', stage: 'test-build', errorCode: 'E_DEP_FETCH' },
};

export type BuildOptions = {
  db: Db;
  spec: BuildSpec;
  /** Days of input written and ingested at a time: bounds the disk the NDJSON takes. */
  sliceDays: number;
  /** Where each slice's files go (deleted after its ingest). */
  workDir: string;
  /** The environment of `npm run ingest` (DATABASE_URL and the data folder). */
  env: Record<string, string>;
  /** Called after each slice is ingested and recorded (tests stop a build there). */
  afterSlice?: (index: number) => Promise<void>;
};

export type BuildOutcome = { reused: boolean; resumedAt: number | null; state: BuildState };

/**
 * Fills the (migrated) database with `spec.runs` demo stage runs over `spec.days` days up to
 * `spec.end`, a slice of days at a time: written as NDJSON, ingested by `npm run ingest` as a child
 * process, deleted. A database this function completed with the same spec is reused as it is; one
 * it left half-way (a crash) resumes after the last slice it recorded (re-ingesting a slice is
 * safe: ingestion is idempotent on record keys). Any other data in the database is refused.
 */
export async function buildScaleDatabase(opts: BuildOptions): Promise<BuildOutcome> {
  const { db, spec } = opts;
  const found = await readBuildMarker(db);
  if (found && !sameSpec(found.state, spec)) {
    throw new Error(`the database holds another bench:scale build (${describeSpec(found.state)}), not ${describeSpec(spec)}: use another database or drop this one`);
  }
  if (found?.status === 'succeeded') return { reused: true, resumedAt: null, state: found.state };
  if (!found && (await db.prisma.stageRun.findFirst({ select: { id: true } }))) {
    throw new Error('the database holds stage runs bench:scale did not write: give it an empty database (or one it built)');
  }
  const marker = found ?? (await createBuildMarker(db, initialState(spec, opts.sliceDays)));
  const resumedAt = found ? found.state.slicesDone : null;
  if (found) logStep('build', `resuming a build that stopped after slice ${resumedAt} of ${sliceCount(found.state)}`);
  await ensureBenchRule(db);
  await ingestSlices(opts, marker);
  await saveBuildMarker(db, marker, true);
  return { reused: false, resumedAt, state: marker.state };
}

function initialState(spec: BuildSpec, sliceDays: number): BuildState {
  logStep('build', `calibrating the demo volume for ${formatCount(spec.runs)} stage runs`);
  const rolloutsPerDay = computeRolloutsPerDay(spec.runs, demoBase(spec));
  return { ...spec, rolloutsPerDay, sliceDays, slicesDone: 0, records: 0, accepted: 0, generateSeconds: 0, ingestSeconds: 0, peakRssBytes: 0 };
}

const sliceCount = (s: BuildState) => Math.ceil(s.days / s.sliceDays);

function demoBase(spec: BuildSpec) {
  const stages = loadChainConfig(null).stages.map((s) => s.key);
  return { seed: spec.seed, days: spec.days, services: spec.services, stages, end: new Date(`${spec.end}T00:00:00Z`) };
}

/** The rule goes in before the data (its re-classification of no history is free); it routes by the chain's owners. */
async function ensureBenchRule(db: Db): Promise<void> {
  if ((await listClassRules(db)).some((r) => r.name === BENCH_RULE.name)) return;
  await syncChain(db, loadChainConfig(null));
  const deps = { db, actor: 'bench-scale', categories: loadCategoryConfig(null), routing: loadRoutingConfig(null), timeZone: 'UTC' };
  await createClassRule(deps, BENCH_RULE);
}

/** Generates the whole range once, as one stream, writing and ingesting the slices not recorded yet. */
async function ingestSlices(opts: BuildOptions, marker: BuildMarker): Promise<void> {
  const { state } = marker;
  const base = demoBase(state);
  const records = generateDemoRecords({ ...base, rolloutsPerDay: state.rolloutsPerDay });
  const rangeStart = base.end.getTime() - state.days * DAY_MS;
  const total = sliceCount(state);
  for (const slice of sliceRecords(records, { rangeStart, sliceDays: state.sliceDays })) {
    if (slice.index < state.slicesDone) {
      logStep('build', `slice ${slice.index + 1}/${total}: ingested before, generating past it`);
      continue;
    }
    const dir = path.join(opts.workDir, `slice-${slice.index}`);
    await mkdir(dir, { recursive: true });
    try {
      const started = performance.now();
      const written = await writeRecordFiles(slice.records, { dir, format: 'ndjson' });
      const generateSeconds = (performance.now() - started) / 1000;
      const run = await runScript('ingest', [dir, '--json'], opts.env);
      const report = JSON.parse(run.stdout.trim().split('\n').at(-1) ?? '') as { summaries: IngestSummary[] };
      const stored = report.summaries.reduce((a, s) => a + s.accepted + s.duplicates, 0);
      if (stored !== written.records) throw new Error(`slice ${slice.index + 1}: wrote ${written.records} records, ingest stored ${stored}`);
      Object.assign(state, {
        slicesDone: slice.index + 1, records: state.records + written.records, accepted: state.accepted + stored,
        generateSeconds: state.generateSeconds + generateSeconds, ingestSeconds: state.ingestSeconds + run.seconds,
        peakRssBytes: Math.max(state.peakRssBytes, run.peakRssBytes),
      });
      await saveBuildMarker(opts.db, marker, false);
      logStep('build', `slice ${slice.index + 1}/${total}: ${formatCount(written.records)} records written in ${formatSeconds(generateSeconds)}, ingested in ${formatSeconds(run.seconds)} (${formatCount(written.records / run.seconds)} records/s, peak RSS ${formatMb(run.peakRssBytes)}); ${formatCount(state.records)} in all`);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
    await opts.afterSlice?.(slice.index);
  }
}
