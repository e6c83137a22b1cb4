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

/** Counts, first/last seen and dominant stage, service and code of every class, from its events. */
export async function gatherClassFacts(tx: Tx): Promise<Map<number, ClassFact>> {
  const where = { errorClassId: { not: null } };
  const [totals, stages, services, codes] = await Promise.all([
    tx.errorEvent.groupBy({ by: ['errorClassId'], where, _count: { _all: true }, _min: { occurredAt: true }, _max: { occurredAt: true } }),
    tx.errorEvent.groupBy({ by: ['errorClassId', 'stageKey'], where, _count: { _all: true } }),
    tx.errorEvent.groupBy({ by: ['errorClassId', 'service'], where, _count: { _all: true } }),
    tx.errorEvent.groupBy({ by: ['errorClassId', 'code'], where, _count: { _all: true } }),
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

/** Writes the figures of classes whose figures changed; returns how many. */
export async function refreshClassStats(tx: Tx, facts: Map<number, ClassFact>): Promise<number> {
  const classes = await tx.errorClass.findMany({ where: { mergedIntoId: null }, select: { id: true, eventCount: true, firstSeen: true, lastSeen: true, dominantStage: true } });
  let updated = 0;
  for (const c of classes) {
    const f = facts.get(c.id) ?? { count: 0, first: null, last: null, stage: null };
    if (c.eventCount === f.count && c.firstSeen?.getTime() === f.first?.getTime() && c.lastSeen?.getTime() === f.last?.getTime() && c.dominantStage === f.stage) continue;
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
export async function applyClassRules(tx: Tx, facts: Map<number, ClassFact>, opts: { categories: CategoryConfig; routing: RoutingConfig; now: Date }): Promise<{ updated: number; reopened: number }> {
  const owners = new Map((await tx.owner.findMany({ select: { id: true, kind: true } })).map((o) => [o.id, o.kind]));
  opts.routing.rules.forEach((rule, i) => {
    if (owners.get(rule.owner) !== 'team') throw new RulesConfigError(`routing rules.${i}.owner: "${rule.owner}" is not a team of the chain config`);
    if (rule.assignee && owners.get(rule.assignee) !== 'person') throw new RulesConfigError(`routing rules.${i}.assignee: "${rule.assignee}" is not a person of the chain config`);
  });
  const stageOwners = new Map((await tx.stage.findMany({ select: { key: true, ownerId: true } })).map((s) => [s.key, s.ownerId]));
  const classes = await tx.errorClass.findMany({ where: { mergedIntoId: null } });
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
