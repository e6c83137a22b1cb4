import { WILDCARD, tokenize } from './tokenize';

/**
 * An online template miner in the Drain family. Each message is masked and tokenized (tokenize.ts);
 * an exact token sequence is a *signature*, found in one hash lookup, so learning is O(1) per
 * message once its signature is known. Signatures gather into *clusters* (templates):
 *  - a new signature joins a cluster whose template matches it (wildcards match any token, and a
 *    wildcard may also absorb several tokens, so a slightly longer message does not fork);
 *  - consolidate() widens templates by evidence: clusters of the same length that differ at one
 *    position merge when that position is variable — every value there is partly masked, or there
 *    are many distinct values for the lines seen (user names, class names, host names).
 * Clusters only ever merge, never split, and a merged cluster keeps the oldest id: ids are stable
 * keys for error classes. The state serialises to JSON (toJSON/fromJSON) so learning survives restarts.
 */
export type Cluster = { id: number; tokens: string[]; count: number };
export type MinerState = { version: 1; nextId: number; clusters: Cluster[]; signatures: [string, number][]; aliases: [number, number][] };
export type Match = { clusterId: number; template: string; params: string[] };

/**
 * minDistinct: distinct constant values at one position that make it a variable (user names, hosts);
 * fewer are kept apart, as states and event kinds usually are (SCREEN_ON / SCREEN_OFF).
 * maxAbsorb: how many extra tokens a wildcard may absorb when a longer message is matched.
 */
export const MINER_DEFAULTS = { minDistinct: 4, maxAbsorb: 4 };

export class TemplateMiner {
  private nextId = 1;
  private readonly clusters = new Map<number, Cluster>();
  private readonly signatures = new Map<string, number>();
  private readonly aliases = new Map<number, number>();
  private readonly byLength = new Map<number, Set<number>>();

  constructor(private readonly options = MINER_DEFAULTS) {}

  /** Learns a message; returns its cluster (before any later consolidation). */
  add(message: string): number {
    const tokens = tokenize(message);
    const signature = tokens.join(' ');
    const known = this.signatures.get(signature);
    if (known !== undefined) {
      const cluster = this.clusters.get(this.resolve(known))!;
      cluster.count += 1;
      return cluster.id;
    }
    const fit = this.findFit(tokens);
    const cluster = fit ?? this.createCluster(tokens);
    cluster.count += 1;
    this.signatures.set(signature, cluster.id);
    return cluster.id;
  }

  /** The cluster of a message without learning from it; null when none fits. */
  match(message: string): Match | null {
    const tokens = tokenize(message);
    const known = this.signatures.get(tokens.join(' '));
    const cluster = known !== undefined ? this.clusters.get(this.resolve(known))! : this.findFit(tokens);
    if (!cluster) return null;
    return { clusterId: cluster.id, template: cluster.tokens.join(' '), params: extractParams(cluster.tokens, message) };
  }

  /** The surviving cluster id for an id that may have been merged away. */
  resolve(id: number): number {
    let current = id;
    for (let next = this.aliases.get(current); next !== undefined; next = this.aliases.get(current)) current = next;
    return current;
  }

  getCluster(id: number): Cluster | undefined {
    return this.clusters.get(this.resolve(id));
  }

  listClusters(): Cluster[] {
    return [...this.clusters.values()];
  }

  /** Merges clusters whose differences are variables (see the class comment). Returns merges made. */
  consolidate(): number {
    let merges = 0;
    for (const ids of this.byLength.values()) {
      for (let made = 1; made > 0; merges += made) {
        const families = new Map<string, Cluster[]>();
        for (const id of ids) {
          const c = this.clusters.get(id)!;
          const key = anchorOf(c.tokens);
          const family = families.get(key);
          if (family) family.push(c);
          else families.set(key, [c]);
        }
        made = 0;
        for (const family of families.values()) if (family.length > 1) made += this.mergeFamily(family);
      }
    }
    return merges;
  }

  /**
   * Within clusters of one length and anchor (first constant word), finds the variable positions
   * and merges the clusters that differ only there. The anchor itself never varies.
   */
  private mergeFamily(family: Cluster[]): number {
    const length = family[0]!.tokens.length;
    const anchor = anchorIndex(family[0]!.tokens);
    const variable = new Set<number>();
    for (let p = 0; p < length; p += 1) if (p !== anchor && this.isVariable(family.map((c) => c.tokens[p]!))) variable.add(p);
    if (variable.size === 0) return 0;
    const groups = new Map<string, Cluster[]>();
    for (const c of family) {
      const key = c.tokens.map((t, i) => (variable.has(i) ? '' : t)).join('\u0000');
      const group = groups.get(key);
      if (group) group.push(c);
      else groups.set(key, [c]);
    }
    let merges = 0;
    for (const group of groups.values()) if (group.length > 1) merges += this.mergeClusters(group);
    return merges;
  }

  /** Merges clusters into the oldest, which keeps its id; differing positions become wildcards. */
  private mergeClusters(group: Cluster[]): number {
    group.sort((a, b) => a.id - b.id);
    const [keep, ...rest] = group as [Cluster, ...Cluster[]];
    for (const c of rest) {
      c.tokens.forEach((t, i) => {
        if (keep.tokens[i] !== t) keep.tokens[i] = WILDCARD;
      });
      keep.count += c.count;
      this.aliases.set(c.id, keep.id);
      this.clusters.delete(c.id);
      this.byLength.get(c.tokens.length)!.delete(c.id);
    }
    return rest.length;
  }

  /**
   * Whether the values seen at one position make it a variable: at least half of the distinct values
   * are already partly masked, or there are many of them (user names, hosts, class names). A few
   * plain words are kept apart, as states and event kinds usually are (SCREEN_ON / SCREEN_OFF).
   */
  private isVariable(values: string[]): boolean {
    const distinct = new Set(values);
    if (distinct.size < 2) return false;
    let masked = 0;
    let enumLike = 0;
    for (const v of distinct) {
      if (v.includes(WILDCARD)) masked += 1;
      else if (ENUM_LIKE.test(v)) enumLike += 1;
    }
    if (masked * 2 >= distinct.size) return true;
    // Upper-case identifiers (RUNNING, SUCCEEDED, TIME_TICK) are states and kinds, not data.
    return distinct.size >= this.options.minDistinct && enumLike < distinct.size;
  }

  private createCluster(tokens: string[]): Cluster {
    const cluster: Cluster = { id: this.nextId++, tokens: [...tokens], count: 0 };
    this.clusters.set(cluster.id, cluster);
    if (!this.byLength.has(tokens.length)) this.byLength.set(tokens.length, new Set());
    this.byLength.get(tokens.length)!.add(cluster.id);
    return cluster;
  }

  /** An existing template that matches the tokens: same length first, then wildcards absorbing extra tokens. */
  private findFit(tokens: string[]): Cluster | null {
    let best: Cluster | null = null;
    for (const id of this.byLength.get(tokens.length) ?? []) {
      const c = this.clusters.get(id)!;
      if (c.tokens.every((t, i) => t === WILDCARD || t === tokens[i]) && (!best || c.count > best.count)) best = c;
    }
    if (best) return best;
    for (let extra = 1; extra <= this.options.maxAbsorb; extra += 1) {
      for (const id of this.byLength.get(tokens.length - extra) ?? []) {
        const c = this.clusters.get(id)!;
        if (c.tokens.includes(WILDCARD) && matchesWithAbsorb(c.tokens, tokens)) return c;
      }
    }
    return null;
  }

  toJSON(): MinerState {
    return { version: 1, nextId: this.nextId, clusters: [...this.clusters.values()], signatures: [...this.signatures], aliases: [...this.aliases] };
  }

  static fromJSON(state: MinerState, options = MINER_DEFAULTS): TemplateMiner {
    const miner = new TemplateMiner(options);
    miner.nextId = state.nextId;
    for (const c of state.clusters) {
      const made = miner.createCluster(c.tokens);
      made.id = c.id;
      made.count = c.count;
      miner.clusters.delete(miner.nextId - 1);
      miner.byLength.get(c.tokens.length)!.delete(miner.nextId - 1);
      miner.clusters.set(c.id, made);
      miner.byLength.get(c.tokens.length)!.add(c.id);
    }
    miner.nextId = state.nextId;
    for (const [sig, id] of state.signatures) miner.signatures.set(sig, id);
    for (const [from, to] of state.aliases) miner.aliases.set(from, to);
    return miner;
  }
}

const ENUM_LIKE = /^[A-Z][A-Z0-9_]*[A-Z0-9]$/;

/** The position of a template's first word without a wildcard (0 when every token has one). */
function anchorIndex(tokens: readonly string[]): number {
  const i = tokens.findIndex((t) => !t.includes(WILDCARD));
  return i === -1 ? 0 : i;
}

function anchorOf(tokens: readonly string[]): string {
  const i = anchorIndex(tokens);
  return `${i}\u0000${tokens[i]}`;
}

/** Does the template match the tokens when each wildcard may stand for one or more tokens? */
function matchesWithAbsorb(template: readonly string[], tokens: readonly string[]): boolean {
  const memo = new Map<number, boolean>();
  const go = (i: number, j: number): boolean => {
    if (i === template.length) return j === tokens.length;
    if (j === tokens.length) return false;
    const key = i * 10_000 + j;
    const seen = memo.get(key);
    if (seen !== undefined) return seen;
    const t = template[i]!;
    const ok = t === WILDCARD ? go(i + 1, j + 1) || go(i, j + 1) : t === tokens[j] && go(i + 1, j + 1);
    memo.set(key, ok);
    return ok;
  };
  return go(0, 0);
}

/** The variable parts of a message under a template (best effort: by aligning the template's constant words). */
export function extractParams(template: readonly string[], message: string): string[] {
  const words = message.split(/\s+/).filter(Boolean);
  const params: string[] = [];
  let w = 0;
  for (let i = 0; i < template.length; i += 1) {
    const t = template[i]!;
    if (t !== WILDCARD) {
      if (words[w] === t) w += 1;
      continue;
    }
    const next = template.slice(i + 1).find((x) => x !== WILDCARD);
    const start = w;
    while (w < words.length && (next === undefined || words[w] !== next)) w += 1;
    if (w === start && w < words.length) w += 1;
    params.push(words.slice(start, w).join(' '));
  }
  return params;
}
