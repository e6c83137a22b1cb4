import { BoundedCache } from './bounded-cache';
import { planMerges, type Merge, type WidenOptions } from './consolidate';
import { MINER_STATE_VERSION, parseMinerState, type MinerState } from './miner-state';
import { TemplateIndex, type Rec } from './template-index';
import { extractParams, renderTemplate } from './template';
import { lex } from './tokenize';

export { MinerStateVersionError, type MinerState } from './miner-state';
export { extractParams } from './template';

export type Cluster = {
  id: number;
  /** The template's words (split at spaces): `tokens.join(' ') === template`. */
  tokens: string[];
  /** The template: the message text with each variable as `<*>`, its punctuation kept. */
  template: string;
  count: number;
};
export type Match = { clusterId: number; template: string; params: string[] };

export type MinerOptions = WidenOptions & {
  /** Clusters kept; beyond it, consolidate() forgets those seen least recently. */
  maxClusters: number;
  /** Messages (and token sequences) remembered for one-lookup learning. */
  cacheSize: number;
  /** Merges remembered for resolve(). */
  maxAliases: number;
};

export const MINER_DEFAULTS: MinerOptions = { minDistinct: 3, enumStates: true, maxClusters: 20_000, cacheSize: 32_768, maxAliases: 100_000 };

// New clusters since the last consolidation that trigger one during learning (memory stays bounded).
const AUTO_WIDEN_AFTER = 4_096;
// Messages and token sequences longer than this are not cached (they would dominate the cache's memory).
const MAX_CACHED_LENGTH = 1_024;

/**
 * An online template miner. Each message is split into tokens that keep its punctuation
 * (tokenize.ts), with variables of an unmistakable form already `<*>`. A message joins the most
 * specific template that matches it, or starts a cluster of its own; consolidate() widens
 * templates by evidence (consolidate.ts). Learning costs one cache lookup for a message seen
 * before, and one index lookup per token otherwise (template-index.ts).
 *
 * Clusters only merge, never split, and a merged cluster keeps the oldest id: ids are stable keys
 * for error classes. Memory is bounded: the caches have a fixed size, the clusters are widened as
 * soon as many new ones appear (and the least recently seen are forgotten beyond `maxClusters`),
 * and only the most recent merges are remembered for resolve().
 */
export class TemplateMiner {
  private nextId = 1;
  private clock = 0;
  private batchStart = 0;
  private createdSinceWiden = 0;
  private liveAfterWiden = 0;
  private readonly recs = new Map<number, Rec>();
  private readonly aliases = new Map<number, number>();
  private readonly index = new TemplateIndex();
  private readonly messages: BoundedCache<string, number>;
  private readonly signatures: BoundedCache<string, number>;

  constructor(private readonly options: MinerOptions = MINER_DEFAULTS) {
    this.messages = new BoundedCache(options.cacheSize);
    this.signatures = new BoundedCache(options.cacheSize);
  }

  /** Learns a message; returns its cluster (before any later consolidation). */
  add(message: string): number {
    this.clock += 1;
    let rec = this.cached(this.messages, message);
    if (!rec) {
      const tokens = lex(message).tokens;
      const signature = tokens.join('\u0001');
      rec = this.cached(this.signatures, signature) ?? this.index.findFit(tokens) ?? this.create(tokens);
      if (signature.length <= MAX_CACHED_LENGTH) this.signatures.set(signature, rec.id);
      if (message.length <= MAX_CACHED_LENGTH) this.messages.set(message, rec.id);
    }
    rec.count += 1;
    rec.seen = this.clock;
    const id = rec.id;
    if (this.createdSinceWiden > Math.max(AUTO_WIDEN_AFTER, this.liveAfterWiden)) this.widen();
    return id;
  }

  /** The cluster of a message without learning from it; null when none fits. */
  match(message: string): Match | null {
    const tokens = lex(message).tokens;
    const rec = this.cached(this.signatures, tokens.join('\u0001')) ?? this.index.findFit(tokens);
    if (!rec) return null;
    const template = renderTemplate(rec.tokens);
    return { clusterId: rec.id, template, params: extractParams(template, message) };
  }

  /** The surviving cluster id for an id that may have been merged away. */
  resolve(id: number): number {
    let current = id;
    // At most one hop per alias: a corrupted saved state with a cycle cannot loop forever.
    for (let hops = 0; hops <= this.aliases.size; hops += 1) {
      const next = this.aliases.get(current);
      if (next === undefined) break;
      current = next;
    }
    return current;
  }

  getCluster(id: number): Cluster | undefined {
    const rec = this.recs.get(this.resolve(id));
    return rec && view(rec);
  }

  listClusters(): Cluster[] {
    return [...this.recs.values()].map(view);
  }

  /**
   * Widens templates by evidence (consolidate.ts) until nothing more merges; then forgets the
   * clusters seen least recently beyond `maxClusters` (never one seen since the last call).
   * Returns the number of clusters merged away.
   */
  consolidate(): number {
    this.pruneAliases();
    const merged = this.widen();
    this.evict();
    this.batchStart = this.clock;
    return merged;
  }

  private widen(): number {
    let merged = 0;
    for (let round = 0; round < 10; round += 1) {
      const made = this.apply(planMerges([...this.recs.values()], this.options));
      merged += made;
      if (made === 0) break;
    }
    this.createdSinceWiden = 0;
    this.liveAfterWiden = this.recs.size;
    return merged;
  }

  private apply(merges: Merge[]): number {
    let made = 0;
    for (const m of merges) {
      const keep = this.recs.get(m.ids[0]!)!;
      this.index.remove(keep);
      keep.tokens = m.tokens;
      for (const id of m.ids.slice(1)) {
        const gone = this.recs.get(id)!;
        keep.count += gone.count;
        keep.seen = Math.max(keep.seen, gone.seen);
        this.index.remove(gone);
        this.recs.delete(id);
        this.aliases.set(id, keep.id);
        made += 1;
      }
      this.index.add(keep);
    }
    return made;
  }

  private pruneAliases(): void {
    for (const id of this.aliases.keys()) {
      if (this.aliases.size <= this.options.maxAliases) break;
      this.aliases.delete(id);
    }
  }

  private evict(): void {
    const excess = this.recs.size - this.options.maxClusters;
    if (excess <= 0) return;
    const old = [...this.recs.values()].filter((r) => r.seen <= this.batchStart).sort((a, b) => a.seen - b.seen).slice(0, excess);
    const gone = new Set(old.map((r) => r.id));
    for (const r of old) {
      this.index.remove(r);
      this.recs.delete(r.id);
    }
    for (const [from, to] of this.aliases) if (gone.has(this.resolve(to))) this.aliases.delete(from);
  }

  private cached(cache: BoundedCache<string, number>, key: string): Rec | undefined {
    const id = cache.get(key);
    return id === undefined ? undefined : this.recs.get(this.resolve(id));
  }

  private create(tokens: string[]): Rec {
    const rec: Rec = { id: this.nextId, tokens, count: 0, seen: this.clock };
    this.nextId += 1;
    this.recs.set(rec.id, rec);
    this.index.add(rec);
    this.createdSinceWiden += 1;
    return rec;
  }

  toJSON(): MinerState {
    const clusters = [...this.recs.values()].map((r) => ({ id: r.id, tokens: [...r.tokens], count: r.count, seen: r.seen }));
    return { version: MINER_STATE_VERSION, nextId: this.nextId, clock: this.clock, clusters, aliases: [...this.aliases] };
  }

  /** A miner from a saved state; a state of another version throws MinerStateVersionError. */
  static fromJSON(state: unknown, options: MinerOptions = MINER_DEFAULTS): TemplateMiner {
    const s = parseMinerState(state);
    const miner = new TemplateMiner(options);
    miner.nextId = s.nextId;
    miner.clock = s.clock;
    miner.batchStart = s.clock;
    for (const c of s.clusters) {
      const rec: Rec = { id: c.id, tokens: c.tokens, count: c.count, seen: c.seen };
      miner.recs.set(rec.id, rec);
      miner.index.add(rec);
    }
    for (const [from, to] of s.aliases) miner.aliases.set(from, to);
    miner.liveAfterWiden = miner.recs.size;
    return miner;
  }
}

function view(rec: Rec): Cluster {
  const template = renderTemplate(rec.tokens);
  return { id: rec.id, tokens: template.split(' '), template, count: rec.count };
}

