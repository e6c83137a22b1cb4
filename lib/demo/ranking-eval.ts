import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { applyMigrations } from '../../prisma/tools/migrations';
import { loadChainConfig } from '../chain/config';
import { syncChain } from '../chain/sync';
import { withClassifier } from '../classify/classifier-lease';
import { runClassification } from '../classify/run-classification';
import { loadCategoryConfig, loadRoutingConfig } from '../classify/rules';
import { openDb, type Db } from '../db';
import { fromBuffer, ingestStream, prepareIngest } from '../ingest/sources';
import { computeWeeklyRanking } from '../rank/weekly-ranking';
import { buildRankingWorld, describeCause, findOracleFixSet, gainOf, generateRuns, type RankingWorld } from './ranking-world';
import { mapClassesToCauses, scoreAtK, type ClassCause, type KScore, type RankedClassRow } from './ranking-world/score';

/**
 * Issue #15, part 3: one simulated week (ranking-world.ts) through the product's real ingestion,
 * classification and weekly ranking in a fresh SQLite database, the ranking's classes mapped to
 * the causes behind their events, and the gain of fixing the causes of its top K classes compared
 * with the oracle's best K (and with ordering by failures and by observed uplift).
 */
export type SeedEvaluation = {
  seed: number;
  rollouts: number;
  week: string;
  world: {
    services: number;
    cohorts: number;
    causes: number;
    roles: Record<string, number>;
    transient: number;
    /** End-to-end success of the simulated week, in percent. */
    successRate: number;
    /** Causes with at least one failed attempt in the records. */
    causesShown: number;
  } & WeekStats;
  product: { finished: number; successRate: number | null; classes: number; impure: number; majorityCauses: number };
  scores: KScore[];
  /** The product's first classes with the cause each stands for and that cause's gain alone. */
  top: { rank: number; classId: number; failures: number; upliftRollouts: number; cause: string; purity: number; gainAlone: number; expectedGain: number | null; withAbove: number | null; trueWithAbove: number }[];
  seconds: { simulate: number; ingest: number; classify: number; rank: number; oracle: number; total: number };
};

export const EVAL_WEEK = '2026-W46';
export const EVAL_KS = [3, 5] as const;
const CHUNK_BYTES = 1 << 20;

const since = (t: number): number => (performance.now() - t) / 1000;

type WeekStats = { records: number; failedAttempts: number; maskedAttempts: number; firstAttemptFailures: number; rescuedByRetry: number };
type RenderedWeek = { truth: Map<string, number>; chunks: Buffer[]; stats: WeekStats };

/** The week as NDJSON chunks, with the truth behind each failed attempt and counts of what happened. */
function renderWeek(world: RankingWorld): RenderedWeek {
  const truth = new Map<string, number>();
  const chunks: Buffer[] = [];
  const stats: WeekStats = { records: 0, failedAttempts: 0, maskedAttempts: 0, firstAttemptFailures: 0, rescuedByRetry: 0 };
  let lines: string[] = [];
  let bytes = 0;
  for (const run of generateRuns(world)) {
    const line = JSON.stringify(run.record);
    lines.push(line);
    bytes += line.length + 1;
    stats.records++;
    if (run.cause !== null) {
      truth.set(run.key, run.cause);
      stats.failedAttempts++;
      if (run.firing.length > 1) stats.maskedAttempts++;
      if (run.record.attempt === 1) stats.firstAttemptFailures++;
    } else if (run.record.status === 'succeeded' && (run.record.attempt ?? 1) > 1) stats.rescuedByRetry++;
    if (bytes >= CHUNK_BYTES) {
      chunks.push(Buffer.from(`${lines.join('\n')}\n`));
      lines = [];
      bytes = 0;
    }
  }
  if (lines.length > 0) chunks.push(Buffer.from(`${lines.join('\n')}\n`));
  return { truth, chunks, stats };
}

async function* streamOf(chunks: Buffer[]): AsyncGenerator<Buffer> {
  for (const chunk of chunks) yield* fromBuffer(chunk);
}

/** Ingests the week the way `npm run ingest` does (classification included) and makes sure every failure has a class. */
async function ingestWeek(db: Db, source: string, chunks: Buffer[]): Promise<number> {
  const target = await prepareIngest(db, { chainFile: null, timeZone: 'UTC', maxLineBytes: 65536 }, { admission: false });
  const summary = await ingestStream(target, { source, format: 'ndjson', input: streamOf(chunks) });
  if (summary.rejected > 0) {
    throw new Error(`${source}: ${summary.rejected} records rejected, first: ${JSON.stringify(summary.rejections[0])}`);
  }
  let classify = summary.classification?.seconds ?? 0;
  if ((await db.prisma.errorEvent.count({ where: { errorClassId: null } })) > 0) {
    const t = performance.now();
    const config = { categories: loadCategoryConfig(null), routing: loadRoutingConfig(null) };
    await withClassifier(db, () => runClassification({ db, ...config, refresh: 'all' }));
    classify += since(t);
  }
  const left = await db.prisma.errorEvent.count({ where: { errorClassId: null } });
  if (left > 0) throw new Error(`${source}: ${left} error events left unclassified`);
  return classify;
}

async function withTempDb<T>(work: (db: Db) => Promise<T>): Promise<T> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'rollscope-ranking-eval-'));
  try {
    const url = `file:${path.join(dir, 'eval.db')}`;
    await applyMigrations(url);
    const db = await openDb(url);
    try {
      await syncChain(db, loadChainConfig(null));
      return await work(db);
    } finally {
      await db.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function describeWorld(world: RankingWorld, stats: WeekStats, truth: ReadonlyMap<string, number>): SeedEvaluation['world'] {
  const { design } = world;
  const roles: Record<string, number> = {};
  for (const c of design.causes) roles[c.role] = (roles[c.role] ?? 0) + 1;
  return {
    services: design.services.length, cohorts: design.cohorts.length, causes: design.causes.length, roles,
    transient: design.causes.filter((c) => !c.persistent).length, successRate: (world.baseline / world.rollouts.count) * 100,
    ...stats, causesShown: new Set(truth.values()).size,
  };
}

/** The product's side: ingest, classify and rank the week, then map its classes to causes by the truth. */
async function runProduct(db: Db, seed: number, week: RenderedWeek) {
  let t = performance.now();
  const classify = await ingestWeek(db, `ranking-world seed ${seed}`, week.chunks);
  const ingest = since(t);
  t = performance.now();
  const ranking = await computeWeeklyRanking({ db, week: EVAL_WEEK, timeZone: 'UTC' });
  const rank = since(t);
  const events = await db.prisma.errorEvent.findMany({ select: { errorClassId: true, stageRun: { select: { key: true } } } });
  const mapping = mapClassesToCauses(events.map((e) => ({ classId: e.errorClassId!, key: e.stageRun.key })), week.truth);
  return { ranking, mapping, seconds: { ingest, classify, rank } };
}

type Mapping = ReadonlyMap<number, ClassCause>;

/** The product's top classes with their causes; the product's estimates (expected gain, with the ones above) beside the truth. */
function describeTop(world: RankingWorld, classes: readonly RankedClassRow[], mapping: Mapping): SeedEvaluation['top'] {
  const above: number[] = [];
  return classes.map((c) => {
    const m = mapping.get(c.classId);
    const { rank, classId, failures, upliftRollouts } = c;
    const estimates = { expectedGain: c.impact?.expectedGain ?? null, withAbove: c.impact?.withAbove ?? null };
    if (m) above.push(m.cause);
    const trueWithAbove = gainOf(world, above);
    if (!m) return { rank, classId, failures, upliftRollouts, cause: '(no events)', purity: 0, gainAlone: 0, ...estimates, trueWithAbove };
    const cause = describeCause(world, m.cause);
    return { rank, classId, failures, upliftRollouts, cause, purity: m.majority / m.events, gainAlone: gainOf(world, [m.cause]), ...estimates, trueWithAbove };
  });
}

/** Evaluates the product's weekly ranking on the simulated week of `seed` (see SeedEvaluation). */
export async function evaluateRanking(opts: { seed: number; rollouts: number; ks?: readonly number[] }): Promise<SeedEvaluation> {
  const started = performance.now();
  const ks = opts.ks ?? EVAL_KS;
  const world = buildRankingWorld({ seed: opts.seed, rollouts: opts.rollouts, week: EVAL_WEEK });
  const week = renderWeek(world);
  const simulate = since(started);
  const t = performance.now();
  const oracles = ks.map((k) => findOracleFixSet(world, k));
  const oracle = since(t);
  const { ranking, mapping, seconds } = await withTempDb((db) => runProduct(db, opts.seed, week));
  const points = (saved: number) => (saved / world.rollouts.count) * 100;
  const gain = (causes: number[]) => gainOf(world, causes);
  const byRank = [...ranking.classes].sort((a, b) => a.rank - b.rank);
  const classCauses = byRank.map((c) => mapping.get(c.classId)).filter((m): m is ClassCause => m !== undefined);
  const { chain } = ranking;
  return {
    seed: opts.seed,
    rollouts: world.rollouts.count,
    week: EVAL_WEEK,
    world: describeWorld(world, week.stats, week.truth),
    product: {
      finished: chain.finished, successRate: chain.successRate === null ? null : chain.successRate * 100, classes: ranking.classes.length,
      impure: classCauses.filter((m) => m.impure).length, majorityCauses: new Set(classCauses.map((m) => m.cause)).size,
    },
    scores: oracles.map((o) => scoreAtK({ classes: ranking.classes, mapping, oracle: o, gain, points })),
    top: describeTop(world, byRank.slice(0, Math.max(...ks)), mapping),
    seconds: { simulate, ...seconds, oracle, total: since(started) },
  };
}
