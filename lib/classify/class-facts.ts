import type { Db } from '../db';
import { categorize, route, RulesConfigError, type CategoryConfig, type RoutingConfig } from './rules';

type Tx = Parameters<Parameters<Db['prisma']['$transaction']>[0]>[0];

/** A live class's figures over all its events, and the values most of its events share. */
export type ClassFact = { count: number; first: Date | null; last: Date | null; stage: string | null; service: string | null; code: string | null };

function dominant<K extends string>(rows: ({ errorClassId: number | null; _count: { _all: number } } & Record<K, string | null>)[], field: K): Map<number, string | null> {
  const best = new Map<number, { value: string | null; n: number }>();
  for (const row of rows) {
    if (row.errorClassId === null) continue;
    const seen = best.get(row.errorClassId);
    if (!seen || row._count._all > seen.n) best.set(row.errorClassId, { value: row[field], n: row._count._all });
  }
  return new Map([...best].map(([id, v]) => [id, v.value]));
}

// Classes per query when a scope is given: well below either database's limit on bound parameters.
const SCOPE_CHUNK = 500;

/** Runs `read` for all classes (scope undefined) or for the scope's classes, a chunk at a time. */
async function perScope<T>(scope: readonly number[] | undefined, read: (where: { errorClassId: { not: null } | { in: number[] } }) => Promise<T[]>): Promise<T[]> {
  if (scope === undefined) return read({ errorClassId: { not: null } });
  const out: T[] = [];
  for (let i = 0; i < scope.length; i += SCOPE_CHUNK) out.push(...(await read({ errorClassId: { in: scope.slice(i, i + SCOPE_CHUNK) } })));
  return out;
}

/** Counts, first/last seen and dominant stage, service and code of every class (or of the classes in `scope`), from its events. */
export async function gatherClassFacts(tx: Tx, scope?: readonly number[]): Promise<Map<number, ClassFact>> {
  const [totals, stages, services, codes] = await Promise.all([
    perScope(scope, (where) => tx.errorEvent.groupBy({ by: ['errorClassId'], where, _count: { _all: true }, _min: { occurredAt: true }, _max: { occurredAt: true } })),
    perScope(scope, (where) => tx.errorEvent.groupBy({ by: ['errorClassId', 'stageKey'], where, _count: { _all: true } })),
    perScope(scope, (where) => tx.errorEvent.groupBy({ by: ['errorClassId', 'service'], where, _count: { _all: true } })),
    perScope(scope, (where) => tx.errorEvent.groupBy({ by: ['errorClassId', 'code'], where, _count: { _all: true } })),
  ]);
  const stage = dominant(stages, 'stageKey');
  const service = dominant(services, 'service');
  const code = dominant(codes, 'code');
  const facts = new Map<number, ClassFact>();
  for (const t of totals) {
    if (t.errorClassId === null) continue;
    const id = t.errorClassId;
    facts.set(id, { count: t._count._all, first: t._min.occurredAt, last: t._max.occurredAt, stage: stage.get(id) ?? null, service: service.get(id) ?? null, code: code.get(id) ?? null });
  }
  return facts;
}

/** The live classes (of the scope, when given). */
function liveClasses<S extends object>(tx: Tx, scope: readonly number[] | undefined, select: S) {
  return perIds(scope, (ids) => tx.errorClass.findMany({ where: { mergedIntoId: null, ...(ids ? { id: { in: ids } } : {}) }, select }));
}

async function perIds<T>(scope: readonly number[] | undefined, read: (ids: number[] | undefined) => Promise<T[]>): Promise<T[]> {
  if (scope === undefined) return read(undefined);
  const out: T[] = [];
  for (let i = 0; i < scope.length; i += SCOPE_CHUNK) out.push(...(await read(scope.slice(i, i + SCOPE_CHUNK))));
  return out;
}

/** The expired figures of a live class: its own and those of the classes merged into it. */
type ExpiredFacts = { count: number; first: Date | null; last: Date | null };

/**
 * The error events retention deleted (lib/retention/expired-events.ts), per live class: a merged
 * class's go to the class it was merged into (its events went there too), following merges of merges.
 */
async function gatherExpired(tx: Tx): Promise<Map<number, ExpiredFacts>> {
  const expired = await tx.errorClass.findMany({
    where: { expiredEvents: { gt: 0 } },
    select: { id: true, mergedIntoId: true, expiredEvents: true, expiredFirst: true, expiredLast: true },
  });
  const out = new Map<number, ExpiredFacts>();
  if (expired.length === 0) return out;
  const merged = await tx.errorClass.findMany({ where: { mergedIntoId: { not: null } }, select: { id: true, mergedIntoId: true } });
  const into = new Map(merged.map((m) => [m.id, m.mergedIntoId!]));
  for (const c of expired) {
    let root = c.id;
    for (let hops = 0; into.has(root) && hops < into.size; hops += 1) root = into.get(root)!;
    const e = out.get(root) ?? { count: 0, first: null, last: null };
    e.count += c.expiredEvents;
    if (c.expiredFirst && (!e.first || c.expiredFirst < e.first)) e.first = c.expiredFirst;
    if (c.expiredLast && (!e.last || c.expiredLast > e.last)) e.last = c.expiredLast;
    out.set(root, e);
  }
  return out;
}

const earlier = (a: Date | null, b: Date | null) => (a && b ? (a < b ? a : b) : (a ?? b));
const later = (a: Date | null, b: Date | null) => (a && b ? (a > b ? a : b) : (a ?? b));

/**
 * Writes the figures of classes (all, or the scope's) whose figures changed; returns how many. The
 * figures are those of the stored events plus those retention deleted, so they never drop.
 */
export async function refreshClassStats(tx: Tx, facts: Map<number, ClassFact>, scope?: readonly number[]): Promise<number> {
  const select = { id: true, eventCount: true, firstSeen: true, lastSeen: true, dominantStage: true };
  const classes = await liveClasses(tx, scope, select);
  const expired = await gatherExpired(tx);
  let updated = 0;
  for (const c of classes) {
    const stored = facts.get(c.id) ?? { count: 0, first: null, last: null, stage: null };
    const gone = expired.get(c.id) ?? { count: 0, first: null, last: null };
    // With every event expired, the dominant stage is the one last computed from them.
    const stage = stored.count === 0 && gone.count > 0 ? c.dominantStage : stored.stage;
    const f = { count: stored.count + gone.count, first: earlier(stored.first, gone.first), last: later(stored.last, gone.last), stage };
    const same = c.firstSeen?.getTime() === f.first?.getTime() && c.lastSeen?.getTime() === f.last?.getTime();
    if (c.eventCount === f.count && same && c.dominantStage === f.stage) continue;
    await tx.errorClass.update({ where: { id: c.id }, data: { eventCount: f.count, firstSeen: f.first, lastSeen: f.last, dominantStage: f.stage } });
    updated += 1;
  }
  return updated;
}

/**
 * Brings categories and owners of every live class in line with the rules — except what a person
 * decided in triage (categorySource / ownerSource "manual") — and reopens resolved classes that
 * were seen again after their resolution (a regression).
 */
export async function applyClassRules(tx: Tx, facts: Map<number, ClassFact>, opts: { categories: CategoryConfig; routing: RoutingConfig; now: Date }, scope?: readonly number[]): Promise<{ updated: number; reopened: number }> {
  const owners = new Map((await tx.owner.findMany({ select: { id: true, kind: true } })).map((o) => [o.id, o.kind]));
  opts.routing.rules.forEach((rule, i) => {
    if (owners.get(rule.owner) !== 'team') throw new RulesConfigError(`routing rules.${i}.owner: "${rule.owner}" is not a team of the chain config`);
    if (rule.assignee && owners.get(rule.assignee) !== 'person') throw new RulesConfigError(`routing rules.${i}.assignee: "${rule.assignee}" is not a person of the chain config`);
  });
  const stageOwners = new Map((await tx.stage.findMany({ select: { key: true, ownerId: true } })).map((s) => [s.key, s.ownerId]));
  const classes = await perIds(scope, (ids) => tx.errorClass.findMany({ where: { mergedIntoId: null, ...(ids ? { id: { in: ids } } : {}) } }));
  let updated = 0;
  let reopened = 0;
  for (const c of classes) {
    const f = facts.get(c.id);
    const data: Record<string, unknown> = {};
    const base = { template: c.template, stage: f?.stage ?? null, service: f?.service ?? null, code: f?.code ?? null };
    const category = c.categorySource === 'manual' ? { category: c.category, rule: c.categoryRule } : categorize(opts.categories, base);
    if (c.categorySource !== 'manual' && (category.category !== c.category || category.rule !== c.categoryRule)) Object.assign(data, { category: category.category, categoryRule: category.rule });
    if (c.ownerSource !== 'manual') {
      const attrs = await latestAttrs(tx, c.id);
      const owner = route(opts.routing, { ...base, category: category.category, attrs }, base.stage ? (stageOwners.get(base.stage) ?? null) : null);
      if (owner.owner !== c.ownerId || owner.assignee !== c.assigneeId || owner.rule !== c.ownerRule) Object.assign(data, { ownerId: owner.owner, assigneeId: owner.assignee, ownerRule: owner.rule });
    }
    if (c.status === 'resolved' && c.resolvedAt && f?.last && f.last > c.resolvedAt) {
      data.status = 'open';
      reopened += 1;
      await tx.classDecision.create({ data: { classId: c.id, kind: 'status', value: { status: 'open', reason: 'regressed', seenAt: f.last.toISOString() }, actor: 'rollscope' } });
    }
    if (Object.keys(data).length === 0) continue;
    await tx.errorClass.update({ where: { id: c.id }, data });
    updated += 1;
  }
  return { updated, reopened };
}

async function latestAttrs(tx: Tx, classId: number): Promise<Record<string, string | number>> {
  const latest = await tx.errorEvent.findFirst({ where: { errorClassId: classId }, orderBy: { occurredAt: 'desc' }, select: { stageRun: { select: { attrs: true } } } });
  const attrs = latest?.stageRun.attrs;
  return attrs && typeof attrs === 'object' && !Array.isArray(attrs) ? (attrs as Record<string, string | number>) : {};
}

/** New events of a class found by one classification pass: how many, and their first and last times. */
export type ClassAddition = { n: number; first: Date; last: Date };

/**
 * Adds a pass's new events to their classes' figures without reading the classes' history (the
 * classification after each ingestion must not grow with it): count, first and last seen; a
 * resolved class seen again after its resolution is reopened (a regression). The dominant stage,
 * category and owner stay until the weekly run brings every class up to date.
 */
export async function addToClassStats(tx: Tx, additions: ReadonlyMap<number, ClassAddition>): Promise<{ updated: number; reopened: number }> {
  let reopened = 0;
  const ids = [...additions.keys()];
  const classes = await perIds(ids, (chunk) => tx.errorClass.findMany({ where: { id: { in: chunk! } }, select: { id: true, firstSeen: true, lastSeen: true, status: true, resolvedAt: true } }));
  for (const c of classes) {
    const a = additions.get(c.id)!;
    const regressed = c.status === 'resolved' && c.resolvedAt !== null && a.last > c.resolvedAt;
    await tx.errorClass.update({
      where: { id: c.id },
      data: {
        eventCount: { increment: a.n },
        firstSeen: c.firstSeen && c.firstSeen < a.first ? c.firstSeen : a.first,
        lastSeen: c.lastSeen && c.lastSeen > a.last ? c.lastSeen : a.last,
        ...(regressed ? { status: 'open' } : {}),
      },
    });
    if (regressed) {
      reopened += 1;
      await tx.classDecision.create({ data: { classId: c.id, kind: 'status', value: { status: 'open', reason: 'regressed', seenAt: a.last.toISOString() }, actor: 'rollscope' } });
    }
  }
  return { updated: classes.length, reopened };
}
