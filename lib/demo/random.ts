/**
 * A small seeded PRNG (sfc32, seeded through splitmix32) with the helpers the demo generator needs.
 * Demo data must be reproducible from a seed, so nothing in lib/demo may call Math.random.
 */
export class SeededRandom {
  private a: number;
  private b: number;
  private c: number;
  private d: number;
  /** Box–Muller yields two normals per draw; keeping the spare halves the cost. */
  private spareNormal: number | null = null;

  constructor(seed: number) {
    let s = seed >>> 0;
    const nextSeed = (): number => {
      s = (s + 0x9e3779b9) | 0;
      let z = s;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.a = nextSeed();
    this.b = nextSeed();
    this.c = nextSeed();
    this.d = nextSeed();
    // sfc32's first outputs are correlated with the seed; discard a few.
    for (let i = 0; i < 12; i++) this.next();
  }

  /** A float in [0, 1). */
  next(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return (t >>> 0) / 4294967296;
  }

  /** An integer in [min, maxExclusive). */
  int(min: number, maxExclusive: number): number {
    return min + Math.floor(this.next() * (maxExclusive - min));
  }

  chance(probability: number): boolean {
    return this.next() < probability;
  }

  pick<T>(items: readonly T[]): T {
    const item = items[Math.floor(this.next() * items.length)];
    if (item === undefined) throw new Error('cannot pick from an empty list');
    return item;
  }

  /** Picks items[i] with probability proportional to its weight; `cumulative` from buildCumulative. */
  pickWeighted<T>(items: readonly T[], cumulative: Float64Array): T {
    const item = items[this.weightedIndex(cumulative)];
    if (item === undefined) throw new Error('weights and items differ in length');
    return item;
  }

  /** Binary search over cumulative weights, so large tables (services) stay O(log n) per pick. */
  weightedIndex(cumulative: Float64Array): number {
    return searchCumulative(cumulative, this.next());
  }

  /** A standard normal variate. */
  normal(): number {
    if (this.spareNormal !== null) {
      const spare = this.spareNormal;
      this.spareNormal = null;
      return spare;
    }
    const u = 1 - this.next();
    const v = this.next();
    const r = Math.sqrt(-2 * Math.log(u));
    this.spareNormal = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  }

  /** A right-skewed positive value around `median`, like real step durations. */
  lognormal(median: number, sigma: number): number {
    return median * Math.exp(sigma * this.normal());
  }

  hex(length: number): string {
    let out = '';
    while (out.length < length) out += ((this.next() * 0x100000000) >>> 0).toString(16).padStart(8, '0');
    return out.slice(0, length);
  }

  uuid(): string {
    const h = this.hex(32);
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20)}`;
  }

  /** A private IPv4 address in 10.0.0.0/8. */
  ip(): string {
    return `10.${this.int(0, 64)}.${this.int(0, 256)}.${this.int(1, 255)}`;
  }
}

/** Prefix sums of non-negative weights, for SeededRandom.pickWeighted. */
/** The index i with cumulative[i-1] <= u × total < cumulative[i]: a weighted pick for a uniform draw u in [0, 1). */
export function searchCumulative(cumulative: Float64Array, u: number): number {
  const target = u * (cumulative[cumulative.length - 1] ?? 0);
  let lo = 0;
  let hi = cumulative.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((cumulative[mid] ?? 0) > target) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

export function buildCumulative(weights: readonly number[]): Float64Array {
  const out = new Float64Array(weights.length);
  let sum = 0;
  weights.forEach((w, i) => {
    sum += Math.max(0, w);
    out[i] = sum;
  });
  return out;
}

/** Mixes a seed with labels (FNV-1a), so independent streams (services, incidents) stay stable. */
export function deriveSeed(seed: number, ...parts: (string | number)[]): number {
  let h = (0x811c9dc5 ^ seed) >>> 0;
  for (const ch of parts.join('|')) {
    h ^= ch.charCodeAt(0);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}
