import type { Db } from '../db';
import { rebuildClassDays } from './class-days';
import { rebuildClassFacets } from './class-facets';
import { TemplateMiner } from './miner';
import { loadMergeTargets } from './reclassify';

type Tx = Parameters<Parameters<Db['prisma']['$transaction']>[0]>[0];

/**
 * A new miner version cannot read what an older one saved. Class ids must not change with it, so
 * the new miner learns every stored error message again, and each of its clusters is mapped onto
 * the old class that holds most of the cluster's events: that class keeps its id, name, owner,
 * status and history, and takes the new cluster's key and template. A cluster whose events came
 * from classes already taken gets a class of its own (a split, recorded); an old class no cluster
 * took is merged into the class that took most of its events (recorded). Events follow their
 * clusters; events a class rule holds stay where they are.
 */
export type MinerUpgrade = { events: number; classesKept: number; classesCreated: number; classesMerged: number };

const PAGE = 20_000;

export async function upgradeMiner(tx: Tx): Promise<{ miner: TemplateMiner; upgrade: MinerUpgrade }> {
  const miner = new TemplateMiner();
  const learned: { id: number; cluster: number; old: number | null }[] = [];
  for (let after = 0; ; ) {
    const page = await tx.errorEvent.findMany({ where: { id: { gt: after }, minerClassId: { not: null } }, select: { id: true, message: true, minerClassId: true }, orderBy: { id: 'asc' }, take: PAGE });
    for (const e of page) learned.push({ id: e.id, cluster: miner.add(e.message), old: e.minerClassId });
    if (page.length < PAGE) break;
    after = page.at(-1)!.id;
  }
  miner.consolidate();
  const votes = new Map<number, Map<number, number>>();
  const sizes = new Map<number, number>();
  for (const e of learned) {
    const cluster = miner.resolve(e.cluster);
    sizes.set(cluster, (sizes.get(cluster) ?? 0) + 1);
    if (e.old === null) continue;
    const v = votes.get(cluster) ?? new Map<number, number>();
    v.set(e.old, (v.get(e.old) ?? 0) + 1);
    votes.set(cluster, v);
  }
  const { classOf, upgrade } = await mapClusters(tx, miner, votes, sizes);
  // A cluster may take a class merged in triage (its events' miner class): they show in the class it was merged into.
  const live = await loadMergeTargets(tx);
  await moveEvents(tx, learned.map((e) => ({ id: e.id, classId: classOf.get(miner.resolve(e.cluster))! })), live);
  // Any event may have moved: the per-class-per-day rollup is counted again in full (a rare upgrade).
  await rebuildClassDays(tx);
  // Any event may have moved: the per-class facet counts are counted again in full (a rare upgrade).
  await rebuildClassFacets(tx);
  await mergeUnclaimed(tx, learned, classOf, miner, upgrade);
  return { miner, upgrade: { ...upgrade, events: learned.length } };
}

/** Largest clusters first, each takes the old class with most of its events that no cluster took yet. */
async function mapClusters(tx: Tx, miner: TemplateMiner, votes: Map<number, Map<number, number>>, sizes: Map<number, number>) {
  // The new miner numbers its clusters afresh: the old keys step aside first, so no new key meets an old one.
  await tx.$executeRawUnsafe(`UPDATE "ErrorClass" SET "key" = 'old:' || "key" WHERE "key" NOT LIKE 'rule:%' AND "key" NOT LIKE 'old:%'`);
  const classOf = new Map<number, number>();
  const taken = new Set<number>();
  const upgrade = { events: 0, classesKept: 0, classesCreated: 0, classesMerged: 0 };
  const clusters = [...sizes.keys()].sort((a, b) => sizes.get(b)! - sizes.get(a)! || a - b);
  for (const cluster of clusters) {
    const c = miner.getCluster(cluster)!;
    const template = c.tokens.join(' ');
    const best = [...(votes.get(cluster) ?? [])].filter(([old]) => !taken.has(old)).sort((a, b) => b[1] - a[1] || a[0] - b[0])[0]?.[0];
    if (best !== undefined) {
      taken.add(best);
      await tx.errorClass.update({ where: { id: best }, data: { key: String(cluster), template } });
      classOf.set(cluster, best);
      upgrade.classesKept += 1;
      continue;
    }
    const made = await tx.errorClass.create({ data: { key: String(cluster), template } });
    const from = [...(votes.get(cluster)?.keys() ?? [])];
    if (from.length) await tx.classDecision.create({ data: { classId: made.id, kind: 'note', value: { text: `split from class${from.length > 1 ? 'es' : ''} ${from.join(', ')} by a new version of the template miner` }, actor: 'rollscope' } });
    classOf.set(cluster, made.id);
    upgrade.classesCreated += 1;
  }
  return { classOf, upgrade };
}

/** Events take the cluster's class as their miner class, and that class's live class as their class (unless a rule holds them). */
async function moveEvents(tx: Tx, moves: { id: number; classId: number }[], live: (classId: number) => number): Promise<void> {
  const byClass = new Map<number, number[]>();
  for (const m of moves) byClass.set(m.classId, [...(byClass.get(m.classId) ?? []), m.id]);
  for (const [classId, ids] of byClass) {
    for (let i = 0; i < ids.length; i += 500) {
      const chunk = ids.slice(i, i + 500);
      await tx.errorEvent.updateMany({ where: { id: { in: chunk } }, data: { minerClassId: classId } });
      await tx.errorEvent.updateMany({ where: { id: { in: chunk }, ruleId: null }, data: { errorClassId: live(classId) } });
    }
  }
}

/** An old miner class no cluster took: merged into the class that took most of its events. */
async function mergeUnclaimed(tx: Tx, learned: { cluster: number; old: number | null }[], classOf: Map<number, number>, miner: TemplateMiner, upgrade: MinerUpgrade): Promise<void> {
  const kept = new Set(classOf.values());
  const destinations = new Map<number, Map<number, number>>();
  for (const e of learned) {
    if (e.old === null || kept.has(e.old)) continue;
    const to = classOf.get(miner.resolve(e.cluster))!;
    const d = destinations.get(e.old) ?? new Map<number, number>();
    d.set(to, (d.get(to) ?? 0) + 1);
    destinations.set(e.old, d);
  }
  for (const [old, d] of destinations) {
    const into = [...d].sort((a, b) => b[1] - a[1] || a[0] - b[0])[0]![0];
    await tx.errorClass.update({ where: { id: old }, data: { mergedIntoId: into, status: 'merged' } });
    await tx.classDecision.create({ data: { classId: old, kind: 'merge', value: { into, by: 'miner-upgrade' }, actor: 'rollscope' } });
    upgrade.classesMerged += 1;
  }
}
