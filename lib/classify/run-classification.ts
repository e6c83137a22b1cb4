import type { Db } from '../db';
import { inList } from '../sql';
import { applyClassRules, gatherClassFacts, refreshClassStats } from './class-facts';
import type { TemplateMiner } from './miner';
import { loadMiner, saveMiner } from './miner-store';
import type { CategoryConfig, RoutingConfig } from './rules';

type Tx = Parameters<Parameters<Db['prisma']['$transaction']>[0]>[0];
export type ClassificationResult = { events: number; classesCreated: number; classesMerged: number; classesUpdated: number; reopened: number; seconds: number };

// Unclassified events are read in pages of this many, so memory stays flat on a large backlog.
const PAGE = 5000;

/**
 * Classifies every error event not classified yet: the template miner (with all it learned before)
 * gives each message a cluster, each cluster is an error class (created when new, merged when the
 * miner widened one template into another), then every class's figures, category and owner are
 * brought up to date. Manual decisions made in triage are kept (see class-facts.ts). One
 * transaction, so the saved miner and the classes always agree.
 */
export async function runClassification(deps: { db: Db; categories: CategoryConfig; routing: RoutingConfig; now?: Date }): Promise<ClassificationResult> {
  const started = Date.now();
  const now = deps.now ?? new Date();
  return deps.db.prisma.$transaction(
    async (tx) => {
      const miner = await loadMiner({ prisma: tx });
      const learned = await learnPending(tx, miner);
      miner.consolidate();
      const classes = await syncClasses(tx, miner, [...new Set(learned.map((l) => l.cluster))]);
      await assignEvents(deps.db.kind, tx, miner, classes.byKey, learned);
      const facts = await gatherClassFacts(tx);
      const touched = await refreshClassStats(tx, facts);
      const rules = await applyClassRules(tx, facts, { categories: deps.categories, routing: deps.routing, now });
      await saveMiner(tx, miner);
      return { events: learned.length, classesCreated: classes.created, classesMerged: classes.merged, classesUpdated: touched + rules.updated, reopened: rules.reopened, seconds: (Date.now() - started) / 1000 };
    },
    { timeout: 600_000, maxWait: 60_000 },
  );
}

type Learned = { eventId: number; cluster: number };

async function learnPending(tx: Tx, miner: TemplateMiner): Promise<Learned[]> {
  const learned: Learned[] = [];
  for (let after = 0; ; ) {
    const page = await tx.errorEvent.findMany({ where: { errorClassId: null, id: { gt: after } }, select: { id: true, message: true }, orderBy: { id: 'asc' }, take: PAGE });
    for (const e of page) learned.push({ eventId: e.id, cluster: miner.add(e.message) });
    if (page.length < PAGE) return learned;
    after = page.at(-1)!.id;
  }
}

/**
 * Makes the classes match the miner: one per live cluster; a class whose cluster was merged away
 * is merged into the class of the surviving cluster (its events follow). Returns class ids by key.
 */
async function syncClasses(tx: Tx, miner: TemplateMiner, seen: number[]): Promise<{ byKey: Map<string, number>; created: number; merged: number }> {
  const existing = await tx.errorClass.findMany({ select: { id: true, key: true, template: true, mergedIntoId: true } });
  const byKey = new Map(existing.map((c) => [c.key, c]));
  let created = 0;
  let merged = 0;
  const ensure = async (clusterId: number) => {
    const cluster = miner.getCluster(clusterId)!;
    const key = String(cluster.id);
    const template = cluster.tokens.join(' ');
    const found = byKey.get(key);
    if (found) {
      if (found.template !== template) await tx.errorClass.update({ where: { id: found.id }, data: { template } });
      return found.id;
    }
    const made = await tx.errorClass.create({ data: { key, template }, select: { id: true, key: true, template: true, mergedIntoId: true } });
    byKey.set(key, made);
    created += 1;
    return made.id;
  };
  for (const clusterId of seen) await ensure(clusterId);
  for (const c of existing) {
    const survivor = miner.resolve(Number(c.key));
    if (survivor === Number(c.key) || c.mergedIntoId !== null) continue;
    const target = await ensure(survivor);
    await tx.errorClass.update({ where: { id: c.id }, data: { mergedIntoId: target, status: 'merged' } });
    await tx.errorEvent.updateMany({ where: { errorClassId: c.id }, data: { errorClassId: target } });
    await tx.classDecision.create({ data: { classId: c.id, kind: 'merge', value: { into: target, by: 'template' }, actor: 'rollscope' } });
    merged += 1;
  }
  return { byKey: new Map([...byKey].map(([k, v]) => [k, v.id])), created, merged };
}

/** The class an event of this cluster belongs to, following merges made in triage. */
async function finalClass(tx: Tx, classId: number, cache: Map<number, number>): Promise<number> {
  const cached = cache.get(classId);
  if (cached !== undefined) return cached;
  let current = classId;
  for (let hops = 0; hops < 100; hops += 1) {
    const row = await tx.errorClass.findUniqueOrThrow({ where: { id: current }, select: { mergedIntoId: true } });
    if (row.mergedIntoId === null) break;
    current = row.mergedIntoId;
  }
  cache.set(classId, current);
  return current;
}

async function assignEvents(kind: Db['kind'], tx: Tx, miner: TemplateMiner, byKey: Map<string, number>, learned: Learned[]): Promise<void> {
  const byClass = new Map<number, number[]>();
  const cache = new Map<number, number>();
  for (const { eventId, cluster } of learned) {
    const classId = await finalClass(tx, byKey.get(String(miner.resolve(cluster)))!, cache);
    const ids = byClass.get(classId);
    if (ids) ids.push(eventId);
    else byClass.set(classId, [eventId]);
  }
  for (const [classId, ids] of byClass) {
    for (let i = 0; i < ids.length; i += 500) {
      const chunk = ids.slice(i, i + 500);
      const placeholders = inList(kind, chunk.length).replace(/\$(\d+)/g, (_, n: string) => `$${Number(n) + 1}`);
      await tx.$executeRawUnsafe(`UPDATE "ErrorEvent" SET "errorClassId" = ${kind === 'sqlite' ? '?' : '$1'} WHERE "id" IN (${placeholders})`, classId, ...chunk);
    }
  }
}
