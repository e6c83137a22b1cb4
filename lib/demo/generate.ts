import type { IngestRecordInput } from '../ingest/record';
import { computeCauseFactor, FAILURE_CAUSES, type FailureCause } from './causes';
import { buildCumulative, SeededRandom } from './random';
import { buildServiceCatalogue, type DemoService, type ServiceCatalogue } from './services';
import { getStageProfile, type StageProfile } from './stage-profiles';
import { createRolloutIdAllocator, formatTimestamp, planDay, type DayPlan } from './schedule';

export type DemoOptions = {
  seed: number;
  /** Exclusive end of the range; the range is [end - days, end). */
  end: Date;
  days: number;
  services: number;
  /** Average over a week; weekdays get more, weekends fewer. */
  rolloutsPerDay: number;
  /** Stage keys in chain order (the chain is configurable). */
  stages: string[];
  /** When set, rollouts starting at or after this instant are left out (no data from the future). */
  until?: Date;
};

export const DEMO_DEFAULTS = { seed: 42, days: 30, services: 200, rolloutsPerDay: 1000 } satisfies Partial<DemoOptions>;

const DAY_MS = 86_400_000;
const MAX_ATTEMPTS = 3;
/** Index = failed attempt number: usually retried after one failure, less than half the time after two. */
const RETRY_CHANCE = [0, 0.8, 0.45];
/** A second retry usually needs a person; counting these is the "unattended" KPI. */
const MANUAL_CHANCE = [0, 0.3, 0.7];
/** Share of records that report finishedAt instead of durationMs, as some tools do. */
const FINISHED_AT_SHARE = 0.1;
/** Stages whose host is the image build host (the admission rule's fixed pre-release host). */
const BUILD_STAGES = new Set(['image-build', 'image-push']);
/** Half the test farm logs local time (UTC+8), so ingestion sees offsets as well as Z. */
const TEST_FARM_OFFSET_MINUTES = 480;

type StagePlan = { key: string; profile: StageProfile; causes: FailureCause[] };
type DayStageTable = { rate: number; causes: FailureCause[]; cumulative: Float64Array };

type Rollout = {
  id: string;
  start: number;
  service: DemoService;
  image: string;
  /** The image tag, also the version of the pre-release package. */
  tag: string;
  commit: string;
  testHost: string;
  /** Minutes east of UTC in this rollout's test-host timestamps (one test farm logs local time). */
  testOffset: number;
  buildHost: string;
  onlineHost: string;
  batch: number;
};

type Sim = {
  rng: SeededRandom;
  catalogue: ServiceCatalogue;
  plans: StagePlan[];
  tables: DayStageTable[];
  builds: Int32Array;
  nextRolloutId: (start: number) => string;
};

/**
 * Yields demo records in rollout start order: every attempt of one rollout in stage order, then
 * the next rollout. Pure and deterministic for a seed; state is kept per day, so memory stays flat.
 */
export function* generateDemoRecords(opts: DemoOptions): Generator<IngestRecordInput> {
  if (opts.services < 1) throw new RangeError(`demo needs at least one service, got ${opts.services}`);
  const catalogue = buildServiceCatalogue(opts.services, opts.seed);
  const sim: Sim = {
    rng: new SeededRandom(opts.seed),
    catalogue,
    plans: opts.stages.map(buildStagePlan),
    tables: [],
    builds: new Int32Array(catalogue.services.length),
    nextRolloutId: createRolloutIdAllocator(),
  };
  const rangeStart = opts.end.getTime() - opts.days * DAY_MS;
  for (let d = 0; d < opts.days; d++) {
    sim.tables = sim.plans.map((plan) => buildDayTable(plan, d, opts));
    const day = planDay(sim.rng, { dayStart: rangeStart + d * DAY_MS, rolloutsPerDay: opts.rolloutsPerDay });
    for (let i = 0; i < day.starts.length; i++) {
      if (opts.until && (day.starts[i] ?? 0) >= opts.until.getTime()) return;
      yield* simulateRollout(sim, createRollout(sim, day, i));
    }
  }
}

function buildStagePlan(key: string): StagePlan {
  const causes = FAILURE_CAUSES.filter((c) => c.stages.includes(key) || c.stages.includes('*'));
  return { key, profile: getStageProfile(key), causes };
}

/** The day's failure rate and cause weights for one stage: new causes add to it, fixed ones leave. */
function buildDayTable(plan: StagePlan, day: number, opts: DemoOptions): DayStageTable {
  const weights = plan.causes.map((c) => c.weight * computeCauseFactor(c, day, opts.days, opts.seed));
  const usual = plan.causes.reduce((sum, c) => sum + c.weight, 0);
  const today = weights.reduce((sum, w) => sum + w, 0);
  const rate = usual > 0 ? plan.profile.failRate * (today / usual) : 0;
  return { rate, causes: plan.causes, cumulative: buildCumulative(weights) };
}

function createRollout(sim: Sim, day: DayPlan, i: number): Rollout {
  const { rng, catalogue } = sim;
  const start = day.starts[i] ?? 0;
  const index = rng.weightedIndex(catalogue.cumulative);
  const service = catalogue.services[index];
  if (!service) throw new Error(`no demo service at index ${index}`);
  const build = (sim.builds[index] = (sim.builds[index] ?? 0) + 1);
  const commit = rng.hex(7);
  const tag = `${service.release}.${build}-${commit}`;
  const onlineHost = rng.pick(service.onlineHosts);
  const testIndex = rng.int(0, catalogue.testHosts.length);
  // Admission breaches: a test container on an online host, an image built off the fixed host.
  const mixed = i === day.mixedHostIndex;
  const swapped = i === day.swappedBuildIndex;
  return {
    id: sim.nextRolloutId(start),
    start,
    service,
    image: `registry.example.com/${service.project}/${service.name}:${tag}`,
    tag,
    commit,
    testHost: mixed ? onlineHost : catalogue.testHosts[testIndex] ?? 'test-c01-001.dc1.example.net',
    testOffset: !mixed && testIndex % 2 === 1 ? TEST_FARM_OFFSET_MINUTES : 0,
    buildHost: swapped ? pickOtherHost(rng, catalogue.prereleaseHosts, service.prereleaseHost) : service.prereleaseHost,
    onlineHost,
    batch: rng.int(1, service.maxBatch + 1),
  };
}

function pickOtherHost(rng: SeededRandom, hosts: string[], current: string): string {
  const others = hosts.filter((h) => h !== current);
  return others.length > 0 ? rng.pick(others) : `ref-${current}`;
}

function* simulateRollout(sim: Sim, rollout: Rollout): Generator<IngestRecordInput> {
  const clock = { t: rollout.start };
  for (let s = 0; s < sim.plans.length; s++) {
    const passed = yield* runStage(sim, rollout, s, clock);
    if (!passed) return;
    clock.t += sim.rng.int(200, 4000);
  }
}

/** Runs one stage with retries; returns false when its last attempt failed (the rollout stops). */
function* runStage(sim: Sim, rollout: Rollout, s: number, clock: { t: number }): Generator<IngestRecordInput, boolean> {
  const { rng } = sim;
  const plan = sim.plans[s];
  const table = sim.tables[s];
  if (!plan || !table) return false;
  if (shouldSkip(rng, plan.profile, rollout.service)) {
    const durationMs = rng.int(5, 200);
    yield buildRecord(sim, rollout, plan, { attempt: 1, manual: false, cause: null, start: clock.t, durationMs, skipped: true });
    clock.t += durationMs;
    return true;
  }
  let cause: FailureCause | null = null;
  let manual = false;
  for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
    cause = decideFailure(rng, table, cause, manual);
    const durationMs = computeDuration(rng, plan.profile, cause !== null);
    yield buildRecord(sim, rollout, plan, { attempt, manual, cause, start: clock.t, durationMs, skipped: false });
    clock.t += durationMs;
    if (!cause) return true;
    if (!rng.chance(RETRY_CHANCE[attempt] ?? 0)) return false;
    manual = rng.chance(MANUAL_CHANCE[attempt] ?? 1);
    // A person takes minutes to hours to look; the pipeline's own retry backs off for seconds.
    clock.t += manual ? Math.round(rng.lognormal(20 * 60_000, 0.9)) : rng.int(5_000, 60_000);
  }
  return false;
}

function shouldSkip(rng: SeededRandom, profile: StageProfile, service: DemoService): boolean {
  if (profile.skipForSmall && service.small) return true;
  return profile.skipRate !== undefined && rng.chance(profile.skipRate);
}

/** Retries mostly clear transient faults; a person's fix clears sticky ones more often. */
function decideFailure(rng: SeededRandom, table: DayStageTable, previous: FailureCause | null, manual: boolean): FailureCause | null {
  if (previous && rng.chance(previous.sticky * (manual ? 0.5 : 1))) return previous;
  if (!rng.chance(table.rate)) return null;
  return rng.pickWeighted(table.causes, table.cumulative);
}

function computeDuration(rng: SeededRandom, profile: StageProfile, failed: boolean): number {
  const usual = rng.lognormal(profile.medianMs, profile.sigma);
  return Math.max(20, Math.round(failed ? usual * (0.2 + rng.next()) : usual));
}

type Attempt = { attempt: number; manual: boolean; cause: FailureCause | null; start: number; durationMs: number; skipped: boolean };

function buildRecord(sim: Sim, rollout: Rollout, plan: StagePlan, run: Attempt): IngestRecordInput {
  const { env } = plan.profile;
  const host = env === 'test' ? rollout.testHost : env === 'online' ? rollout.onlineHost
    : BUILD_STAGES.has(plan.key) ? rollout.buildHost : rollout.service.prereleaseHost;
  const offset = env === 'test' ? rollout.testOffset : 0;
  const status = run.skipped ? 'skipped' : run.cause ? 'failed' : 'succeeded';
  const record: IngestRecordInput = {
    rollout: rollout.id, service: rollout.service.name, stage: plan.key, attempt: run.attempt, status,
    startedAt: formatTimestamp(run.start, offset),
  };
  if (sim.rng.chance(FINISHED_AT_SHARE)) record.finishedAt = formatTimestamp(run.start + run.durationMs, offset);
  else record.durationMs = run.durationMs;
  record.host = host;
  record.env = env;
  if (run.cause) {
    const { name: service, region } = rollout.service;
    record.errorMessage = run.cause.buildMessage({ rng: sim.rng, service, stage: plan.key, host, image: rollout.image, region, at: run.start });
    record.errorCode = run.cause.errorCode;
  }
  if (run.manual) record.manual = true;
  record.attrs = buildAttrs(rollout, plan);
  return record;
}

function buildAttrs(rollout: Rollout, plan: StagePlan): Record<string, string | number> {
  const { env, image } = plan.profile;
  if (env === 'test') return { commit: rollout.commit };
  if (env === 'prerelease') return image ? { image: rollout.image } : { version: rollout.tag };
  const attrs: Record<string, string | number> = { region: rollout.service.region, batch: rollout.batch };
  if (image) attrs.image = rollout.image;
  return attrs;
}
