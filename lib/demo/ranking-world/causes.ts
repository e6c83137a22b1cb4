import type { SeededRandom } from '../random';
import type { StageProfile } from '../stage-profiles';
import type { MessageFamily } from './message-kit';
import type { Cohort, WorldService } from './services';

/**
 * The failure causes of a ranking world. `transient` causes fire on each attempt of their stage
 * independently; `persistent` ones are decided once per rollout and stage and then fire on every
 * attempt. Roles: a plain one-stage cause, a `two-stage` one (same cause and message on two
 * stages), a `cohort` one (only the rollouts of one release), and a `hidden` pair: an
 * `upstream` cohort cause and a `hidden` cohort cause on a later stage for the same cohort, which
 * shows only for the few rollouts of the cohort that get past the upstream one.
 */
export type CauseRole = 'stage' | 'two-stage' | 'cohort' | 'upstream' | 'hidden';
export type CauseSite = { stage: number; p: number };
export type WorldCause = {
  id: number;
  name: string;
  role: CauseRole;
  persistent: boolean;
  sites: CauseSite[];
  /** The only cohort it fires for (cohort, upstream and hidden causes); null: every rollout. */
  cohort: number | null;
  /** For an upstream cause its hidden one, and the other way round. */
  pairedWith: number | null;
  family: MessageFamily;
};

export type CausePlanInput = {
  rng: SeededRandom;
  families: readonly MessageFamily[];
  stages: readonly string[];
  profiles: readonly StageProfile[];
  services: readonly WorldService[];
  cohorts: readonly Cohort[];
};

/** Per-attempt probability range of transient causes and per-rollout range of persistent ones (before calibration). */
const TRANSIENT_P = [0.015, 0.15] as const;
const PERSISTENT_P = [0.003, 0.03] as const;
/**
 * Shares of the week's rollouts a cohort given a cause may hold: not so small that it never shows,
 * not so large (a top service's only release) that one release decides the week. Hidden pairs go
 * to larger cohorts, where a cause hidden behind another costs something.
 */
const COHORT_SHARE = [0.004, 0.035] as const;
const HIDDEN_SHARE = [0.012, 0.045] as const;

const logUniform = (rng: SeededRandom, [lo, hi]: readonly [number, number]): number => lo * (hi / lo) ** rng.next();

type Slot = { role: CauseRole; persistent: boolean };

/** Which roles a world gets: 25–35 causes, 1–3 hidden pairs, 3–6 cohort, 2–4 two-stage causes. */
function planSlots(rng: SeededRandom): { pairs: number; slots: Slot[] } {
  const total = rng.int(25, 36);
  const pairs = rng.int(1, 4);
  const cohort = rng.int(3, 7);
  const twoStage = rng.int(2, 5);
  const rest = total - 2 * pairs - cohort - twoStage;
  const transient = Math.round(rest * (0.4 + 0.25 * rng.next()));
  const slots: Slot[] = [
    ...Array.from({ length: twoStage }, () => ({ role: 'two-stage' as const, persistent: rng.chance(0.5) })),
    ...Array.from({ length: cohort }, () => ({ role: 'cohort' as const, persistent: rng.chance(0.8) })),
    ...Array.from({ length: rest - transient }, () => ({ role: 'stage' as const, persistent: true })),
    ...Array.from({ length: transient }, () => ({ role: 'stage' as const, persistent: false })),
  ];
  return { pairs, slots };
}

class Planner {
  readonly causes: WorldCause[] = [];
  private readonly pool: MessageFamily[];
  private readonly usedCohorts = new Set<number>();

  constructor(private readonly input: CausePlanInput) {
    this.pool = [...input.families];
    for (let i = this.pool.length - 1; i > 0; i--) {
      const j = input.rng.int(0, i + 1);
      [this.pool[i], this.pool[j]] = [this.pool[j]!, this.pool[i]!];
    }
  }

  /** Stage indices a family belongs on that the cohort's rollouts ever run. */
  stagesOf(family: MessageFamily, cohort: number | null): number[] {
    const { stages, profiles, services, cohorts } = this.input;
    const small = cohort !== null && services[cohorts[cohort]!.service]!.small;
    const keys = family.stages === '*' ? stages : family.stages;
    return keys.map((k) => stages.indexOf(k)).filter((s) => s >= 0 && !(small && profiles[s]!.skipForSmall));
  }

  /** The first unused family that fits, preferring flaky ones for transient causes (any one as a fallback). */
  takeFamily(fits: (f: MessageFamily) => boolean, flaky: boolean): MessageFamily | null {
    const index = [this.pool.findIndex((f) => fits(f) && f.flaky === flaky), this.pool.findIndex(fits)].find((i) => i >= 0);
    if (index === undefined) return null;
    return this.pool.splice(index, 1)[0]!;
  }

  takeCohort([min, max]: readonly [number, number]): number | null {
    const { rng, cohorts } = this.input;
    const open = cohorts.filter((c) => c.share >= min && c.share <= max && !this.usedCohorts.has(c.id));
    if (open.length === 0) return null;
    let target = rng.next() * open.reduce((a, c) => a + Math.sqrt(c.share), 0);
    const chosen = open.find((c) => (target -= Math.sqrt(c.share)) < 0) ?? open[open.length - 1]!;
    this.usedCohorts.add(chosen.id);
    return chosen.id;
  }

  add(cause: Omit<WorldCause, 'id' | 'name'>): WorldCause {
    const id = this.causes.length;
    const full = { ...cause, id, name: `c${String(id).padStart(2, '0')}-${cause.family.id}` };
    this.causes.push(full);
    return full;
  }

  addHiddenPair(): void {
    const { rng } = this.input;
    const cohort = this.takeCohort(HIDDEN_SHARE) ?? this.takeCohort(COHORT_SHARE);
    if (cohort === null) return;
    const last = this.input.stages.length - 1;
    const up = this.takeFamily((f) => this.stagesOf(f, cohort).some((s) => s < last - 1), false);
    if (!up) return;
    const upStage = rng.pick(this.stagesOf(up, cohort).filter((s) => s < last - 1));
    const hidden = this.takeFamily((f) => this.stagesOf(f, cohort).some((s) => s > upStage), false);
    if (!hidden) return;
    const hiddenStage = rng.pick(this.stagesOf(hidden, cohort).filter((s) => s > upStage));
    const upSite = { stage: upStage, p: 0.7 + 0.25 * rng.next() };
    const a = this.add({ role: 'upstream', persistent: true, sites: [upSite], cohort, pairedWith: null, family: up });
    const hiddenSite = { stage: hiddenStage, p: 0.75 + 0.25 * rng.next() };
    const b = this.add({ role: 'hidden', persistent: true, sites: [hiddenSite], cohort, pairedWith: a.id, family: hidden });
    a.pairedWith = b.id;
  }

  addSlot(slot: Slot): void {
    const { rng } = this.input;
    const range = slot.persistent ? PERSISTENT_P : TRANSIENT_P;
    if (slot.role === 'cohort') {
      const cohort = this.takeCohort(COHORT_SHARE);
      const family = cohort === null ? null : this.takeFamily((f) => this.stagesOf(f, cohort).length > 0, !slot.persistent);
      if (cohort === null || !family) return;
      const p = slot.persistent ? 0.5 + 0.5 * rng.next() : 0.5 + 0.4 * rng.next();
      const sites = [{ stage: rng.pick(this.stagesOf(family, cohort)), p }];
      this.add({ role: 'cohort', persistent: slot.persistent, sites, cohort, pairedWith: null, family });
      return;
    }
    const need = slot.role === 'two-stage' ? 2 : 1;
    const family = this.takeFamily((f) => this.stagesOf(f, null).length >= need, !slot.persistent);
    if (!family) return;
    const stages = [...this.stagesOf(family, null)];
    const chosen: number[] = [];
    while (chosen.length < need) chosen.push(stages.splice(rng.int(0, stages.length), 1)[0]!);
    const base = logUniform(rng, range);
    const sites = chosen.sort((x, y) => x - y).map((stage) => ({ stage, p: need === 1 ? base : base * (0.6 + 0.8 * rng.next()) }));
    this.add({ role: slot.role, persistent: slot.persistent, sites, cohort: null, pairedWith: null, family });
  }
}

/** Draws the causes of a world (probabilities before calibration): distinct message families, roles mixed by the seed. */
export function planCauses(input: CausePlanInput): WorldCause[] {
  const planner = new Planner(input);
  const { pairs, slots } = planSlots(input.rng);
  for (let i = 0; i < pairs; i++) planner.addHiddenPair();
  for (const slot of slots) planner.addSlot(slot);
  return planner.causes;
}
