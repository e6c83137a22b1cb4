import { SeededRandom } from '../random';

/**
 * Keyed random draws for the ranking world: every draw is a pure hash of (seed, rollout, stage,
 * attempt, purpose), never the next value of a stream. So the week can be simulated again with any
 * causes removed and every other decision (retries, durations, hosts, which of several errors is
 * shown) comes out the same: common random numbers, which make the oracle's gains exact.
 */

/** The murmur3 finaliser: a 32-bit avalanche mix. */
function mix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

const GOLDEN = 0x9e3779b9;

/** A hash of (seed, rollout, stage, attempt): combine it with a purpose through `drawAt`. */
export function keyOf(seed: number, rollout: number, stage: number, attempt: number): number {
  let h = mix32((seed ^ GOLDEN) >>> 0);
  h = mix32((h + Math.imul(rollout + 1, GOLDEN)) >>> 0);
  h = mix32((h ^ Math.imul(stage + 7, 0x85ebca77)) >>> 0);
  return mix32((h + Math.imul(attempt + 13, 0xc2b2ae3d)) >>> 0);
}

/** The draw in [0, 1) for one purpose under a key from `keyOf`. */
export function drawAt(key: number, purpose: number): number {
  return mix32((key ^ Math.imul(purpose + 1, 0x27d4eb2f)) >>> 0) / 4294967296;
}

/** The full keyed draw: a pure function of its five arguments. */
export function keyedDraw(seed: number, rollout: number, stage: number, attempt: number, purpose: number): number {
  return drawAt(keyOf(seed, rollout, stage, attempt), purpose);
}

/** A standard normal from two keyed draws (Box–Muller). */
export function normalAt(key: number, purpose: number): number {
  const u = 1 - drawAt(key, purpose);
  const v = drawAt(key, purpose + 1);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

/** A small stream for the variable parts of one message, seeded by the event's key (so still keyed). */
export function messageRandom(key: number, purpose: number): SeededRandom {
  return new SeededRandom(mix32((key + Math.imul(purpose + 101, GOLDEN)) >>> 0));
}

/**
 * Purposes of the draws. Per attempt: retry, manual, masking, duration; per stage (attempt 0):
 * persistent causes, host; per rollout (stage ROLLOUT_STAGE): service, start time. A cause's own
 * draw is FIRE + its index.
 */
export const PURPOSE = {
  retry: 1,
  manual: 2,
  mask: 3,
  duration: 4,
  failedShare: 6,
  gap: 7,
  skip: 8,
  host: 9,
  message: 10,
  service: 11,
  day: 12,
  hour: 13,
  minute: 14,
  fire: 64,
} as const;

/** The stage index used for draws that belong to the rollout as a whole. */
export const ROLLOUT_STAGE = 0xffff;
