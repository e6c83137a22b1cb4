import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterAll, describe, expect, it } from 'vitest';
import defaultChain from '../../../lib/chain/default-chain.json';
import { FAILURE_CAUSES, RECENT_DAYS } from '../../../lib/demo/causes';
import { DEMO_DEFAULTS, generateDemoRecords, type DemoOptions } from '../../../lib/demo/generate';
import { computeRolloutsPerDay, writeDemoFiles, writeRecordFiles } from '../../../lib/demo/write-files';
import { ingestRecordSchema, RECORD_FIELDS, type IngestRecordInput } from '../../../lib/ingest/record';

const STAGES = defaultChain.stages.map((s) => s.key);
const END = new Date('2026-11-27T00:00:00Z');
const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;
// The default 30-day range at a fifth of the volume keeps the suite fast (~100k records).
const OPTS: DemoOptions = { ...DEMO_DEFAULTS, rolloutsPerDay: 200, end: END, stages: STAGES };
const RECORDS = [...generateDemoRecords(OPTS)];
const tempDirs: string[] = [];

afterAll(async () => {
  await Promise.all(tempDirs.map((dir) => rm(dir, { recursive: true, force: true })));
});

async function makeTempDir(): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'rollscope-demo-'));
  tempDirs.push(dir);
  return dir;
}

function groupBy<T>(items: T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) groups.set(key(item), [...(groups.get(key(item)) ?? []), item]);
  return groups;
}

const at = (r: IngestRecordInput): number => Date.parse(r.startedAt);
const codesOf = (kind: string): string[] => FAILURE_CAUSES.filter((c) => c.profile?.kind === kind).map((c) => c.errorCode);

describe('generateDemoRecords', () => {
  it('yields identical records for the same seed and different ones for another seed', () => {
    const small = { ...OPTS, days: 3, rolloutsPerDay: 50 };
    const first = [...generateDemoRecords(small)];
    expect([...generateDemoRecords(small)]).toEqual(first);
    expect([...generateDemoRecords({ ...small, seed: 7 })]).not.toEqual(first);
  });

  it('yields only records that pass ingestRecordSchema, on the given stages', () => {
    const stages = new Set(STAGES);
    for (const record of RECORDS) {
      const parsed = ingestRecordSchema.safeParse(record);
      if (!parsed.success) throw new Error(`${JSON.stringify(record)}: ${parsed.error.message}`);
      expect(stages.has(record.stage)).toBe(true);
    }
  });

  it('handles stage keys it has no tuning for', () => {
    const stages = ['checkout', 'security-scan', 'deploy'];
    const records = [...generateDemoRecords({ ...OPTS, days: 2, rolloutsPerDay: 300, stages })];
    expect(new Set(records.map((r) => r.stage))).toEqual(new Set(stages));
    expect(records.every((r) => ingestRecordSchema.safeParse(r).success)).toBe(true);
    expect(records.some((r) => r.status === 'failed')).toBe(true);
  });

  it('produces at least 30 distinct error codes over a 30-day run', () => {
    const codes = new Set(RECORDS.flatMap((r) => (r.errorCode ? [r.errorCode] : [])));
    expect(codes.size).toBeGreaterThanOrEqual(30);
    expect(RECORDS.filter((r) => r.status === 'failed').every((r) => r.errorMessage && r.errorCode)).toBe(true);
  });

  it('gives stages clearly different first-attempt failure rates', () => {
    const rates = new Map<string, number>();
    for (const [stage, records] of groupBy(RECORDS.filter((r) => r.attempt === 1 && r.status !== 'skipped'), (r) => r.stage)) {
      rates.set(stage, records.filter((r) => r.status === 'failed').length / records.length);
    }
    for (const worse of ['image-pull', 'health-check', 'name-service-register']) expect(rates.get(worse)).toBeGreaterThan(0.03);
    const usual = STAGES.filter((s) => (rates.get(s) ?? 0) < 0.025);
    expect(usual.length).toBeGreaterThanOrEqual(12);
    expect(rates.get('monitor-attach')).toBeLessThan(0.01);
  });

  it('shows new causes only in the last seven days and no fixed causes after their fix', () => {
    const recentStart = END.getTime() - RECENT_DAYS * DAY_MS;
    const newCodes = new Set(codesOf('new'));
    const newRecords = RECORDS.filter((r) => r.errorCode && newCodes.has(r.errorCode));
    expect(new Set(newRecords.map((r) => r.errorCode)).size).toBe(newCodes.size);
    expect(newRecords.every((r) => at(r) >= recentStart)).toBe(true);
    const fixed = RECORDS.filter((r) => r.errorCode && codesOf('fixed').includes(r.errorCode));
    expect(fixed.length).toBeGreaterThan(0);
    expect(fixed.every((r) => at(r) < END.getTime() - 10 * DAY_MS)).toBe(true);
  });

  it('makes rising causes several times more frequent in the last seven days', () => {
    const recentStart = END.getTime() - RECENT_DAYS * DAY_MS;
    const rising = RECORDS.filter((r) => r.errorCode && codesOf('rising').includes(r.errorCode));
    const recentPerDay = rising.filter((r) => at(r) >= recentStart).length / RECENT_DAYS;
    const earlierPerDay = rising.filter((r) => at(r) < recentStart).length / (OPTS.days - RECENT_DAYS);
    expect(recentPerDay).toBeGreaterThan(2.5 * earlierPerDay);
  });

  it('retries failed attempts, some by hand, and stops a rollout at a stage that still failed', () => {
    expect(RECORDS.some((r) => r.attempt === 2)).toBe(true);
    expect(RECORDS.some((r) => r.attempt === 3)).toBe(true);
    expect(RECORDS.some((r) => r.manual === true && (r.attempt ?? 1) > 1)).toBe(true);
    expect(RECORDS.some((r) => r.status === 'skipped' && r.stage === 'canary-traffic')).toBe(true);
    let passed = 0;
    const rollouts = groupBy(RECORDS, (r) => r.rollout);
    for (const records of rollouts.values()) {
      const last = records.at(-1);
      const failedAt = records.findIndex((r, i) => r.status === 'failed' && records[i + 1]?.stage !== r.stage);
      expect(failedAt === -1 || failedAt === records.length - 1).toBe(true);
      if (last && last.stage === STAGES.at(-1) && last.status !== 'failed') passed += 1;
    }
    expect(passed / rollouts.size).toBeGreaterThan(0.8);
    expect(passed / rollouts.size).toBeLessThan(0.92);
  });

  it('includes a host running test and online stages within one hour', () => {
    const byHost = groupBy(RECORDS.filter((r) => r.host), (r) => r.host ?? '');
    const mixed = [...byHost.values()].filter((records) => {
      const tests = records.filter((r) => r.env === 'test').map(at);
      return tests.length > 0 && records.some((r) => r.env === 'online' && tests.some((t) => Math.abs(at(r) - t) < HOUR_MS));
    });
    expect(mixed.length).toBeGreaterThan(0);
  });

  it('includes a service whose images were built on two different hosts', () => {
    const builds = groupBy(RECORDS.filter((r) => r.stage === 'image-build'), (r) => r.service);
    const swapped = [...builds.values()].filter((records) => new Set(records.map((r) => r.host)).size > 1);
    expect(swapped.length).toBeGreaterThan(0);
  });

  it('yields each rollout contiguously, rollouts in start order, attempts in time order', () => {
    const seen = new Set<string>();
    let previous: IngestRecordInput | undefined;
    let rolloutStart = 0;
    for (const record of RECORDS) {
      if (record.rollout !== previous?.rollout) {
        expect(seen.has(record.rollout)).toBe(false);
        seen.add(record.rollout);
        expect(at(record)).toBeGreaterThanOrEqual(rolloutStart);
        rolloutStart = at(record);
      } else {
        expect(at(record)).toBeGreaterThanOrEqual(at(previous));
      }
      previous = record;
    }
  });
});

describe('writeRecordFiles and writeDemoFiles', () => {
  it('round-trips a CSV message containing a comma, a quote and a newline', async () => {
    const dir = await makeTempDir();
    const message = 'pull failed, "registry" said:\nmanifest unknown\r\nretry later';
    const record: IngestRecordInput = {
      rollout: 'ro-20261126-00001', service: 'feed-api', stage: 'image-pull', attempt: 2, status: 'failed',
      startedAt: '2026-11-26T10:00:00.000Z', durationMs: 1500, env: 'online', errorMessage: message,
      errorCode: 'E_X', manual: true, attrs: { image: 'registry.example.com/feed/feed-api:1.2.3-abc1234', batch: 4 },
    };
    const result = await writeRecordFiles([record], { dir, format: 'csv' });
    expect(result).toEqual({ files: [path.join(dir, 'rollouts-2026-11-26.csv')], records: 1 });
    const rows: Record<string, string>[] = parse(await readFile(path.join(dir, 'rollouts-2026-11-26.csv'), 'utf8'), { columns: true });
    expect(Object.keys(rows[0] ?? {})).toEqual([...RECORD_FIELDS]);
    expect(rows[0]).toMatchObject({ id: '', errorMessage: message, manual: 'true', attempt: '2', finishedAt: '' });
    expect(JSON.parse(rows[0]?.attrs ?? '')).toEqual(record.attrs);
  });

  it('writes one NDJSON file per UTC day with every generated record', async () => {
    const dir = await makeTempDir();
    const opts = { ...OPTS, days: 3, rolloutsPerDay: 40, dir, format: 'ndjson' as const };
    const result = await writeDemoFiles(opts);
    expect((await readdir(dir)).sort()).toEqual(['rollouts-2026-11-24.ndjson', 'rollouts-2026-11-25.ndjson', 'rollouts-2026-11-26.ndjson']);
    const lines = (await Promise.all(result.files.map((f) => readFile(f, 'utf8')))).join('').trim().split('\n');
    expect(lines.map((l) => JSON.parse(l))).toEqual([...generateDemoRecords(opts)]);
  });

  it('computes a volume that yields about the requested number of records', () => {
    const opts = { ...OPTS, days: 7 };
    const rolloutsPerDay = computeRolloutsPerDay(30_000, opts);
    const count = [...generateDemoRecords({ ...opts, rolloutsPerDay })].length;
    expect(Math.abs(count - 30_000) / 30_000).toBeLessThan(0.05);
  });
});

describe('the until option', () => {
  it('leaves out rollouts that start at or after it and keeps everything before unchanged', () => {
    const opts = { seed: 7, end: new Date('2026-11-21T00:00:00Z'), days: 2, services: 20, rolloutsPerDay: 100, stages: ['test-build', 'image-pull'] };
    const until = new Date('2026-11-20T12:00:00Z');
    const all = [...generateDemoRecords(opts)];
    const cut = [...generateDemoRecords({ ...opts, until })];
    const firstStart = new Map<string, string>();
    for (const r of all) if (!firstStart.has(r.rollout)) firstStart.set(r.rollout, r.startedAt);
    const expected = all.filter((r) => Date.parse(firstStart.get(r.rollout)!) < until.getTime());
    expect(cut.length).toBeGreaterThan(0);
    expect(cut.length).toBeLessThan(all.length);
    expect(cut).toEqual(expected);
  });
});
