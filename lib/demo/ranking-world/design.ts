import defaultChain from '../../chain/default-chain.json';
import { weekStart as mondayOf } from '../../time/iso-week';
import { deriveSeed, SeededRandom } from '../random';
import { getStageProfile, type StageProfile } from '../stage-profiles';
import { planCauses, type WorldCause } from './causes';
import { BUILD_FAMILIES } from './families-build';
import { RUNTIME_FAMILIES } from './families-runtime';
import type { MessageFamily } from './message-kit';
import { buildCohorts, buildServices, type Cohort, type WorldService } from './services';

/** Every message family a world can draw its causes' texts from (each world uses distinct ones). */
export const MESSAGE_FAMILIES: readonly MessageFamily[] = [...BUILD_FAMILIES, ...RUNTIME_FAMILIES];

/** Attempts per stage at most; after a failed attempt n, the chance of another (RETRY_CHANCE[n-1]). */
export const MAX_ATTEMPTS = 3;
export const RETRY_CHANCE = [0.8, 0.5] as const;
/** Chance a retry after failed attempt n was started by a person. */
export const MANUAL_CHANCE = [0.3, 0.6] as const;
export const DEFAULT_WEEK = '2026-W46';
/** Calibrated probabilities stay below this, so no stage-wide cause fails nearly every rollout. */
const MAX_SCALED_P = 0.6;
/** The end-to-end success the calibration aims at is drawn from this range (per seed). */
const TARGET_SUCCESS = [0.62, 0.82] as const;

export type WorldDesign = {
  seed: number;
  week: string;
  /** Epoch ms of the week's Monday 00:00 UTC. */
  weekStart: number;
  stages: string[];
  profiles: StageProfile[];
  services: WorldService[];
  cohorts: Cohort[];
  /** Index of each service's first cohort (its releases follow in order). */
  firstCohort: Int32Array;
  causes: WorldCause[];
  /** The calibration's aim and the factor it applied to the stage-wide causes. */
  targetSuccess: number;
  scale: number;
};

/** The chance a stage with this per-attempt transient failure chance fails after its retries. */
export function stageFailChance(q: number): number {
  const [r1, r2] = RETRY_CHANCE;
  return q * (1 - r1 + r1 * q * (1 - r2 + r2 * q));
}

/** An analytic estimate of end-to-end success, with stage-wide causes scaled by `scale`. */
function estimateSuccess(design: Pick<WorldDesign, 'profiles' | 'cohorts' | 'causes'>, scale: number): number {
  const pass = design.profiles.map(() => ({ transient: 1, persistent: 1 }));
  // A cohort's rollouts pass all of its causes (an upstream and its hidden one together) or fail.
  const cohortPass = new Map<number, number>();
  for (const cause of design.causes) {
    for (const site of cause.sites) {
      if (cause.cohort !== null) {
        const p = cause.persistent ? site.p : stageFailChance(site.p);
        cohortPass.set(cause.cohort, (cohortPass.get(cause.cohort) ?? 1) * (1 - p));
        continue;
      }
      const p = Math.min(MAX_SCALED_P, site.p * scale);
      if (cause.persistent) pass[site.stage]!.persistent *= 1 - p;
      else pass[site.stage]!.transient *= 1 - p;
    }
  }
  let cohortFactor = 1;
  for (const [cohort, p] of cohortPass) cohortFactor *= 1 - design.cohorts[cohort]!.share * (1 - p);
  return pass.reduce((acc, s, i) => {
    const fail = 1 - s.persistent * (1 - stageFailChance(1 - s.transient));
    return acc * (1 - fail * (1 - (design.profiles[i]!.skipRate ?? 0)));
  }, cohortFactor);
}

/** Scales the stage-wide causes so the estimated end-to-end success meets `target` (bisection). */
function calibrate(design: Pick<WorldDesign, 'profiles' | 'cohorts' | 'causes'>, target: number): number {
  let lo = 0.02;
  let hi = 8;
  for (let i = 0; i < 40; i++) {
    const mid = Math.sqrt(lo * hi);
    if (estimateSuccess(design, mid) > target) lo = mid;
    else hi = mid;
  }
  const scale = Math.sqrt(lo * hi);
  for (const cause of design.causes) {
    if (cause.cohort !== null) continue;
    for (const site of cause.sites) site.p = Math.min(MAX_SCALED_P, site.p * scale);
  }
  return scale;
}

/**
 * The world of one seed: the chain (default: lib/chain/default-chain.json), 40–80 services with
 * their releases, and 25–35 causes whose stage-wide probabilities are calibrated so that the
 * week's end-to-end success lands near a target drawn from 62–82%. Pure in the seed.
 */
export function designWorld(seed: number, opts: { week?: string; stages?: readonly string[] } = {}): WorldDesign {
  const rng = new SeededRandom(deriveSeed(seed, 'ranking-world'));
  const week = opts.week ?? DEFAULT_WEEK;
  const weekStart = Date.parse(`${mondayOf(week)}T00:00:00Z`);
  const stages = [...(opts.stages ?? defaultChain.stages.map((s) => s.key))];
  const profiles = stages.map(getStageProfile);
  const services = buildServices(rng, weekStart);
  const { cohorts, firstCohort } = buildCohorts(services, weekStart);
  const causes = planCauses({ rng, families: MESSAGE_FAMILIES, stages, profiles, services, cohorts });
  if (causes.length > 64) throw new Error(`a ranking world holds at most 64 causes, got ${causes.length}`);
  const targetSuccess = TARGET_SUCCESS[0] + (TARGET_SUCCESS[1] - TARGET_SUCCESS[0]) * rng.next();
  const scale = calibrate({ profiles, cohorts, causes }, targetSuccess);
  return { seed, week, weekStart, stages, profiles, services, cohorts, firstCohort, causes, targetSuccess, scale };
}
