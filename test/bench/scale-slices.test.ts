import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { loadChainConfig } from '../../lib/chain/config';
import { generateDemoRecords } from '../../lib/demo/generate';
import type { IngestRecordInput } from '../../lib/ingest/record';
import { sliceRecords } from './scale-slices';

const DAY_MS = 86_400_000;
const stages = loadChainConfig(null).stages.map((s) => s.key);
const keyOf = (r: IngestRecordInput) => `${r.rollout}/${r.stage}/${r.attempt}`;

describe('sliceRecords', () => {
  it('cuts the stream into consecutive day slices that together are the stream, never splitting a rollout', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 12 }), fc.integer({ min: 1, max: 9 }), fc.integer({ min: 0, max: 1000 }), (days, sliceDays, seed) => {
        const demo = { seed, days, services: 5, rolloutsPerDay: 4, stages, end: new Date('2026-11-30T00:00:00Z') };
        const rangeStart = demo.end.getTime() - days * DAY_MS;
        const whole = [...generateDemoRecords(demo)].map(keyOf);
        const seen: string[] = [];
        const sliceOfRollout = new Map<string, number>();
        let last = -1;
        for (const slice of sliceRecords(generateDemoRecords(demo), { rangeStart, sliceDays })) {
          expect(slice.index).toBeGreaterThan(last);
          expect(slice.index).toBeLessThan(Math.ceil(days / sliceDays));
          last = slice.index;
          for (const r of slice.records) {
            seen.push(keyOf(r));
            expect(sliceOfRollout.get(r.rollout) ?? slice.index).toBe(slice.index);
            if (!sliceOfRollout.has(r.rollout)) {
              const start = Date.parse(r.startedAt);
              expect(start).toBeGreaterThanOrEqual(rangeStart + slice.index * sliceDays * DAY_MS);
              expect(start).toBeLessThan(rangeStart + (slice.index + 1) * sliceDays * DAY_MS);
            }
            sliceOfRollout.set(r.rollout, slice.index);
          }
        }
        expect(seen).toEqual(whole);
      }),
      { numRuns: 40 },
    );
  });

  it('skips what a consumer left unread and hands the next slice from its own first record', () => {
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 10 }), fc.integer({ min: 1, max: 4 }), fc.integer({ min: 0, max: 20 }), (days, sliceDays, read) => {
        const demo = { seed: 3, days, services: 5, rolloutsPerDay: 4, stages, end: new Date('2026-11-30T00:00:00Z') };
        const rangeStart = demo.end.getTime() - days * DAY_MS;
        const full: { index: number; keys: string[] }[] = [];
        for (const s of sliceRecords(generateDemoRecords(demo), { rangeStart, sliceDays })) full.push({ index: s.index, keys: [...s.records].map(keyOf) });
        const partial: { index: number; keys: string[] }[] = [];
        for (const slice of sliceRecords(generateDemoRecords(demo), { rangeStart, sliceDays })) {
          const keys: string[] = [];
          for (const r of slice.records) {
            if (keys.length === read) break;
            keys.push(keyOf(r));
          }
          partial.push({ index: slice.index, keys });
        }
        expect(partial).toEqual(full.map((s) => ({ index: s.index, keys: s.keys.slice(0, read) })));
      }),
      { numRuns: 30 },
    );
  });
});
