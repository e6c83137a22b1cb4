import { compress, constantCount, isWild, matches } from './template';

/** A cluster as the miner keeps it: its template tokens, line count and when it was last seen. */
export type Rec = { id: number; tokens: string[]; count: number; seen: number };

/**
 * Finds the most specific template that matches a message (then the oldest). A template is
 * indexed by the length of its compressed form (each run of values one position: a template with
 * SPANs shares it with every message it matches) and its first constant token there, which a
 * matching message has at the same place: one lookup per token finds every candidate.
 */
export class TemplateIndex {
  private readonly byKey = new Map<string, Set<Rec>>();
  private readonly keys = new Map<Rec, { key: string; constants: number }>();

  add(rec: Rec): void {
    const form = compress(rec.tokens);
    const first = form.findIndex((t) => !isWild(t));
    const key = first === -1 ? `${form.length}` : `${form.length}\u0001${first}\u0001${form[first]}`;
    this.keys.set(rec, { key, constants: constantCount(rec.tokens) });
    const set = this.byKey.get(key);
    if (set) set.add(rec);
    else this.byKey.set(key, new Set([rec]));
  }

  remove(rec: Rec): void {
    const entry = this.keys.get(rec);
    if (!entry) return;
    this.keys.delete(rec);
    const set = this.byKey.get(entry.key)!;
    set.delete(rec);
    if (set.size === 0) this.byKey.delete(entry.key);
  }

  findFit(tokens: readonly string[]): Rec | null {
    const form = compress(tokens);
    let best: Rec | null = null;
    let bestConstants = -1;
    const consider = (rec: Rec) => {
      const constants = this.keys.get(rec)!.constants;
      if (best && (constants < bestConstants || (constants === bestConstants && rec.id > best.id))) return;
      if (!matches(rec.tokens, tokens)) return;
      best = rec;
      bestConstants = constants;
    };
    for (const rec of this.byKey.get(`${form.length}`) ?? []) consider(rec);
    form.forEach((t, p) => {
      if (!isWild(t)) for (const rec of this.byKey.get(`${form.length}\u0001${p}\u0001${t}`) ?? []) consider(rec);
    });
    return best;
  }
}
