import fc from 'fast-check';
import { loadChainConfig } from '../../lib/chain/config';

/**
 * Generated ingestion input for property tests: valid records (unique keys, each rollout of one
 * service) and invalid lines of every kind the format rules refuse, as the raw bytes of a line.
 */
export const STAGES = loadChainConfig(null).stages.map((s) => s.key);

export type ValidRecord = Record<string, unknown> & { rollout: string; stage: string; attempt: number };
export const keyOf = (r: ValidRecord) => (typeof r.id === 'string' ? r.id : `${r.rollout}/${r.stage}/${r.attempt}`);

// Mostly recent days, sometimes the first instant a record may have.
const day = fc.oneof({ weight: 9, arbitrary: fc.integer({ min: Date.UTC(2026, 9, 1), max: Date.UTC(2026, 10, 28) }).map((ms) => new Date(ms).toISOString()) }, { weight: 1, arbitrary: fc.constant('2000-01-01T00:00:00Z') });
// Text with the awkward but storable: quotes, commas, newlines, emoji, right-to-left, formula-like starts.
const message = fc.oneof(
  fc.string({ minLength: 1, maxLength: 60 }).filter((s) => s.trim().length > 0 && !/[\u0000\uD800-\uDFFF]/.test(s)),
  fc.constantFrom('pull registry.example.com/a:1: i/o timeout', '=HYPERLINK("http://x")', 'line one\nline two', 'naïve — “quoted”, comma', '😀 emoji', 'שלום'),
);

/** A valid record of rollout `ro-<prefix>-<n>`; its service follows from the rollout. */
export function validRecord(prefix: string): fc.Arbitrary<ValidRecord> {
  return fc
    .record({
      n: fc.integer({ min: 0, max: 30 }),
      stage: fc.constantFrom(...STAGES),
      attempt: fc.integer({ min: 1, max: 3 }),
      status: fc.constantFrom('succeeded', 'failed', 'skipped'),
      startedAt: day,
      durationMs: fc.option(fc.integer({ min: 0, max: 2_147_483_647 - 1 }), { nil: undefined }),
      host: fc.option(fc.constantFrom('web-1.dc1', 'web-2.dc1', 'pre-1', 'ünïcode-host'), { nil: undefined }),
      env: fc.option(fc.constantFrom('test', 'prerelease', 'online'), { nil: undefined }),
      errorMessage: message,
      manual: fc.option(fc.boolean(), { nil: undefined }),
      attrs: fc.option(fc.dictionary(fc.constantFrom('image', 'batch', 'zone', 'sha'), fc.oneof(fc.string({ maxLength: 20 }).filter((s) => !/[\u0000\uD800-\uDFFF]/.test(s)), fc.integer())), { nil: undefined }),
    })
    .map(({ n, status, errorMessage, ...r }) => {
      const rec: ValidRecord = { ...r, rollout: `ro-${prefix}-${n}`, service: `svc-${n % 5}`, status, ...(status === 'failed' ? { errorMessage } : {}) };
      for (const k of Object.keys(rec)) if (rec[k] === undefined) delete rec[k];
      return rec;
    });
}

/** A list of valid records with distinct keys. */
export function validRecords(prefix: string, max = 40): fc.Arbitrary<ValidRecord[]> {
  return fc.uniqueArray(validRecord(prefix), { maxLength: max, selector: keyOf });
}

const base = { rollout: 'ro-bad', service: 'svc-bad', stage: STAGES[0], status: 'succeeded', startedAt: '2026-11-20T10:00:00Z' };
const json = (patch: Record<string, unknown>) => Buffer.from(JSON.stringify({ ...base, ...patch }));

/** The bytes of one line that ingestion must refuse (a rejection with its line number), of many kinds. */
export const invalidLine: fc.Arbitrary<Buffer> = fc.oneof(
  fc.constantFrom(
    Buffer.from('{broken'),
    Buffer.from('[1,2,3]'),
    Buffer.from('"just a string"'),
    json({ rollout: undefined }),
    json({ startedAt: '0000-01-01T00:00:00Z' }),
    json({ startedAt: '1970-01-01T00:00:00Z' }),
    json({ startedAt: '2100-01-01T00:00:00Z' }),
    json({ startedAt: '2099-12-31T23:59:59Z', durationMs: 5000 }),
    json({ startedAt: '9999-12-31T23:59:59Z', durationMs: 9e15 }),
    json({ startedAt: '2026-13-01T00:00:00Z' }),
    json({ startedAt: '2026-11-20T10:00:00' }),
    json({ durationMs: 2 ** 31 }),
    json({ durationMs: -1 }),
    json({ attempt: 0 }),
    json({ status: 'failed' }),
    json({ stage: 'no-such-stage' }),
    json({ env: 'staging' }),
    json({ service: 'a\u0000b' }),
    json({ host: 'x'.repeat(256) }),
    json({ errorCode: '\ud800' }),
    json({ attrs: { nested: { a: 1 } } }),
    json({ attrs: { 'k\u0000': 'v' } }),
    json({ finishedAt: '2026-11-19T10:00:00Z' }),
    Buffer.concat([Buffer.from('{"rollout":"r","x":"'), Buffer.from([0xff, 0xfe]), Buffer.from('"}')]),
    Buffer.concat([Buffer.from('{"rollout":"r'), Buffer.from([0x00]), Buffer.from('"}')]),
  ),
  // Random bytes that cannot be a record: not blank (blank lines are skipped), not a JSON object.
  fc.uint8Array({ minLength: 1, maxLength: 40 }).map((a) => Buffer.from(a.map((b) => (b === 0x0a || b === 0x0d ? 0x20 : b)))).filter(isNeverARecord),
);

const strict = new TextDecoder('utf-8', { fatal: true });
function isNeverARecord(bytes: Buffer): boolean {
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return false;
  let text: string;
  try {
    text = strict.decode(bytes);
  } catch {
    return true;
  }
  return text.trim() !== '' && !text.trim().startsWith('{');
}

/** NDJSON bytes of lines in order. */
export function ndjsonBytes(lines: Buffer[]): Buffer {
  return Buffer.concat(lines.flatMap((l) => [l, Buffer.from('\n')]));
}
