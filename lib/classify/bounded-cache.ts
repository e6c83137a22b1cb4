/**
 * A map that never holds more than `capacity` entries: two generations, the young one filled until
 * it holds half the capacity, then it becomes the old one and the old one is dropped. A hit in the
 * old generation moves the entry to the young one, so what is used often stays. Cheaper than a
 * strict LRU (no reordering on every hit) and bounded the same way.
 */
export class BoundedCache<K, V> {
  private young = new Map<K, V>();
  private old = new Map<K, V>();

  constructor(private readonly capacity: number) {}

  get(key: K): V | undefined {
    const v = this.young.get(key);
    if (v !== undefined) return v;
    const aged = this.old.get(key);
    if (aged !== undefined) this.set(key, aged);
    return aged;
  }

  set(key: K, value: V): void {
    this.young.set(key, value);
    if (this.young.size < this.capacity / 2) return;
    this.old = this.young;
    this.young = new Map();
  }

  get size(): number {
    return this.young.size + this.old.size;
  }

  clear(): void {
    this.young = new Map();
    this.old = new Map();
  }
}
