import { ratio } from '../format';
import { computeNoImpact, type ClassImpact, type ClassToil, type Impact } from './impact';

/** The class ranking of one week (definitions of every figure: README, "Weekly ranking"). */
export type ClassInfo = { id: number; firstSeen: number | null; resolvedAt: number | null };
export type EventFact = { classId: number; rolloutId: string; service: string; stageKey: string; host: string | null; attempt: number; occurredAt: number; message: string; week: 'current' | 'previous' | 'other' };
export type Badge = 'new' | 'regressed' | 'escalating' | 'ongoing';
export type Count = { key: string; n: number };
export type RankedClass = {
  classId: number;
  rank: number;
  badge: Badge;
  /** Among the classes that together make 80% of the week's failures (largest first). */
  in80: boolean;
  failures: number;
  previousFailures: number;
  failedRollouts: number;
  previousFailedRollouts: number;
  affectedRollouts: number;
  services: number;
  hosts: number;
  previousServices: number;
  previousHosts: number;
  firstSeen: number | null;
  lastSeen: number;
  /** What a fix would gain (expected gain, its interval, the rollouts behind it; hidden behind): zero when it blocked nothing; null in rankings stored before it existed. */
  impact: ClassImpact | null;
  /** What retries past it cost (attempts, time, manual retries); null when retries never met it. */
  toil: ClassToil | null;
  /** Place in the week's toil ranking (manual retries, then attempts lost, then time lost). */
  toilRank: number | null;
  /** Observed uplift: failed rollouts of the week whose only failing classes are this one … */
  upliftRollouts: number;
  /** … of this many finished rollouts … */
  upliftOf: number;
  /** … in points of end-to-end success rate. */
  uplift: number;
  byStage: Count[];
  byService: Count[];
  byHost: Count[];
  sample: { message: string; occurredAt: number; rolloutId: string };
};

export type RankingInput = {
  weekStart: number;
  weekEnd: number;
  classes: ClassInfo[];
  /** Events of both weeks (by day), plus every event of the week's failed rollouts. */
  events: EventFact[];
  /** Outcome of every rollout referenced by an event. */
  outcomes: Map<string, string>;
  /** Latest attempt of each stage ("rollout\u0000stage") of the week's failed rollouts. */
  latestAttempt: Map<string, number>;
  /** The week's failed rollouts and its finished ones (succeeded + failed). */
  failedRollouts: string[];
  finishedRollouts: number;
  /** Expected gain and toil per class (lib/rank/impact.ts). */
  impact: Impact;
};

const TOP = 5;

function top(values: Iterable<string>): Count[] {
  const counts = new Map<string, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  return [...counts].map(([key, n]) => ({ key, n })).sort((a, b) => b.n - a.n || a.key.localeCompare(b.key)).slice(0, TOP);
}

/** Rollouts that failed only because of one class: its events are the only ones on a stage's latest attempt. */
function soleCauses(input: RankingInput): Map<number, number> {
  const causes = new Map<string, Set<number>>();
  for (const e of input.events) {
    if (input.latestAttempt.get(`${e.rolloutId}\u0000${e.stageKey}`) !== e.attempt) continue;
    if (!causes.has(e.rolloutId)) causes.set(e.rolloutId, new Set());
    causes.get(e.rolloutId)!.add(e.classId);
  }
  const sole = new Map<number, number>();
  for (const rollout of input.failedRollouts) {
    const classes = causes.get(rollout);
    if (classes?.size !== 1) continue;
    const [only] = classes;
    sole.set(only!, (sole.get(only!) ?? 0) + 1);
  }
  return sole;
}

function badgeOf(c: ClassInfo, events: EventFact[], previousFailures: number, input: RankingInput): Badge {
  if (c.firstSeen !== null && c.firstSeen >= input.weekStart && c.firstSeen < input.weekEnd) return 'new';
  if (c.resolvedAt !== null && events.some((e) => e.occurredAt > c.resolvedAt!)) return 'regressed';
  if (previousFailures > 0 && events.length >= 2 * previousFailures) return 'escalating';
  return 'ongoing';
}


/** Ranks the classes seen in the week: in the fix order, then by observed uplift, then failures; marks the 80% of failures; orders the toil. */
export function computeRanking(input: RankingInput): RankedClass[] {
  const byClass = new Map<number, { current: EventFact[]; previous: EventFact[] }>();
  for (const e of input.events) {
    if (e.week === 'other') continue;
    if (!byClass.has(e.classId)) byClass.set(e.classId, { current: [], previous: [] });
    byClass.get(e.classId)![e.week].push(e);
  }
  const sole = soleCauses(input);
  const failedOf = (events: EventFact[]) => new Set(events.filter((e) => input.outcomes.get(e.rolloutId) === 'failed').map((e) => e.rolloutId)).size;
  const ranked: RankedClass[] = [];
  for (const c of input.classes) {
    const { current = [], previous = [] } = byClass.get(c.id) ?? {};
    if (current.length === 0) continue;
    const last = current.reduce((a, e) => (e.occurredAt > a.occurredAt ? e : a));
    const upliftRollouts = sole.get(c.id) ?? 0;
    ranked.push({
      classId: c.id, rank: 0, badge: badgeOf(c, current, previous.length, input), in80: false,
      failures: current.length, previousFailures: previous.length,
      failedRollouts: failedOf(current), previousFailedRollouts: failedOf(previous),
      affectedRollouts: new Set(current.map((e) => e.rolloutId)).size,
      services: new Set(current.map((e) => e.service)).size, hosts: new Set(current.flatMap((e) => (e.host ? [e.host] : []))).size,
      previousServices: new Set(previous.map((e) => e.service)).size, previousHosts: new Set(previous.flatMap((e) => (e.host ? [e.host] : []))).size,
      firstSeen: c.firstSeen, lastSeen: last.occurredAt,
      impact: input.impact.classes.get(c.id) ?? computeNoImpact(input.impact.finished), toil: input.impact.toil.get(c.id) ?? null, toilRank: null,
      upliftRollouts, upliftOf: input.finishedRollouts, uplift: (ratio(upliftRollouts, input.finishedRollouts) ?? 0) * 100,
      byStage: top(current.map((e) => e.stageKey)), byService: top(current.map((e) => e.service)), byHost: top(current.flatMap((e) => (e.host ? [e.host] : []))),
      sample: { message: last.message, occurredAt: last.occurredAt, rolloutId: last.rolloutId },
    });
  }
  markPareto(ranked);
  const place = new Map(input.impact.order.map((id, i) => [id, i]));
  const placeOf = (r: RankedClass) => place.get(r.classId) ?? Number.MAX_SAFE_INTEGER;
  ranked.sort((a, b) => placeOf(a) - placeOf(b) || b.upliftRollouts - a.upliftRollouts || b.failures - a.failures || a.classId - b.classId);
  ranked.forEach((r, i) => (r.rank = i + 1));
  markToil(ranked);
  return ranked;
}

/** Marks, largest first, the classes whose failures together reach 80% of all failures of the week. */
function markPareto(ranked: RankedClass[]): void {
  const total = ranked.reduce((a, r) => a + r.failures, 0);
  let covered = 0;
  for (const r of [...ranked].sort((a, b) => b.failures - a.failures || a.classId - b.classId)) {
    if (covered >= 0.8 * total) break;
    r.in80 = true;
    covered += r.failures;
  }
}

/** The toil ranking: classes that cost retries, by manual retries, then attempts lost, then time lost. */
function markToil(ranked: RankedClass[]): void {
  const costly = ranked.filter((r) => r.toil !== null && r.toil.attemptsLost > 0);
  costly.sort((a, b) => b.toil!.manual - a.toil!.manual || b.toil!.attemptsLost - a.toil!.attemptsLost || b.toil!.timeLostMs - a.toil!.timeLostMs || a.rank - b.rank);
  costly.forEach((r, i) => (r.toilRank = i + 1));
}
