import { runInNewContext } from 'node:vm';
import { setFlagsFromString } from 'node:v8';
import { TemplateMiner } from './miner';
import { seededRandom } from './random';

/**
 * What the miner keeps after learning a million distinct messages, consolidating after every
 * batch as classification after each ingestion does. Two streams, generated (no real data):
 *  - `templates`: 12 message templates whose variables (numbers, ids, addresses, paths, hex,
 *    quoted values, names from a 20,000-word vocabulary) make every message distinct;
 *  - `shapes`: messages of random words, nearly every one its own template (the worst case: no
 *    evidence ever merges them), which only the cluster limit keeps bounded.
 */
export type MemoryResult = { stream: string; messages: number; distinct: number; clusters: number; heapMb: number; stateMb: number; seconds: number };

const BATCH = 10_000;

function vocabulary(random: () => number, size: number): string[] {
  const letters = 'bcdfghjklmnprstvwz';
  const vowels = 'aeiou';
  const words = new Set<string>();
  while (words.size < size) {
    let w = '';
    for (let k = 2 + Math.floor(random() * 3); k > 0; k -= 1) w += letters[Math.floor(random() * letters.length)]! + vowels[Math.floor(random() * vowels.length)]!;
    words.add(w);
  }
  return [...words];
}

/** A generator of distinct messages (message i is unique: its counter is in it). */
export function messageStream(stream: 'templates' | 'shapes', seed = 7): (i: number) => string {
  const random = seededRandom(seed);
  const words = vocabulary(random, 20_000);
  const w = () => words[Math.floor(random() * words.length)]!;
  const n = (max: number) => Math.floor(random() * max);
  const ip = () => `10.${n(256)}.${n(256)}.${n(256)}`;
  const hex = () => n(2 ** 31).toString(16).padStart(8, '0');
  if (stream === 'shapes') return (i) => Array.from({ length: 3 + n(10) }, w).join(' ') + ` #${i}`;
  const templates: ((i: number) => string)[] = [
    (i) => `user ${w()} logged in from ${ip()} port ${i}`,
    (i) => `request ${hex()}-${hex()} failed after ${i} ms: "${w()} ${w()}"`,
    (i) => `worker-${n(64)} processed job ${i} in ${(random() * 10).toFixed(2)} s`,
    (i) => `cannot open /var/data/${w()}/${i}.log: permission denied`,
    (i) => `cache ${w()} evicted ${i} entries (${n(100)}% full)`,
    (i) => `connection to ${w()}.example.com:${1024 + (i % 60_000)} reset by peer after ${n(500)} KB`,
    (i) => `job ${i} state changed from ${['QUEUED', 'RUNNING', 'DONE'][n(3)]} to FAILED`,
    (i) => `GET /api/v1/items/${i}?page=${n(9)} returned ${[200, 404, 503][n(3)]} in ${n(900)}ms`,
    (i) => `disk /dev/sd${'abc'[n(3)]}${n(9)} usage ${i % 100}% on host ${w()}-${n(99)}`,
    (i) => `config key '${w()}.${w()}' set to ${i}`,
    (i) => `deleted blocks blk_${i} ${Array.from({ length: 1 + n(4) }, () => `blk_${n(1e9)}`).join(' ')}`,
    (i) => `session 0x${hex()} expired, timeout of ${i}ms exceeded`,
  ];
  return (i) => templates[i % templates.length]!(i);
}

function heapUsed(): number {
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  gc();
  gc();
  return process.memoryUsage().heapUsed;
}

/** Learns `messages` distinct messages of a stream and measures what the miner holds. */
export function measureMemory(stream: 'templates' | 'shapes', messages = 1_000_000): MemoryResult {
  const next = messageStream(stream);
  const before = heapUsed();
  const started = performance.now();
  let miner: TemplateMiner | null = new TemplateMiner();
  const distinct = new Set<number>();
  for (let i = 0; i < messages; i += 1) {
    miner.add(next(i));
    if ((i + 1) % BATCH === 0) miner.consolidate();
  }
  miner.consolidate();
  const seconds = (performance.now() - started) / 1000;
  for (const c of miner.listClusters()) distinct.add(c.id);
  const heapMb = (heapUsed() - before) / 2 ** 20;
  const stateMb = Buffer.byteLength(JSON.stringify(miner.toJSON())) / 2 ** 20;
  const clusters = distinct.size;
  miner = null;
  return { stream, messages, distinct: messages, clusters, heapMb, stateMb, seconds };
}
