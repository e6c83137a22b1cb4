import { getChain } from '../chain/sync';
import type { Db } from '../db';
import { unstorableText } from '../ingest/record';
import { listOpenViolations, listViolationsNamingRollout, type PlaceViolation } from './violations';

/** One attempt of one stage, as ingested, with its error's class. */
export type AttemptView = {
  id: number;
  attempt: number;
  status: string;
  env: string;
  host: string | null;
  startedAt: Date;
  finishedAt: Date | null;
  durationMs: number | null;
  manual: boolean;
  errorMessage: string | null;
  errorCode: string | null;
  errorClass: { id: number; title: string; status: string } | null;
  /** The record's attributes (image, version, region…), as text. */
  attrs: [string, string][];
};

/**
 * A stage of the chain as this rollout went through it: its latest attempt's status; `not-reached`
 * after the furthest stage a failed or unfinished rollout ran; `not-run` for a stage it has no
 * record of otherwise (a shorter chain, or a stage after the end of a succeeded one).
 */
export type StageState = 'succeeded' | 'failed' | 'skipped' | 'not-reached' | 'not-run';
export type StageView = { key: string; name: string; position: number; state: StageState; attempts: AttemptView[] };

/** Why a violation is shown on the rollout page. */
export type RolloutViolation = PlaceViolation & { via: 'rollout' | 'took-part' | 'host' | 'service' };

export type RolloutDetail = {
  rollout: {
    id: string; service: string; env: string; outcome: string; day: string; startedAt: Date; finishedAt: Date | null;
    manualCount: number; stageRuns: number; failedRuns: number; steps: number;
  };
  stages: StageView[];
  /** True when the rollout has more runs than MAX_RUNS: the first ones (by start) are shown. */
  truncated: boolean;
  violations: RolloutViolation[];
};

// Attempts are at most 1,000 per stage at ingest; a page of 2,000 runs is already far beyond any real rollout.
export const MAX_RUNS = 2000;

const runSelect = {
  id: true, stageKey: true, attempt: true, status: true, env: true, host: true, startedAt: true, finishedAt: true, durationMs: true,
  manual: true, errorMessage: true, errorCode: true, attrs: true,
  error: { select: { errorClass: { select: { id: true, name: true, template: true, status: true } } } },
} as const;

function attrsOf(value: unknown): [string, string][] {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return [];
  return Object.entries(value).map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)]);
}

function stateOf(attempts: AttemptView[], position: number, furthest: number, outcome: string): StageState {
  const last = attempts.at(-1);
  if (last) return last.status === 'failed' || last.status === 'skipped' ? last.status : 'succeeded';
  return position > furthest && outcome !== 'succeeded' ? 'not-reached' : 'not-run';
}

/**
 * A rollout's chain in position order, every attempt of every stage (oldest attempt first), and the
 * open violations that name it, its service or one of its hosts. Null for an id that is not stored
 * (any text: ids that cannot be stored, such as one with a NUL, are not looked up).
 */
export async function getRolloutDetail(db: Db, id: string): Promise<RolloutDetail | null> {
  if (id === '' || unstorableText(id) !== null) return null;
  const rollout = await db.prisma.rollout.findUnique({ where: { id } });
  if (!rollout) return null;
  const [chain, runs] = await Promise.all([
    getChain(db),
    db.prisma.stageRun.findMany({
      where: { rolloutId: id }, select: runSelect, orderBy: [{ startedAt: 'asc' }, { id: 'asc' }], take: MAX_RUNS + 1,
    }),
  ]);
  const byStage = new Map<string, AttemptView[]>();
  for (const { stageKey, error, attrs, ...r } of runs.slice(0, MAX_RUNS)) {
    const c = error?.errorClass ?? null;
    const duration = r.durationMs ?? (r.finishedAt ? r.finishedAt.getTime() - r.startedAt.getTime() : null);
    const errorClass = c && { id: c.id, title: c.name ?? c.template, status: c.status };
    const view = { ...r, durationMs: duration, attrs: attrsOf(attrs), errorClass };
    byStage.set(stageKey, [...(byStage.get(stageKey) ?? []), view]);
  }
  const byAttempt = (a: AttemptView, b: AttemptView) => a.attempt - b.attempt || a.startedAt.getTime() - b.startedAt.getTime() || a.id - b.id;
  for (const list of byStage.values()) list.sort(byAttempt);
  const furthest = Math.max(-1, ...chain.stages.filter((s) => byStage.has(s.key)).map((s) => s.position));
  const stages = chain.stages.map((s) => {
    const attempts = byStage.get(s.key) ?? [];
    const state = stateOf(attempts, s.position, furthest, rollout.outcome);
    return { key: s.key, name: s.name, position: s.position, state, attempts };
  });
  const hosts = [...new Set(runs.flatMap((r) => (r.host === null ? [] : [r.host])))];
  const { service, env, outcome, day, startedAt, finishedAt, manualCount, stageRuns, failedRuns, steps } = rollout;
  return {
    rollout: { id, service, env, outcome, day, startedAt, finishedAt, manualCount, stageRuns, failedRuns, steps },
    stages,
    truncated: runs.length > MAX_RUNS,
    violations: await getRolloutViolations(db, { id, service: rollout.service, hosts }),
  };
}

/** The rollout's own violations first, then those it took part in, then its hosts' and its service's; each once. */
async function getRolloutViolations(db: Db, r: { id: string; service: string; hosts: string[] }): Promise<RolloutViolation[]> {
  const subjects = [{ type: 'rollout', ids: [r.id] }, { type: 'host', ids: r.hosts }, { type: 'service', ids: [r.service] }];
  const [own, tookPart] = await Promise.all([
    listOpenViolations(db, subjects),
    listViolationsNamingRollout(db, r.id),
  ]);
  const via = (v: PlaceViolation): RolloutViolation['via'] => (v.subjectType === 'host' ? 'host' : 'service');
  const order = { rollout: 0, 'took-part': 1, host: 2, service: 3 } as const;
  const seen = new Map<number, RolloutViolation>();
  for (const v of own) if (v.subjectType === 'rollout') seen.set(v.id, { ...v, via: 'rollout' });
  for (const v of tookPart) if (!seen.has(v.id)) seen.set(v.id, { ...v, via: 'took-part' });
  for (const v of own) if (!seen.has(v.id)) seen.set(v.id, { ...v, via: via(v) });
  const newest = (a: RolloutViolation, b: RolloutViolation) => b.lastSeen.getTime() - a.lastSeen.getTime() || b.id - a.id;
  return [...seen.values()].sort((a, b) => order[a.via] - order[b.via] || newest(a, b));
}
