import fc from 'fast-check';
import { addDays, dayInZone, daysBetween } from '../../../lib/time/day';
import { isoWeekOfDay } from '../../../lib/time/iso-week';
import type { RunSpec } from '../../helpers/ingest';
import { STAGES } from '../../helpers/records';

/**
 * Generated rollouts over several weeks for the weekly-history property (weekly-history.db.test.ts),
 * and the breaches of every built-in kind counted straight from those runs, per ISO week: the
 * README's definitions written out again, sharing no code with lib/admission.
 */
export type Run = RunSpec & { service: string; durationMs: number; start: number };
/** The values an arbitrary generates. */
export type ValueOf<A> = A extends fc.Arbitrary<infer T> ? T : never;
export type Weeks = Map<string, Set<string>>;

const SLOT_MS = 30 * 60_000;
const HOSTS = ['h1', 'h2', 'h3'];
const ENV: Record<string, 'test' | 'prerelease' | 'online'> = {
  'test-build': 'test', 'package-publish': 'test', 'prerelease-deploy': 'prerelease', 'image-build': 'prerelease', 'image-push': 'prerelease',
};

const stageArb = fc.record({
  present: fc.boolean(),
  status: fc.constantFrom('succeeded', 'succeeded', 'succeeded', 'failed', 'skipped'),
  retry: fc.boolean(),
  manual: fc.boolean(),
  host: fc.constantFrom(...HOSTS),
  seconds: fc.integer({ min: 1, max: 25 }),
});
const rolloutArb = fc.record({
  slot: fc.integer({ min: 0, max: 3 * 7 * 48 - 1 }),
  service: fc.constantFrom('svc-a', 'svc-b'),
  buildHost: fc.constantFrom('pre-1', 'pre-1', 'pre-2'),
  image: fc.constantFrom('own', 'own', 'ghost', 'none'),
  stages: fc.array(stageArb, { minLength: STAGES.length, maxLength: STAGES.length }),
});

/** The runs of generated rollouts, each in its own 30-minute slot after `t0` (its stages a minute apart). */
export function toRuns(t0: number, rollouts: ValueOf<typeof rolloutArb>[]): Run[] {
  return rollouts.flatMap((r) => {
    const id = `r${r.slot}`;
    const image = { own: `${r.service}:${id}`, ghost: `${r.service}:ghost-${id}`, none: null }[r.image];
    return r.stages.flatMap((s, i) => {
      if (!s.present) return [];
      const stage = STAGES[i]!;
      const env = ENV[stage] ?? 'online';
      const build = stage === 'image-build' || stage === 'image-push';
      const attrs = build ? { image: `${r.service}:${id}` } : env === 'online' && image ? { image } : undefined;
      const run = (attempt: number, status: string, offset: number): Run => ({
        rollout: id, service: r.service, stage, attempt, status: status as Run['status'], start: t0 + r.slot * SLOT_MS + i * 60_000 + offset,
        at: new Date(t0 + r.slot * SLOT_MS + i * 60_000 + offset).toISOString(), durationMs: s.seconds * 1000, env,
        host: env === 'prerelease' ? r.buildHost : s.host, manual: s.manual && attempt === 1, attrs, ...(status === 'failed' ? { message: `${stage} failed` } : {}),
      });
      const first = run(1, s.status, 0);
      return s.status === 'failed' && s.retry ? [first, run(2, 'succeeded', 30_000)] : [first];
    });
  });
}

export const rolloutsArb = fc.uniqueArray(rolloutArb, { minLength: 1, maxLength: 60, selector: (r) => r.slot });

function add(weeks: Weeks, day: string, subject: string): void {
  const week = isoWeekOfDay(day);
  weeks.set(week, (weeks.get(week) ?? new Set()).add(subject));
}
const groupBy = <T>(list: T[], key: (t: T) => string) => {
  const map = new Map<string, T[]>();
  for (const t of list) map.set(key(t), [...(map.get(key(t)) ?? []), t]);
  return map;
};

/** Rollout rules: a rollout breaks in the week of its day (of its first run). */
export function rolloutWeeks(runs: Run[], tz: string, breaks: (runs: Run[]) => boolean): Weeks {
  const weeks: Weeks = new Map();
  for (const [id, list] of groupBy(runs, (r) => r.rollout)) if (breaks(list)) add(weeks, dayInZone(Math.min(...list.map((r) => r.start)), tz), id);
  return weeks;
}
export const manualCount = (list: Run[]) => list.filter((r) => r.manual).length;
export const steps = (list: Run[]) => new Set(list.filter((r) => r.status !== 'skipped').map((r) => r.stage)).size;

/** fixed-prerelease-host: builds on another host than the service's first successful build, after it. */
export function buildHostWeeks(runs: Run[], tz: string): Weeks {
  const weeks: Weeks = new Map();
  for (const [service, builds] of groupBy(runs.filter((r) => r.stage === 'image-build' && r.status === 'succeeded'), (r) => r.service)) {
    const first = builds.reduce((a, b) => (b.start < a.start ? b : a));
    for (const b of builds) if (b.host !== first.host && b.start > first.start) add(weeks, dayInZone(b.start, tz), service);
  }
  return weeks;
}

/** image-provenance: an online rollout's image never built, built off the fixed host, or not pushed before it ran. */
export function provenanceWeeks(runs: Run[], tz: string): Weeks {
  const weeks: Weeks = new Map();
  const ok = runs.filter((r) => r.status === 'succeeded');
  const firstOf = (stage: string, pick: (r: Run) => boolean) => ok.filter((r) => r.stage === stage && pick(r)).sort((a, b) => a.start - b.start)[0];
  for (const list of groupBy(runs.filter((r) => r.env === 'online' && r.attrs?.image), (r) => `${r.rollout} ${r.attrs!.image}`).values()) {
    const use = list.reduce((a, b) => (b.start < a.start ? b : a));
    const image = use.attrs!.image;
    const built = firstOf('image-build', (r) => r.attrs?.image === image);
    const fixed = firstOf('image-build', (r) => r.service === use.service);
    const pushed = firstOf('image-push', (r) => r.attrs?.image === image);
    if (!built || (fixed && built.host !== fixed.host) || !pushed || pushed.start > use.start) add(weeks, dayInZone(use.start, tz), use.service);
  }
  return weeks;
}

/** mixed-host: each day a host started a run that came within the overlap of the other environment's work. */
export function mixedHostWeeks(runs: Run[], tz: string, overlapMinutes: number, days?: Map<string, Set<string>>): Weeks {
  const weeks: Weeks = new Map();
  const slack = overlapMinutes * 60_000;
  const work = runs.filter((r) => r.env === 'test' || r.env === 'online');
  for (const r of work) {
    const clash = work.some((x) => x.host === r.host && x.env !== r.env && x.start <= r.start + r.durationMs + slack && x.start + x.durationMs + slack >= r.start);
    if (!clash) continue;
    add(weeks, dayInZone(r.start, tz), r.host!);
    days?.set(r.host!, (days.get(r.host!) ?? new Set()).add(dayInZone(r.start, tz)));
  }
  return weeks;
}

/** Stage rules: each day (up to `lastDay`) whose window of `windowDays` breaks, judged from the runs of those days. */
export function stageWeeks(runs: Run[], tz: string, o: { windowDays: number; lastDay: string; breaks: (window: Run[]) => boolean; days?: Map<string, Set<string>> }): Weeks {
  const weeks: Weeks = new Map();
  for (const [stage, list] of groupBy(runs, (r) => r.stage)) {
    const byDay = groupBy(list, (r) => dayInZone(r.start, tz));
    const first = [...byDay.keys()].sort()[0]!;
    for (const day of daysBetween(first, o.lastDay)) {
      const window = daysBetween(addDays(day, -(o.windowDays - 1)), day).flatMap((d) => byDay.get(d) ?? []);
      if (!o.breaks(window)) continue;
      add(weeks, day, stage);
      o.days?.set(stage, (o.days.get(stage) ?? new Set()).add(day));
    }
  }
  return weeks;
}

export const successFloorBreaks = (floor: number, minAttempts: number) => (window: Run[]) => {
  const s = window.filter((r) => r.status === 'succeeded').length;
  const f = window.filter((r) => r.status === 'failed').length;
  return s + f >= minAttempts && s / (s + f) < floor;
};
export const durationBreaks = (p: number, limitMs: number, minRuns: number) => (window: Run[]) => {
  const d = window.filter((r) => r.status === 'succeeded').map((r) => r.durationMs).sort((a, b) => a - b);
  // Nearest rank.
  return d.length >= minRuns && d[Math.max(0, Math.ceil(p * d.length) - 1)]! > limitMs;
};
