import { drawAt, keyOf, PURPOSE, ROLLOUT_STAGE } from './draws';
import { MAX_ATTEMPTS, RETRY_CHANCE, type WorldDesign } from './design';
import { searchCumulative } from '../random';
import { buildStartCumulative } from './services';

const HOUR_MS = 3_600_000;

/** The week's rollouts: which service, which release (cohort), when. Drawn per rollout from keyed draws. */
export type RolloutTable = { count: number; service: Int32Array; cohort: Int32Array; start: Float64Array };

/**
 * The (rollout, stage) pairs where some cause fires on an attempt the stage would run, with the
 * causes firing on each attempt as a 64-bit mask in two words (`lo`, `hi`, MAX_ATTEMPTS a pair).
 * Everything else passes whatever is removed, so success over a fix set only needs these.
 */
export type FireEntries = { count: number; rollout: Int32Array; stage: Int32Array; attempts: Uint8Array; lo: Uint32Array; hi: Uint32Array };

export type Sim = { design: WorldDesign; rollouts: RolloutTable; entries: FireEntries };

type Site = { cause: number; p: number; persistent: boolean; cohort: number };

/** The causes acting on each stage. */
export function sitesByStage(design: WorldDesign): Site[][] {
  const out: Site[][] = design.stages.map(() => []);
  for (const c of design.causes) {
    for (const s of c.sites) out[s.stage]!.push({ cause: c.id, p: s.p, persistent: c.persistent, cohort: c.cohort ?? -1 });
  }
  return out;
}

export function drawRollouts(design: WorldDesign, count: number): RolloutTable {
  let sum = 0;
  const serviceCumulative = Float64Array.from(design.services, (s) => (sum += s.weight));
  const startCumulative = buildStartCumulative();
  const table: RolloutTable = { count, service: new Int32Array(count), cohort: new Int32Array(count), start: new Float64Array(count) };
  for (let r = 0; r < count; r++) {
    const key = keyOf(design.seed, r, ROLLOUT_STAGE, 0);
    const s = searchCumulative(serviceCumulative, drawAt(key, PURPOSE.service));
    const hour = searchCumulative(startCumulative, drawAt(key, PURPOSE.hour));
    const start = Math.floor(design.weekStart + (hour + drawAt(key, PURPOSE.minute)) * HOUR_MS);
    const releases = design.services[s]!.releases;
    let release = 0;
    while (release + 1 < releases.length && releases[release + 1]!.from <= start) release++;
    table.service[r] = s;
    table.cohort[r] = design.firstCohort[s]! + release;
    table.start[r] = start;
  }
  return table;
}

/** Per attempt of one stage of one rollout: the keys of its draws and the causes firing. */
export type StagePlan = { skipped: boolean; attempts: number; keys: number[]; lo: number[]; hi: number[] };

/** Whether the stage runs, how many attempts it would get if they all failed, and what fires on each. */
export function planStage(sim: Pick<Sim, 'design' | 'rollouts'>, sites: readonly Site[], r: number, s: number): StagePlan {
  const { design, rollouts } = sim;
  const profile = design.profiles[s]!;
  const key0 = keyOf(design.seed, r, s, 0);
  const small = design.services[rollouts.service[r]!]!.small;
  const keys = [key0];
  for (let a = 1; a <= MAX_ATTEMPTS; a++) keys.push(keyOf(design.seed, r, s, a));
  const none = () => new Array<number>(MAX_ATTEMPTS).fill(0);
  const plan: StagePlan = { skipped: false, attempts: 0, keys, lo: none(), hi: none() };
  if ((profile.skipForSmall && small) || drawAt(key0, PURPOSE.skip) < (profile.skipRate ?? 0)) {
    plan.skipped = true;
    return plan;
  }
  let attempts = 1;
  while (attempts < MAX_ATTEMPTS && drawAt(keys[attempts]!, PURPOSE.retry) < RETRY_CHANCE[attempts - 1]!) attempts++;
  plan.attempts = attempts;
  const cohort = rollouts.cohort[r]!;
  for (const site of sites) {
    if (site.cohort >= 0 && site.cohort !== cohort) continue;
    const word = site.cause < 32 ? plan.lo : plan.hi;
    const bit = (1 << (site.cause & 31)) >>> 0;
    if (site.persistent) {
      if (drawAt(key0, PURPOSE.fire + site.cause) < site.p) for (let a = 0; a < attempts; a++) word[a] = (word[a]! | bit) >>> 0;
      continue;
    }
    for (let a = 0; a < attempts; a++) if (drawAt(keys[a + 1]!, PURPOSE.fire + site.cause) < site.p) word[a] = (word[a]! | bit) >>> 0;
  }
  return plan;
}

/** Precomputes the fire entries of the whole week. */
export function buildFireEntries(sim: Pick<Sim, 'design' | 'rollouts'>): FireEntries {
  const bySite = sitesByStage(sim.design);
  const rollout: number[] = [];
  const stage: number[] = [];
  const attempts: number[] = [];
  const lo: number[] = [];
  const hi: number[] = [];
  for (let r = 0; r < sim.rollouts.count; r++) {
    for (let s = 0; s < sim.design.stages.length; s++) {
      const plan = planStage(sim, bySite[s]!, r, s);
      if (plan.skipped || (plan.lo.every((w) => w === 0) && plan.hi.every((w) => w === 0))) continue;
      rollout.push(r);
      stage.push(s);
      attempts.push(plan.attempts);
      lo.push(...plan.lo);
      hi.push(...plan.hi);
    }
  }
  return {
    count: rollout.length, rollout: Int32Array.from(rollout), stage: Int32Array.from(stage), attempts: Uint8Array.from(attempts),
    lo: Uint32Array.from(lo), hi: Uint32Array.from(hi),
  };
}

/** The removed causes as two mask words. */
export function maskOf(removed: Iterable<number>): [number, number] {
  let lo = 0;
  let hi = 0;
  for (const c of removed) {
    if (c < 32) lo |= 1 << c;
    else hi |= 1 << (c - 32);
  }
  return [lo >>> 0, hi >>> 0];
}

/** Marks in `failed` (1) the rollouts that fail with the causes in the mask removed; returns how many. */
export function markFailures(entries: FireEntries, failed: Uint8Array, removedLo: number, removedHi: number): number {
  const keepLo = ~removedLo;
  const keepHi = ~removedHi;
  const { rollout, attempts, lo, hi } = entries;
  let failures = 0;
  for (let e = 0; e < entries.count; e++) {
    const r = rollout[e]!;
    if (failed[r]) continue;
    const n = attempts[e]!;
    let passes = false;
    for (let a = 0; a < n; a++) {
      if (((lo[e * MAX_ATTEMPTS + a]! & keepLo) | (hi[e * MAX_ATTEMPTS + a]! & keepHi)) === 0) {
        passes = true;
        break;
      }
    }
    if (!passes) {
      failed[r] = 1;
      failures++;
    }
  }
  return failures;
}
