import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openDb } from '../../../lib/db';
import { ingestFile, ingestStream, prepareIngest } from '../../../lib/ingest/sources';
import { weekOfInstant } from '../../../lib/time/iso-week';
import { EXPECTED_KIND, createTestDb, type TestDb } from '../../helpers/db';
import { bytes } from '../../helpers/streams';

// Fresh all day: failures are classified by the ingestion that brings them, the week in progress is
// ranked as data arrives, and parallel ingestions (processes and in-process) never fork or lose classes.
const ROOT = path.resolve(import.meta.dirname, '..', '..', '..');
const dir = mkdtempSync(path.join(os.tmpdir(), 'rollscope-classify-ingest-'));
const opened: TestDb[] = [];
afterAll(async () => {
  await Promise.all(opened.map((t) => t.close()));
  rmSync(dir, { recursive: true, force: true });
});
const fresh = async () => {
  const t = await createTestDb();
  opened.push(t);
  return t;
};

const TEMPLATES = [
  (i: number) => `pull registry.example.com/svc-${i % 7}:${i}: i/o timeout after ${i % 50}s`,
  (i: number) => `health check GET /healthz returned 503 after ${i % 5} attempts`,
  (i: number) => `container killed: out of memory (limit ${256 * (1 + (i % 4))}Mi)`,
  (i: number) => `name service register failed: ${i % 3 === 0 ? 'timeout' : 'refused'} talking to ns-${i % 9}.dc1:53`,
];

/** `n` failed records (plus a success each) of a few templates, rollouts numbered from `from`, now. */
function records(prefix: string, from: number, n: number): string {
  const at = new Date().toISOString();
  const lines: string[] = [];
  for (let i = from; i < from + n; i += 1) {
    const base = { rollout: `${prefix}-${i}`, service: `svc-${i % 7}`, startedAt: at, durationMs: 1000 };
    lines.push(JSON.stringify({ ...base, stage: 'test-build', status: 'succeeded' }));
    lines.push(JSON.stringify({ ...base, stage: 'image-pull', status: 'failed', errorMessage: TEMPLATES[i % TEMPLATES.length]!(i) }));
  }
  return `${lines.join('\n')}\n`;
}

/** Which class each message is in: the grouping, independent of class ids. */
async function grouping(t: TestDb): Promise<string[][]> {
  const events = await t.db.prisma.errorEvent.findMany({ select: { message: true, errorClassId: true } });
  const groups = new Map<number | null, string[]>();
  for (const e of events) groups.set(e.errorClassId, [...(groups.get(e.errorClassId) ?? []), e.message]);
  return [...groups.values()].map((g) => g.sort()).sort((a, b) => a[0]!.localeCompare(b[0]!));
}

describe(`classification at ingest (${EXPECTED_KIND})`, () => {
  it('classifies the failures an ingestion brings, and ranks the week in progress at once', async () => {
    const t = await fresh();
    const target = await prepareIngest(t.db, { chainFile: null, timeZone: 'UTC', maxLineBytes: 65536 });
    const s = await ingestStream(target, { source: 'now.ndjson', format: 'ndjson', input: bytes(records('a', 0, 40)) });
    expect(s.classification).toMatchObject({ events: 40 });
    expect(s.classification!.classesCreated).toBeGreaterThan(0);
    expect(await t.db.prisma.errorEvent.count({ where: { errorClassId: null } })).toBe(0);
    const week = weekOfInstant(Date.now(), 'UTC');
    const snapshot = await t.db.prisma.rankingSnapshot.findUniqueOrThrow({ where: { week }, include: { entries: true } });
    expect(snapshot.entries.reduce((a, e) => a + e.failures, 0)).toBe(40);
    const classes = await t.db.prisma.errorClass.findMany({ where: { eventCount: { gt: 0 } } });
    expect(classes.reduce((a, c) => a + c.eventCount, 0)).toBe(40);
  });

  it('keeps classes and their ids across a restart: a new process puts new events of known templates in the same classes', async () => {
    const t = await fresh();
    const first = await prepareIngest(t.db, { chainFile: null, timeZone: 'UTC', maxLineBytes: 65536 });
    await ingestStream(first, { source: 'one.ndjson', format: 'ndjson', input: bytes(records('b', 0, 40)) });
    const before = await t.db.prisma.errorClass.findMany({ select: { id: true, key: true }, orderBy: { id: 'asc' } });
    const file = path.join(dir, 'later.ndjson');
    writeFileSync(file, records('b', 1000, 40));
    const cli = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'lib/cli/ingest.ts'), file], { cwd: ROOT, env: { ...process.env, DATABASE_URL: t.url }, stdio: 'ignore' });
    expect(await new Promise((resolve) => cli.on('exit', resolve))).toBe(0);
    expect(await t.db.prisma.errorClass.findMany({ select: { id: true, key: true }, orderBy: { id: 'asc' } })).toEqual(before);
    expect(await t.db.prisma.errorEvent.count({ where: { errorClassId: null } })).toBe(0);
  });

  it('never forks or loses a class when ingestions run in parallel, in processes and in-process', async () => {
    const inputs = [0, 1, 2, 3].map((k) => {
      const file = path.join(dir, `part-${k}.ndjson`);
      writeFileSync(file, records('c', k * 200, 200));
      return file;
    });
    const sequential = await fresh();
    const target = await prepareIngest(sequential.db, { chainFile: null, timeZone: 'UTC', maxLineBytes: 65536 });
    for (const f of inputs) await ingestFile(target, f);

    const parallel = await fresh();
    const other = await openDb(parallel.url);
    const [targetA, targetB] = [await prepareIngest(parallel.db, { chainFile: null, timeZone: 'UTC', maxLineBytes: 65536 }), await prepareIngest(other, { chainFile: null, timeZone: 'UTC', maxLineBytes: 65536 })];
    const cli = (file: string) => new Promise((resolve) => spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'lib/cli/ingest.ts'), file], { cwd: ROOT, env: { ...process.env, DATABASE_URL: parallel.url }, stdio: 'ignore' }).on('exit', resolve));
    const exits = await Promise.all([cli(inputs[0]!), cli(inputs[1]!), ingestFile(targetA, inputs[2]!).then(() => 0), ingestFile(targetB, inputs[3]!).then(() => 0)]);
    await other.close();
    expect(exits).toEqual([0, 0, 0, 0]);
    expect(await parallel.db.prisma.errorEvent.count({ where: { errorClassId: null } })).toBe(0);
    expect(await grouping(parallel)).toEqual(await grouping(sequential));
    // No class twice for one template: keys are unique and every live class holds events.
    const live = await parallel.db.prisma.errorClass.findMany({ where: { mergedIntoId: null }, select: { template: true, eventCount: true } });
    expect(new Set(live.map((c) => c.template)).size).toBe(live.length);
    expect(live.reduce((a, c) => a + c.eventCount, 0)).toBe(800);
  });
});
