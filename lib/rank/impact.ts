import { ratio } from '../format';

/**
 * What fixing a class would gain (README, "Weekly ranking": expected gain, fix together, hidden
 * behind, toil). Pure: the week's rollouts and the attempts of those that failed somewhere in, the
 * figures out.
 */
export type ImpactRollout = { id: string; service: string; cohort: string | null; outcome: string };
/** One stage attempt of a rollout that had at least one failed attempt; `classId` of its error event. */
export type ImpactAttempt = { rolloutId: string; stageKey: string; attempt: number; status: string; durationMs: number | null; manual: boolean; classId: number | null };
export type ImpactInput = {
  /** Chain position of each stage key (unknown stages sort last). */
  stagePosition: Map<string, number>;
  rollouts: readonly ImpactRollout[];
  attempts: readonly ImpactAttempt[];
  /** Bootstrap resamples for the interval (0: no interval). */
  resamples?: number;
};

export type LaterPassSource = { cohort: number; service: number; chain: number };
export type HiddenBehind = {
  classId: number;
  stageKey: string;
  /** Rollouts of the group that passed this class's stage and then failed with `classId` … */
  rollouts: number;
  /** … of this many that passed it. */
  of: number;
  /** The group the evidence comes from: `service web`, or a cohort such as `release web@2.1`. */
  group: string;
  /** Groups (services or cohorts) with such evidence. */
  groups: number;
};
export type ClassImpact = {
  /** Points of end-to-end success a fix would gain: Σ share of blocked rollouts × P(passing the later stages) ÷ finished. */
  expectedGain: number;
  /** 95% interval of expectedGain (Poisson bootstrap over rollouts), points. */
  low: number;
  high: number;
  /** Rollouts this class blocked (shared between co-blockers, so fractional) … */
  blocked: number;
  /** … in this many failed rollouts … */
  blockedRollouts: number;
  /** … of this many finished rollouts. */
  finished: number;
  /** Mean estimated chance that a rescued rollout passes the stages after its failing one. */
  laterPass: number | null;
  /** Where that chance was estimated for its blocked rollouts (rollout counts). */
  laterPassFrom: LaterPassSource;
  hiddenBehind: HiddenBehind[];
  /** The gain of fixing this class together with every class ranked above it (null past the fix order's horizon). */
  withAbove: number | null;
};
/** The impact of a class that blocked no rollout this week. */
export function computeNoImpact(finished: number): ClassImpact {
  return { expectedGain: 0, low: 0, high: 0, blocked: 0, blockedRollouts: 0, finished, laterPass: null, laterPassFrom: { cohort: 0, service: 0, chain: 0 }, hiddenBehind: [], withAbove: null };
}
export type ClassToil = {
  /** Failed attempts of this class that were retried: the attempts it cost. */
  attemptsLost: number;
  /** Durations of those attempts. */
  timeLostMs: number;
  /** Retries after it that a person started. */
  manual: number;
  /** Rollouts in which it cost a retry. */
  rollouts: number;
};
export type JointGain = { k: number; classIds: number[]; gain: number; sumOfGains: number };
export type Impact = {
  classes: Map<number, ClassImpact>;
  toil: Map<number, ClassToil>;
  /** The gain of fixing the given classes together (no sharing: the counterfactual of that set). */
  jointGain: (classIds: readonly number[]) => number;
  /** The order to fix classes in: each next class, or pair that pays off only together, adds the most to the fixes before it. */
  order: number[];
  finished: number;
};

/** A group needs this many rollouts that passed the stage before its own pass rate is used. */
export const MIN_GROUP = 5;
/** Prior strength (in rollouts) pulling a group's pass rate toward its parent's (cohort → service → chain). */
const SHRINK = 5;
/** Prior strength for a class's persistence, toward the persistence of all classes. */
const PERSISTENCE_PRIOR = 2;
const DEFAULT_RESAMPLES = 200;
/** "Fixing A may reveal B": at least this many rollouts of one group, and this share of those that passed. */
const HIDDEN_MIN_ROLLOUTS = 3;
const HIDDEN_MIN_SHARE = 0.3;
/** … and B's share there at least this multiple of its share chain-wide. */
const HIDDEN_LIFT = 3;
/** Classes shown per class as possibly hidden behind it. */
const HIDDEN_SHOWN = 3;
/** Classes placed by the fix order (the rest follow by expected gain): bounded, as each step tries every candidate. */
const ORDER_HORIZON = 15;
/** Partners per class tried as a pair in the fix order (classes seen failing its cohort-mates later, or co-blocking it). */
const PAIR_PARTNERS = 3;

type FailingStage = { position: number; stageKey: string; classes: (number | null)[] };
type FailedRollout = {
  rollout: ImpactRollout;
  stages: FailingStage[];
  seen: number[];
  /** Chain positions of the stages it passed, and the groups it belongs to (chain, service, cohort). */
  passed: number[];
  groups: string[];
  /** Position of its last failing stage. */
  last: number;
  laterPass: number;
  source: keyof LaterPassSource;
  group: string | null;
};
/** Extra successes per group and stage position when some classes are fixed: rescued rollouts that had passed that stage. */
type Rescued = Map<string, Float64Array>;

/** The stages of a failed rollout whose latest attempt failed, each with the classes of its failed attempts in order. */
function failingStages(runs: readonly ImpactAttempt[], position: (key: string) => number): FailingStage[] {
  const byStage = new Map<string, ImpactAttempt[]>();
  for (const run of runs) {
    const list = byStage.get(run.stageKey);
    if (list) list.push(run);
    else byStage.set(run.stageKey, [run]);
  }
  const out: FailingStage[] = [];
  for (const [stageKey, list] of byStage) {
    list.sort((a, b) => a.attempt - b.attempt);
    if (list[list.length - 1]!.status !== 'failed') continue;
    out.push({ stageKey, position: position(stageKey), classes: list.filter((a) => a.status === 'failed').map((a) => a.classId) });
  }
  return out.sort((a, b) => a.position - b.position);
}

/**
 * Persistence of each class: the chance that the next attempt of the same stage fails with it
 * again, given an attempt failed with it and was retried; smoothed toward all classes'.
 */
function computePersistence(byRollout: Map<string, ImpactAttempt[]>): (classId: number) => number {
  const counts = new Map<number, { retried: number; again: number }>();
  let retried = 0;
  let again = 0;
  for (const runs of byRollout.values()) {
    const next = new Map(runs.map((r) => [`${r.stageKey}\u0000${r.attempt}`, r]));
    for (const r of runs) {
      if (r.status !== 'failed' || r.classId === null) continue;
      const after = next.get(`${r.stageKey}\u0000${r.attempt + 1}`);
      if (!after) continue;
      const c = counts.get(r.classId) ?? { retried: 0, again: 0 };
      c.retried += 1;
      retried += 1;
      if (after.status === 'failed' && after.classId === r.classId) {
        c.again += 1;
        again += 1;
      }
      counts.set(r.classId, c);
    }
  }
  const overall = ratio(again, retried) ?? 0.5;
  return (classId) => {
    const c = counts.get(classId);
    return ((c?.again ?? 0) + PERSISTENCE_PRIOR * overall) / ((c?.retried ?? 0) + PERSISTENCE_PRIOR);
  };
}

/**
 * The chance that fixing `fixed` gets a failing stage through: some attempt passes when its
 * class is fixed and none of the stage's other unfixed classes was also failing it unseen (each
 * present with its persistence; one error is recorded per attempt, so a persistent class can hide
 * behind another one on an attempt).
 */
export function computeStageRescue(classes: readonly (number | null)[], fixed: ReadonlySet<number>, persistence: (classId: number) => number): number {
  const seen = new Set(classes.filter((c): c is number => c !== null));
  let allFail = 1;
  for (const shown of classes) {
    if (shown === null || !fixed.has(shown)) continue;
    let pass = 1;
    for (const other of seen) if (other !== shown && !fixed.has(other)) pass *= 1 - persistence(other);
    allFail *= 1 - pass;
  }
  return 1 - allFail;
}

function rolloutRescue(r: FailedRollout, fixed: ReadonlySet<number>, persistence: (classId: number) => number): number {
  let p = 1;
  for (const stage of r.stages) {
    p *= computeStageRescue(stage.classes, fixed, persistence);
    if (p === 0) return 0;
  }
  return p;
}

type Tally = { passed: number; succeeded: number };

/** Per group (chain, service, cohort): how many finished rollouts passed each stage position, and how many of them succeeded. */
class PassTable {
  private readonly groups = new Map<string, { succeeded: number; failedPassed: Map<number, number> }>();

  add(group: string, outcome: string, passedPositions: Iterable<number>): void {
    let g = this.groups.get(group);
    if (!g) this.groups.set(group, (g = { succeeded: 0, failedPassed: new Map() }));
    if (outcome === 'succeeded') {
      g.succeeded += 1;
      return;
    }
    for (const p of passedPositions) g.failedPassed.set(p, (g.failedPassed.get(p) ?? 0) + 1);
  }

  /** Rollouts of `group` that passed the stage at `position`, and those of them that succeeded. */
  tally(group: string, position: number): Tally {
    const g = this.groups.get(group);
    if (!g) return { passed: 0, succeeded: 0 };
    return { passed: g.succeeded + (g.failedPassed.get(position) ?? 0), succeeded: g.succeeded };
  }
}

const CHAIN = 'chain';
const serviceGroup = (service: string) => `service ${service}`;
const cohortGroup = (service: string, cohort: string) => `cohort ${service}\u0000${cohort}`;
const groupLabel = (group: string) => (group.startsWith('cohort ') ? group.slice(7).split('\u0000')[1]! : group);

/** A seeded Poisson(1) sampler for the bootstrap (Knuth's method; deterministic per class). */
function poissonOne(seed: number): () => number {
  let s = seed >>> 0 || 1;
  const next = () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 4294967296;
  };
  const limit = Math.exp(-1);
  return () => {
    let k = 0;
    let p = next();
    while (p > limit) {
      k += 1;
      p *= next();
    }
    return k;
  };
}

/** The 95% interval of a class's gain, within what fixing anything could gain (`cap`, points). */
function bootstrap(contributions: readonly number[], finished: number, resamples: number, seed: number, cap: number): [number, number] {
  if (resamples <= 0 || contributions.length === 0) return [0, 0];
  const draw = poissonOne(seed * 2654435761 + 1);
  const sums: number[] = [];
  for (let b = 0; b < resamples; b++) {
    let s = 0;
    for (const c of contributions) s += c * draw();
    sums.push((s / finished) * 100);
  }
  sums.sort((a, b) => a - b);
  return [Math.min(cap, sums[Math.floor(0.025 * (resamples - 1))]!), Math.min(cap, sums[Math.ceil(0.975 * (resamples - 1))]!)];
}

/**
 * The chance that a rescued rollout passes the stages after its last failing one: the share of
 * comparable rollouts that passed that stage and succeeded (those `extra` rescues counted as
 * succeeded), its cohort's pulled toward its service's, its service's toward the chain's.
 */
function estimateLaterPass(passes: PassTable, r: FailedRollout, extra: Rescued | null): { value: number; source: keyof LaterPassSource; group: string | null } {
  const tally = (group: string) => {
    const t = passes.tally(group, r.last);
    return { passed: t.passed, succeeded: t.succeeded + (extra?.get(group)?.[r.last] ?? 0) };
  };
  const [chainGroup, serviceGroupKey, cohortGroupKey] = r.groups as [string, string, string | undefined];
  const chain = tally(chainGroup);
  const chainRate = (chain.succeeded + 1) / (chain.passed + 2);
  const service = tally(serviceGroupKey);
  const serviceRate = (service.succeeded + SHRINK * chainRate) / (service.passed + SHRINK);
  const cohort = cohortGroupKey === undefined ? { passed: 0, succeeded: 0 } : tally(cohortGroupKey);
  const value = Math.min(1, (cohort.succeeded + SHRINK * serviceRate) / (cohort.passed + SHRINK));
  if (cohort.passed >= MIN_GROUP) return { value, source: 'cohort', group: cohortGroupKey! };
  if (service.passed >= MIN_GROUP) return { value, source: 'service', group: serviceGroupKey };
  return { value, source: 'chain', group: null };
}

function addPartner(partners: Map<number, Map<number, number>>, a: number, b: number, n = 1): void {
  let of = partners.get(a);
  if (!of) partners.set(a, (of = new Map()));
  of.set(b, (of.get(b) ?? 0) + n);
}

/**
 * The fix order: greedily, the class that adds the most joint gain to the classes already chosen —
 * or a pair of partners that pays off together, when over the next two places it gains more on
 * average than the best two single fixes — among the `horizon` classes with the highest expected
 * gains and the pairs with the most synergy; then the rest by expected gain. `withAbove` is the
 * joint gain of each placed class with the ones before it.
 */
export function computeFixOrder(gains: Map<number, number>, partners: Map<number, Map<number, number>>, jointGain: (ids: readonly number[]) => number, horizon = ORDER_HORIZON): { order: number[]; withAbove: Map<number, number> } {
  const byGain = [...gains].sort((a, b) => b[1] - a[1] || a[0] - b[0]).map(([id]) => id);
  const pool = new Set(byGain.slice(0, horizon));
  // Pairs that pay off together (each worth little alone): the partners with the most synergy join the pool.
  const tried = new Set<string>();
  const synergies: { pair: [number, number]; synergy: number }[] = [];
  for (const [a, of] of partners) {
    const best = [...of].sort((x, y) => y[1] - x[1] || x[0] - y[0]).slice(0, PAIR_PARTNERS);
    for (const [b] of best) {
      const key = a < b ? `${a},${b}` : `${b},${a}`;
      if (tried.has(key)) continue;
      tried.add(key);
      const synergy = jointGain([a, b]) - jointGain([a]) - jointGain([b]);
      if (synergy > 1e-9) synergies.push({ pair: [a, b], synergy });
    }
  }
  const pairs = synergies.sort((x, y) => y.synergy - x.synergy).slice(0, horizon).map((s) => s.pair);
  for (const [a, b] of pairs) pool.add(a).add(b);
  const chosen: number[] = [];
  const withAbove = new Map<number, number>();
  const bestSingle = (fixed: number[]) => {
    const taken = new Set(fixed);
    let best: { id: number; gain: number } | null = null;
    for (const id of pool) {
      if (taken.has(id)) continue;
      const gain = jointGain([...fixed, id]);
      if (!best || gain > best.gain + 1e-12) best = { id, gain };
    }
    return best;
  };
  while (chosen.length < horizon) {
    const x = bestSingle(chosen);
    if (!x) break;
    // A pair beats the best single only if, over the next two places, it gains more on average
    // (the list may be read to either of them): a pair split by the cut is worth little.
    const singles = x.gain + (bestSingle([...chosen, x.id])?.gain ?? x.gain);
    let pair: { ids: number[]; area: number } | null = null;
    const taken = new Set(chosen);
    for (const [a, b] of pairs) {
      if (taken.has(a) || taken.has(b) || chosen.length + 2 > horizon) continue;
      const [first, second] = jointGain([...chosen, a]) >= jointGain([...chosen, b]) ? [a, b] : [b, a];
      const area = jointGain([...chosen, first]) + jointGain([...chosen, first, second]);
      if (!pair || area > pair.area + 1e-12) pair = { ids: [first, second], area };
    }
    const current = chosen.length ? withAbove.get(chosen[chosen.length - 1]!)! : 0;
    const ids = pair && pair.area > singles + 1e-12 ? pair.ids : [x.id];
    if (jointGain([...chosen, ...ids]) - current <= 1e-12) break;
    for (const id of ids) {
      chosen.push(id);
      withAbove.set(id, jointGain(chosen));
    }
  }
  const placed = new Set(chosen);
  return { order: [...chosen, ...byGain.filter((id) => !placed.has(id))], withAbove };
}

export function computeImpact(input: ImpactInput): Impact {
  // Stages not in the chain come after it, in the order met.
  const positions = new Map(input.stagePosition);
  const position = (key: string) => positions.get(key) ?? positions.set(key, Math.max(-1, ...positions.values()) + 1).get(key)!;
  const byRollout = new Map<string, ImpactAttempt[]>();
  for (const a of input.attempts) {
    const list = byRollout.get(a.rolloutId);
    if (list) list.push(a);
    else byRollout.set(a.rolloutId, [a]);
  }
  const persistence = computePersistence(byRollout);
  const finishedRollouts = input.rollouts.filter((r) => r.outcome === 'succeeded' || r.outcome === 'failed');
  const finished = finishedRollouts.length;

  // Which stages each finished rollout passed, per group, for the later-stage pass estimates.
  const passes = new PassTable();
  const failed: { rollout: ImpactRollout; stages: FailingStage[]; passed: number[] }[] = [];
  for (const r of finishedRollouts) {
    const runs = byRollout.get(r.id) ?? [];
    let passed: number[] = [];
    if (r.outcome === 'failed') {
      const stages = failingStages(runs, position);
      if (stages.length === 0) continue;
      const failing = new Set(stages.map((s) => s.stageKey));
      passed = [...new Set(runs.filter((a) => !failing.has(a.stageKey)).map((a) => position(a.stageKey)))];
      failed.push({ rollout: r, stages, passed });
    }
    passes.add(CHAIN, r.outcome, passed);
    passes.add(serviceGroup(r.service), r.outcome, passed);
    if (r.cohort !== null) passes.add(cohortGroup(r.service, r.cohort), r.outcome, passed);
  }

  const failedRollouts: FailedRollout[] = failed.map(({ rollout, stages, passed }) => {
    const last = stages[stages.length - 1]!.position;
    const groups = [CHAIN, serviceGroup(rollout.service), ...(rollout.cohort === null ? [] : [cohortGroup(rollout.service, rollout.cohort)])];
    const seen = [...new Set(stages.flatMap((s) => s.classes).filter((c): c is number => c !== null))];
    const r: FailedRollout = { rollout, stages, seen, passed, groups, last, laterPass: 0, source: 'chain', group: null };
    const estimate = estimateLaterPass(passes, r, null);
    return Object.assign(r, { laterPass: estimate.value, source: estimate.source, group: estimate.group });
  });
  const byClass = new Map<number, FailedRollout[]>();
  for (const r of failedRollouts) for (const c of r.seen) (byClass.get(c) ?? byClass.set(c, []).get(c)!).push(r);
  const touched = (fixed: ReadonlySet<number>) => new Set([...fixed].flatMap((c) => byClass.get(c) ?? []));
  /** The failed rollouts a fix rescues count as successes of the groups whose stages they had passed. */
  const rescuedBy = (fixed: ReadonlySet<number>, rollouts: Iterable<FailedRollout>): Rescued => {
    const extra: Rescued = new Map();
    for (const m of rollouts) {
      const w = rolloutRescue(m, fixed, persistence) * m.laterPass;
      if (w === 0 || m.passed.length === 0) continue;
      for (const g of m.groups) {
        let row = extra.get(g);
        if (!row) extra.set(g, (row = new Float64Array(positions.size)));
        for (const p of m.passed) row[p] = row[p]! + w;
      }
    }
    return extra;
  };

  const { hidden, partners } = computeHiddenBehind(failedRollouts, finishedRollouts);
  // Each failed rollout's worth, shared: what fixing each of its classes alone would rescue, plus
  // an equal share of what only fixing them together would (co-blocking classes); times the chance
  // of passing the later stages with that class fixed (its later failures rescued too).
  const contributions = new Map<number, { values: number[]; blocked: number; rollouts: number; later: number; from: LaterPassSource }>();
  const rescuedAlone = new Map<number, Rescued>();
  for (const [classId, rollouts] of byClass) rescuedAlone.set(classId, rescuedBy(new Set([classId]), rollouts));
  for (const r of failedRollouts) {
    const alone = r.seen.map((c) => rolloutRescue(r, new Set([c]), persistence));
    const together = rolloutRescue(r, new Set(r.seen), persistence);
    const residual = Math.max(0, together - alone.reduce((a, b) => a + b, 0)) / Math.max(1, r.seen.length);
    // Co-blocking classes pay off only together: the fix order tries them as pairs too.
    if (residual > 1e-9) for (const a of r.seen) for (const b of r.seen) if (a !== b) addPartner(partners, a, b);
    r.seen.forEach((classId, i) => {
      const share = alone[i]! + residual;
      if (share <= 1e-9) return;
      const later = estimateLaterPass(passes, r, rescuedAlone.get(classId)!).value;
      let c = contributions.get(classId);
      if (!c) contributions.set(classId, (c = { values: [], blocked: 0, rollouts: 0, later: 0, from: { cohort: 0, service: 0, chain: 0 } }));
      c.values.push(share * later);
      c.blocked += share;
      c.rollouts += 1;
      c.later += later;
      c.from[r.source] += 1;
    });
  }

  const memo = new Map<string, number>();
  const jointGain = (classIds: readonly number[]) => {
    if (finished === 0) return 0;
    const key = [...classIds].sort((a, b) => a - b).join(',');
    const known = memo.get(key);
    if (known !== undefined) return known;
    const fixed = new Set(classIds);
    const rollouts = touched(fixed);
    const extra = rescuedBy(fixed, rollouts);
    let sum = 0;
    for (const r of rollouts) sum += rolloutRescue(r, fixed, persistence) * estimateLaterPass(passes, r, extra).value;
    const gain = (sum / finished) * 100;
    memo.set(key, gain);
    return gain;
  };

  const gains = new Map([...contributions].map(([id, c]) => [id, finished > 0 ? (c.values.reduce((a, b) => a + b, 0) / finished) * 100 : 0]));
  const { order, withAbove } = computeFixOrder(gains, partners, jointGain);
  const classes = new Map<number, ClassImpact>();
  // A class placed as the partner of another, though it blocked nothing alone this week.
  for (const [classId, joint] of withAbove) if (!contributions.has(classId)) classes.set(classId, { ...computeNoImpact(finished), hiddenBehind: hidden.get(classId) ?? [], withAbove: joint });
  for (const [classId, c] of contributions) {
    const [low, high] = bootstrap(c.values, finished, input.resamples ?? DEFAULT_RESAMPLES, classId, (failedRollouts.length / finished) * 100);
    classes.set(classId, {
      expectedGain: gains.get(classId)!, low, high,
      blocked: c.blocked, blockedRollouts: c.rollouts, finished, laterPass: c.rollouts > 0 ? c.later / c.rollouts : null, laterPassFrom: c.from,
      hiddenBehind: hidden.get(classId) ?? [], withAbove: withAbove.get(classId) ?? null,
    });
  }
  return { classes, toil: computeToil(byRollout), jointGain, order, finished };
}

/**
 * "Fixing A may reveal B": A's blocked rollouts belong to groups (their cohort, else their service)
 * whose other rollouts, having passed A's stage, mostly failed later with B — well above B's share
 * chain-wide among rollouts that passed that stage.
 */
function computeHiddenBehind(failedRollouts: readonly FailedRollout[], finishedRollouts: readonly ImpactRollout[]): { hidden: Map<number, HiddenBehind[]>; partners: Map<number, Map<number, number>> } {
  // For each failed rollout: the positions it passed and the classes of its failing stages.
  const later = new Map<string, { passed: Set<number>; failedWith: { classId: number; position: number; stageKey: string }[] }>();
  for (const r of failedRollouts) {
    later.set(r.rollout.id, {
      passed: new Set(r.passed),
      failedWith: r.stages.flatMap((s) => [...new Set(s.classes)].flatMap((c) => (c === null ? [] : [{ classId: c, position: s.position, stageKey: s.stageKey }]))),
    });
  }
  const members = new Map<string, ImpactRollout[]>();
  const add = (group: string, r: ImpactRollout) => {
    const list = members.get(group);
    if (list) list.push(r);
    else members.set(group, [r]);
  };
  for (const r of finishedRollouts) {
    add(CHAIN, r);
    add(serviceGroup(r.service), r);
    if (r.cohort !== null) add(cohortGroup(r.service, r.cohort), r);
  }
  // Per (group, stage position): rollouts that passed it, and per later class how many failed with it.
  const memo = new Map<string, { of: number; by: Map<number, { n: number; stageKey: string }> }>();
  const evidence = (group: string, at: number) => {
    const key = `${group}\u0000${at}`;
    let e = memo.get(key);
    if (e) return e;
    e = { of: 0, by: new Map() };
    for (const m of members.get(group) ?? []) {
      if (m.outcome === 'succeeded') {
        e.of += 1;
        continue;
      }
      const l = later.get(m.id);
      if (!l?.passed.has(at)) continue;
      e.of += 1;
      for (const f of l.failedWith) {
        if (f.position <= at) continue;
        const b = e.by.get(f.classId) ?? { n: 0, stageKey: f.stageKey };
        b.n += 1;
        e.by.set(f.classId, b);
      }
    }
    memo.set(key, e);
    return e;
  };

  const found = new Map<number, Map<number, { best: Omit<HiddenBehind, 'groups'>; groups: Set<string> }>>();
  // Partners for the fix order: classes that failed a blocked rollout's group-mates later, weighted by the evidence.
  const partners = new Map<number, Map<number, number>>();
  for (const r of failedRollouts) {
    if (r.group === null) continue;
    const at = r.last;
    const local = evidence(r.group, at);
    const chain = evidence(CHAIN, at);
    for (const [b, { n, stageKey }] of local.by) {
      for (const a of r.seen) if (a !== b && n >= 2) addPartner(partners, a, b, n / local.of);
      if (n < HIDDEN_MIN_ROLLOUTS) continue;
      const share = n / local.of;
      const chainShare = (chain.by.get(b)?.n ?? 0) / Math.max(1, chain.of);
      if (share < HIDDEN_MIN_SHARE || share < HIDDEN_LIFT * chainShare) continue;
      for (const a of r.seen) {
        if (a === b) continue;
        let byB = found.get(a);
        if (!byB) found.set(a, (byB = new Map()));
        const candidate = { classId: b, stageKey, rollouts: n, of: local.of, group: groupLabel(r.group) };
        const seen = byB.get(b);
        if (!seen) byB.set(b, { best: candidate, groups: new Set([r.group]) });
        else {
          seen.groups.add(r.group);
          if (n > seen.best.rollouts) seen.best = candidate;
        }
      }
    }
  }
  const out = new Map<number, HiddenBehind[]>();
  for (const [a, byB] of found) {
    const list = [...byB.values()].map(({ best, groups }) => ({ ...best, groups: groups.size }));
    out.set(a, list.sort((x, y) => y.groups - x.groups || y.rollouts - x.rollouts || x.classId - y.classId).slice(0, HIDDEN_SHOWN));
  }
  return { hidden: out, partners };
}

/** Per class: the failed attempts a retry got past or tried to (attempts, their durations, manual retries). */
function computeToil(byRollout: Map<string, ImpactAttempt[]>): Map<number, ClassToil> {
  const toil = new Map<number, ClassToil & { seen: Set<string> }>();
  for (const [rolloutId, runs] of byRollout) {
    const next = new Map(runs.map((r) => [`${r.stageKey}\u0000${r.attempt}`, r]));
    for (const r of runs) {
      if (r.status !== 'failed' || r.classId === null) continue;
      const retry = next.get(`${r.stageKey}\u0000${r.attempt + 1}`);
      if (!retry) continue;
      let t = toil.get(r.classId);
      if (!t) toil.set(r.classId, (t = { attemptsLost: 0, timeLostMs: 0, manual: 0, rollouts: 0, seen: new Set() }));
      t.attemptsLost += 1;
      t.timeLostMs += r.durationMs ?? 0;
      if (retry.manual) t.manual += 1;
      t.seen.add(rolloutId);
    }
  }
  return new Map([...toil].map(([id, { seen, ...t }]) => [id, { ...t, rollouts: seen.size }]));
}
