import type { Db } from '../db';
import { inList } from '../sql';
import { refreshClassDays, type ClassDayKey } from './class-days';
import { moveClassFacets } from './class-facets';
import { addToClassStats, applyClassRules, gatherClassFacts, refreshClassStats, type ClassAddition } from './class-facts';
import { compileRule, firstMatch, matchOf, type CompiledRule } from './class-rules';
import type { TemplateMiner } from './miner';
import { loadMiner, rememberMiner, saveMiner } from './miner-store';
import { attrsOf, loadMergeTargets } from './reclassify';
import type { CategoryConfig, RoutingConfig } from './rules';

type Tx = Parameters<Parameters<Db['prisma']['$transaction']>[0]>[0];
export type ClassificationResult = { events: number; classesCreated: number; classesMerged: number; classesUpdated: number; reopened: number; seconds: number };

// Unclassified events are read in pages of this many, so memory stays flat on a large backlog.
const PAGE = 5000;
const NOTHING: ClassificationResult = { events: 0, classesCreated: 0, classesMerged: 0, classesUpdated: 0, reopened: 0, seconds: 0 };

export type ClassificationDeps = {
  db: Db;
  categories: CategoryConfig;
  routing: RoutingConfig;
  now?: Date;
  /**
   * `touched` (classification at ingest): only the classes that got events or merges are brought
   * up to date. `all` (the weekly run): every class is — so a change of the category or routing
   * rules reaches classes that saw nothing new.
   */
  refresh?: 'touched' | 'all';
};

/**
 * Classifies every error event not classified yet: the template miner (with all it learned before)
 * gives each message a cluster, each cluster is an error class (created when new, merged when the
 * miner widened one template into another); the first class rule that matches an event wins over
 * its cluster's class. Then the classes' figures, categories and owners are brought up to date.
 * Manual decisions made in triage are kept (see class-facts.ts). One transaction, so the saved
 * miner and the classes always agree. Callers hold the classifier's lease (classifier-lease.ts).
 */
export async function runClassification(deps: ClassificationDeps): Promise<ClassificationResult> {
  const started = Date.now();
  const now = deps.now ?? new Date();
  const result = await deps.db.prisma.$transaction(
    async (tx) => {
      const miner = await loadMiner(deps.db, tx);
      const rules = (await tx.classRule.findMany({ orderBy: [{ position: 'asc' }, { id: 'asc' }] })).map((r) => compileRule({ id: r.id, classId: r.classId, match: matchOf(r) }));
      const learned = await learnPending(tx, miner, rules.some((r) => r.needsAttrs));
      // After an ingestion without failures there is nothing to do (and the miner need not be saved).
      if (learned.length === 0 && deps.refresh === 'touched') return { ...NOTHING, seconds: (Date.now() - started) / 1000 };
      miner.consolidate();
      const classes = await syncClasses(deps.db.kind, tx, miner, [...new Set(learned.map((l) => l.cluster))]);
      const { assigned, keys } = await assignEvents(deps.db.kind, tx, { miner, byKey: classes.byKey, rules, learned });
      // The per-class-per-day rollup, of the events the merges moved and of those assigned (which only add to their keys).
      await refreshClassDays(deps.db.kind, tx, classes.moved);
      await refreshClassDays(deps.db.kind, tx, keys, { added: true });
      const { updated, reopened } = await refreshClasses(tx, { ...deps, now }, { assigned, created: classes.createdIds, merged: classes.touched });
      await saveMiner(deps.db, tx, miner);
      return { events: learned.length, classesCreated: classes.created, classesMerged: classes.merged, classesUpdated: updated, reopened, seconds: (Date.now() - started) / 1000 };
    },
    { timeout: 600_000, maxWait: 600_000 },
  );
  rememberMiner(deps.db);
  return result;
}

type Learned = { eventId: number; cluster: number; message: string; stageKey: string; code: string | null; service: string; occurredAt: Date; day: string; rolloutId: string; attrs: unknown };

/**
 * Brings the classes up to date after a pass: every class (`all`), or only new classes and merge
 * targets in full, and the other classes that got events by adding the new events to their figures.
 */
async function refreshClasses(tx: Tx, deps: ClassificationDeps & { now: Date }, changed: { assigned: Map<number, ClassAddition>; created: number[]; merged: number[] }): Promise<{ updated: number; reopened: number }> {
  const opts = { categories: deps.categories, routing: deps.routing, now: deps.now };
  if (deps.refresh !== 'touched') {
    const facts = await gatherClassFacts(tx);
    const stats = await refreshClassStats(tx, facts);
    const ruled = await applyClassRules(tx, facts, opts);
    return { updated: stats + ruled.updated, reopened: ruled.reopened };
  }
  const full = [...new Set([...changed.created, ...changed.merged])];
  const facts = await gatherClassFacts(tx, full);
  const stats = await refreshClassStats(tx, facts, full);
  const ruled = await applyClassRules(tx, facts, opts, full);
  const fullSet = new Set(full);
  const added = await addToClassStats(tx, new Map([...changed.assigned].filter(([id]) => !fullSet.has(id))));
  return { updated: stats + ruled.updated + added.updated, reopened: ruled.reopened + added.reopened };
}

/** The events not classified yet, each learned by the miner; their stage run's attributes only when a rule needs them. */
async function learnPending(tx: Tx, miner: TemplateMiner, withAttrs: boolean): Promise<Learned[]> {
  const learned: Learned[] = [];
  for (let after = 0; ; ) {
    const page = await tx.errorEvent.findMany({
      where: { errorClassId: null, id: { gt: after } },
      select: { id: true, message: true, stageKey: true, code: true, service: true, occurredAt: true, day: true, rolloutId: true, ...(withAttrs ? { stageRun: { select: { attrs: true } } } : {}) },
      orderBy: { id: 'asc' },
      take: PAGE,
    });
    for (const e of page) {
      const attrs = 'stageRun' in e ? (e.stageRun as { attrs: unknown }).attrs : null;
      learned.push({ eventId: e.id, cluster: miner.add(e.message), message: e.message, stageKey: e.stageKey, code: e.code, service: e.service, occurredAt: e.occurredAt, day: e.day, rolloutId: e.rolloutId, attrs });
    }
    if (page.length < PAGE) return learned;
    after = page.at(-1)!.id;
  }
}

/**
 * Makes the classes match the miner: one per live cluster; a class whose cluster was merged away
 * is merged into the class of the surviving cluster (the events it holds for the miner follow;
 * those a class rule holds stay). Returns class ids by key, the classes merges touched and where
 * the events they moved were counted and are counted now (for the rollup, class-days.ts).
 */
async function syncClasses(kind: Db['kind'], tx: Tx, miner: TemplateMiner, seen: number[]): Promise<{ byKey: Map<string, number>; created: number; createdIds: number[]; merged: number; touched: number[]; moved: ClassDayKey[] }> {
  const existing = await tx.errorClass.findMany({ where: { rule: { is: null } }, select: { id: true, key: true, template: true, mergedIntoId: true } });
  const byKey = new Map(existing.map((c) => [c.key, c]));
  let created = 0;
  let merged = 0;
  const touched: number[] = [];
  const createdIds: number[] = [];
  const moved: ClassDayKey[] = [];
  const ensure = async (clusterId: number) => {
    const cluster = miner.getCluster(clusterId)!;
    const key = String(cluster.id);
    const template = cluster.tokens.join(' ');
    const found = byKey.get(key);
    if (found) {
      if (found.template !== template) await tx.errorClass.update({ where: { id: found.id }, data: { template } });
      return found.id;
    }
    // A class whose cluster the miner forgot (memory is bounded) takes the template's new cluster: no fork.
    const orphan = existing.find((c) => c.template === template && c.mergedIntoId === null && /^\d+$/.test(c.key) && !miner.getCluster(Number(c.key)));
    if (orphan) {
      byKey.delete(orphan.key);
      const adopted = { ...orphan, key };
      await tx.errorClass.update({ where: { id: orphan.id }, data: { key } });
      byKey.set(key, adopted);
      return orphan.id;
    }
    const made = await tx.errorClass.create({ data: { key, template }, select: { id: true, key: true, template: true, mergedIntoId: true } });
    byKey.set(key, made);
    created += 1;
    createdIds.push(made.id);
    return made.id;
  };
  for (const clusterId of seen) await ensure(clusterId);
  for (const c of existing) {
    if (!/^\d+$/.test(c.key)) continue;
    const survivor = miner.resolve(Number(c.key));
    if (survivor === Number(c.key) || c.mergedIntoId !== null) continue;
    const target = await ensure(survivor);
    await tx.errorClass.update({ where: { id: c.id }, data: { mergedIntoId: target, status: 'merged' } });
    const leaving = await tx.errorEvent.groupBy({ by: ['day', 'rolloutId'], where: { errorClassId: c.id, ruleId: null } });
    for (const { day, rolloutId } of leaving) moved.push({ classId: c.id, day, rolloutId }, { classId: target, day, rolloutId });
    await moveClassFacets(kind, tx, { where: '"errorClassId" = ? AND "ruleId" IS NULL', args: [c.id] }, target);
    await tx.errorEvent.updateMany({ where: { errorClassId: c.id, ruleId: null }, data: { errorClassId: target } });
    await tx.errorEvent.updateMany({ where: { minerClassId: c.id }, data: { minerClassId: target } });
    await tx.classDecision.create({ data: { classId: c.id, kind: 'merge', value: { into: target, by: 'template' }, actor: 'rollscope' } });
    touched.push(c.id, target);
    merged += 1;
  }
  return { byKey: new Map([...byKey].map(([k, v]) => [k, v.id])), created, createdIds, merged, touched, moved };
}

/** Writes each event's class (its rule's, or its miner class's), rule and miner class; returns what each class got and where each event is counted. */
async function assignEvents(kind: Db['kind'], tx: Tx, opts: { miner: TemplateMiner; byKey: Map<string, number>; rules: CompiledRule[]; learned: Learned[] }): Promise<{ assigned: Map<number, ClassAddition>; keys: ClassDayKey[] }> {
  const groups = new Map<string, number[]>();
  const additions = new Map<number, ClassAddition>();
  const keys: ClassDayKey[] = [];
  // Each class's live class (itself, or the end of its chain of merges made in triage), read once per pass.
  const live = await loadMergeTargets(tx);
  const withAttrs = opts.rules.some((r) => r.needsAttrs);
  for (const e of opts.learned) {
    const minerClass = live(opts.byKey.get(String(opts.miner.resolve(e.cluster)))!);
    const rule = firstMatch(opts.rules, { ...e, attrs: withAttrs ? attrsOf(e.attrs) : null });
    const classId = rule ? live(rule.classId) : minerClass;
    const key = `${classId}:${rule?.id ?? ''}:${minerClass}`;
    keys.push({ classId, day: e.day, rolloutId: e.rolloutId });
    const a = additions.get(classId);
    if (!a) additions.set(classId, { n: 1, first: e.occurredAt, last: e.occurredAt });
    else {
      a.n += 1;
      if (e.occurredAt < a.first) a.first = e.occurredAt;
      if (e.occurredAt > a.last) a.last = e.occurredAt;
    }
    const ids = groups.get(key);
    if (ids) ids.push(e.eventId);
    else groups.set(key, [e.eventId]);
  }
  for (const [key, ids] of groups) {
    const [classId, ruleId, minerClass] = key.split(':').map((v) => (v === '' ? null : Number(v)));
    for (let i = 0; i < ids.length; i += 500) {
      const chunk = ids.slice(i, i + 500);
      const placeholders = inList(kind, chunk.length).replace(/\$(\d+)/g, (_, n: string) => `$${Number(n) + 3}`);
      const p = kind === 'sqlite' ? ['?', '?', '?'] : ['$1', '$2', '$3'];
      await moveClassFacets(kind, tx, { where: `"id" IN (${chunk.map(() => '?').join(',')})`, args: chunk }, classId ?? null);
      await tx.$executeRawUnsafe(`UPDATE "ErrorEvent" SET "errorClassId" = ${p[0]}, "ruleId" = ${p[1]}, "minerClassId" = ${p[2]} WHERE "id" IN (${placeholders})`, classId, ruleId, minerClass, ...chunk);
    }
  }
  return { assigned: additions, keys };
}
