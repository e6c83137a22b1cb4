import type { IngestRecordInput } from '../../ingest/record';
import { MANUAL_CHANCE } from './design';
import { drawAt, keyOf, messageRandom, normalAt, PURPOSE, ROLLOUT_STAGE } from './draws';
import { maskOf, planStage, sitesByStage, type Sim } from './simulate';

/** One stage attempt of the simulated week: the record and, outside it, the truth behind it. */
export type SimulatedRun = {
  record: IngestRecordInput;
  /** The StageRun key the product stores for a record without `id`: rollout/stage/attempt. */
  key: string;
  /** The cause whose message the record carries (null: not failed). */
  cause: number | null;
  /** The causes that fired on the attempt, in id order (more than one: all but `cause` are masked). */
  firing: readonly number[];
};

const ENVS = ['test', 'prerelease', 'online'] as const;
const HOST_POOLS = {
  test: Array.from({ length: 24 }, (_, i) => `ci-b${1 + (i % 6)}-${String(101 + i)}.build.example.net`),
  prerelease: Array.from({ length: 12 }, (_, i) => `pre-dc${1 + (i % 3)}-${String(i + 1).padStart(2, '0')}.example.net`),
  online: Array.from({ length: 600 }, (_, i) => `host-a${String(1 + (i % 40)).padStart(2, '0')}-${String(i).padStart(3, '0')}.dc${1 + (i % 4)}`
    + '.example.net'),
};

export function rolloutIdOf(sim: Sim, r: number): string {
  return `ro-${sim.design.week.toLowerCase().replace('-', '')}-s${sim.design.seed}-${String(r).padStart(5, '0')}`;
}

const NONE: readonly number[] = [];

/** The causes set in a two-word mask, in id order. */
function causesOf(lo: number, hi: number): readonly number[] {
  if (lo === 0 && hi === 0) return NONE;
  const out: number[] = [];
  for (let c = 0; c < 32; c++) if ((lo >>> c) & 1) out.push(c);
  for (let c = 0; c < 32; c++) if ((hi >>> c) & 1) out.push(c + 32);
  return out;
}

type Ctx = { sim: Sim; removedLo: number; removedHi: number; bySite: ReturnType<typeof sitesByStage> };
type RolloutInfo = { r: number; id: string; service: string; version: string; hosts: string[]; attrs: { release: string; image: string }; clock: number };

/**
 * The week's records in rollout order, every attempt of a rollout in stage order, with the causes
 * in `removed` taken out of the world. Every draw is keyed, so a rollout none of the removed causes
 * touched yields exactly the same records as in the full world.
 */
export function* generateRuns(sim: Sim, removed: Iterable<number> = []): Generator<SimulatedRun> {
  const ctx = contextOf(sim, removed);
  for (let r = 0; r < sim.rollouts.count; r++) yield* runsOf(ctx, r);
}

/** The records of rollout `r` alone, with the causes in `removed` taken out (the same as in the whole week). */
export function rolloutRuns(sim: Sim, r: number, removed: Iterable<number> = []): SimulatedRun[] {
  return [...runsOf(contextOf(sim, removed), r)];
}

function contextOf(sim: Sim, removed: Iterable<number>): Ctx {
  const [removedLo, removedHi] = maskOf(removed);
  return { sim, removedLo, removedHi, bySite: sitesByStage(sim.design) };
}

function* runsOf(ctx: Ctx, r: number): Generator<SimulatedRun> {
  const info = describeRollout(ctx.sim, r);
  for (let s = 0; s < ctx.sim.design.stages.length; s++) {
    const passed = yield* stageRuns(ctx, info, s);
    if (!passed) return;
  }
}

function describeRollout(sim: Sim, r: number): RolloutInfo {
  const { design, rollouts } = sim;
  const serviceIndex = rollouts.service[r]!;
  const service = design.services[serviceIndex]!;
  const version = service.releases[rollouts.cohort[r]! - design.firstCohort[serviceIndex]!]!.version;
  const hosts = ENVS.map((env, i) => {
    const pool = HOST_POOLS[env];
    return pool[Math.floor(drawAt(keyOf(design.seed, r, ROLLOUT_STAGE, i + 1), PURPOSE.host) * pool.length)]!;
  });
  const attrs = { release: `${service.name}@${version}`, image: `registry.example.com/${service.name}:${version}` };
  return { r, id: rolloutIdOf(sim, r), service: service.name, version, hosts, attrs, clock: rollouts.start[r]! };
}

/** The attempts of one stage; returns whether the stage passed (else the rollout stops here). */
function* stageRuns(ctx: Ctx, info: RolloutInfo, s: number): Generator<SimulatedRun, boolean> {
  const { design } = ctx.sim;
  const stage = design.stages[s]!;
  const profile = design.profiles[s]!;
  const plan = planStage(ctx.sim, ctx.bySite[s]!, info.r, s);
  const host = info.hosts[ENVS.indexOf(profile.env)]!;
  const base = { rollout: info.id, service: info.service, stage, host, env: profile.env, attrs: info.attrs };
  if (plan.skipped) {
    const durationMs = 5 + Math.floor(drawAt(plan.keys[0]!, PURPOSE.duration) * 200);
    const record: IngestRecordInput = { ...base, attempt: 1, status: 'skipped', startedAt: new Date(info.clock).toISOString(), durationMs };
    yield { record, key: `${info.id}/${stage}/1`, cause: null, firing: NONE };
    info.clock += durationMs;
    return true;
  }
  let manual = false;
  for (let a = 1; a <= plan.attempts; a++) {
    const key = plan.keys[a]!;
    const firing = causesOf((plan.lo[a - 1]! & ~ctx.removedLo) >>> 0, (plan.hi[a - 1]! & ~ctx.removedHi) >>> 0);
    const failed = firing.length > 0;
    const usual = profile.medianMs * Math.exp(profile.sigma * normalAt(key, PURPOSE.duration));
    const durationMs = Math.max(20, Math.round(failed ? usual * (0.15 + 0.6 * drawAt(key, PURPOSE.failedShare)) : usual));
    const status = failed ? 'failed' : 'succeeded';
    const record: IngestRecordInput = { ...base, attempt: a, status, startedAt: new Date(info.clock).toISOString(), durationMs };
    if (manual) record.manual = true;
    // Masking: when several causes fire, the attempt reports one of them, chosen by a draw.
    const cause = failed ? firing[Math.floor(drawAt(key, PURPOSE.mask) * firing.length)]! : null;
    if (cause !== null) {
      const family = design.causes[cause]!.family;
      const rng = messageRandom(key, PURPOSE.message);
      record.errorMessage = family.build({ rng, service: info.service, release: info.version, image: info.attrs.image, host, stage, at: info.clock });
      record.errorCode = family.code;
    }
    yield { record, key: `${info.id}/${stage}/${a}`, cause, firing };
    info.clock += durationMs;
    if (!failed) {
      info.clock += 200 + Math.floor(drawAt(plan.keys[0]!, PURPOSE.gap) * 3_800);
      return true;
    }
    if (a === plan.attempts) return false;
    manual = drawAt(key, PURPOSE.manual) < MANUAL_CHANCE[a - 1]!;
    // A person takes minutes to look; the pipeline's own retry backs off for seconds.
    info.clock += manual ? Math.round(300_000 * Math.exp(0.8 * normalAt(key, PURPOSE.gap)))
      : 5_000 + Math.floor(drawAt(key, PURPOSE.gap) * 55_000);
  }
  return false;
}
