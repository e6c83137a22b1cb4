import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BoundedCache } from '../../../lib/classify/bounded-cache';
import { measureMemory, messageStream } from '../../../lib/classify/memory-bench';

describe('BoundedCache', () => {
  it('never holds more than its capacity, and finds what was just set', () => {
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 64 }), fc.array(fc.nat(200), { maxLength: 500 }), (capacity, keys) => {
        const cache = new BoundedCache<number, number>(capacity);
        for (const k of keys) {
          cache.set(k, k * 2);
          expect(cache.get(k)).toBe(k * 2);
          expect(cache.size).toBeLessThanOrEqual(capacity);
        }
      }),
    );
  });

  it('keeps an entry that is used often while newer ones come and go', () => {
    const cache = new BoundedCache<string, number>(8);
    cache.set('hot', 1);
    for (let i = 0; i < 100; i += 1) {
      cache.set(`cold-${i}`, i);
      expect(cache.get('hot')).toBe(1);
    }
    expect(cache.get('cold-0')).toBeUndefined();
  });
});

describe('the miner learning many distinct messages', () => {
  it('generates distinct messages', () => {
    const next = messageStream('templates');
    const messages = Array.from({ length: 5000 }, (_, i) => next(i));
    expect(new Set(messages).size).toBe(5000);
  });

  it('keeps one cluster per template (and per state word) and a tiny state, however many distinct messages', () => {
    const m = measureMemory('templates', 40_000);
    expect(m.clusters).toBeLessThanOrEqual(14);
    expect(m.stateMb).toBeLessThan(0.1);
  });

  it('keeps no more clusters than its limit when nothing ever merges', () => {
    const m = measureMemory('shapes', 30_000);
    expect(m.clusters).toBeLessThanOrEqual(20_000);
    expect(m.clusters).toBeGreaterThan(10_000);
  });
});
