import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mergeClasses } from '../../../lib/classify/decisions';
import { runClassification } from '../../../lib/classify/run-classification';
import { loadCategoryConfig, parseRoutingConfig } from '../../../lib/classify/rules';
import { EXPECTED_KIND, createTestDb, type TestDb } from '../../helpers/db';
import { ingestRuns, type RunSpec } from '../../helpers/ingest';
import { readClassDays, scanClassDays } from '../triage/old-readers';

// Class ids survive a new version of the template miner: the state an older miner saved cannot be
// read, so the new one learns the stored messages again and maps its clusters onto the old classes.
let t: TestDb;
const classify = () => runClassification({ db: t.db, categories: loadCategoryConfig(null), routing: parseRoutingConfig({ rules: [] }, 'test'), refresh: 'touched' });
const runs = (from: number, n: number): RunSpec[] =>
  Array.from({ length: n }, (_, k) => {
    const i = from + k;
    const message = [`pull registry.example.com/app-${i % 5}:${i}: i/o timeout after ${i % 40}s`, `container killed: out of memory (limit ${128 * (1 + (i % 3))}Mi)`, `health check GET /ready returned 503 after ${i % 4} attempts`][i % 3]!;
    return { rollout: `u-${i}`, stage: 'image-pull', at: '2026-11-18T10:00:00Z', message };
  });

beforeAll(async () => {
  t = await createTestDb();
});
afterAll(async () => t?.close());

describe(`a new miner version (${EXPECTED_KIND})`, () => {
  it('keeps every class id, name and event, and puts new events of known templates in the same classes', async () => {
    await ingestRuns(t.db, runs(0, 60));
    await classify();
    const firstClass = await t.db.prisma.errorClass.findFirstOrThrow({ orderBy: { id: 'asc' } });
    await t.db.prisma.errorClass.update({ where: { id: firstClass.id }, data: { name: 'Named in triage' } });
    const before = new Map((await t.db.prisma.errorEvent.findMany({ select: { id: true, errorClassId: true } })).map((e) => [e.id, e.errorClassId]));
    const classesBefore = await t.db.prisma.errorClass.count();
    // What an older miner left: a state of version 1, and class keys of its own numbering. Saved as
    // another process saves (a new row version): with the same version this process would use the
    // miner it keeps in memory and never read the old state, so no upgrade would run.
    const old = { version: 1, nextId: 900, clusters: [], signatures: [], aliases: [] };
    await t.db.prisma.classifierState.update({ where: { id: 'template-miner' }, data: { state: old, version: { increment: 1 } } });
    await t.db.prisma.$executeRawUnsafe(`UPDATE "ErrorClass" SET "key" = CAST("id" + 500 AS TEXT)`);
    await ingestRuns(t.db, runs(60, 30));
    expect(await classify()).toMatchObject({ events: 30, classesCreated: 0 });
    const after = await t.db.prisma.errorEvent.findMany({ select: { id: true, errorClassId: true, message: true } });
    for (const e of after) if (before.has(e.id)) expect(e.errorClassId).toBe(before.get(e.id));
    expect(new Set(after.map((e) => e.errorClassId)).size).toBe(new Set(before.values()).size);
    expect(await t.db.prisma.errorClass.count()).toBe(classesBefore);
    expect(await t.db.prisma.errorClass.findUniqueOrThrow({ where: { id: firstClass.id } })).toMatchObject({ name: 'Named in triage' });
    expect((await t.db.prisma.classifierState.findUniqueOrThrow({ where: { id: 'template-miner' } })).state).toMatchObject({ version: 2 });
    // The per-class-per-day rollup was counted again with the events the upgrade moved.
    expect(await readClassDays(t.db)).toEqual(await scanClassDays(t.db));
  });

  it('keeps a merge made in triage: the events of the merged class stay in the class it was merged into', async () => {
    const [target, source] = await t.db.prisma.errorClass.findMany({ where: { mergedIntoId: null }, orderBy: { id: 'asc' }, take: 2 });
    await mergeClasses(t.db, { targetId: target!.id, sourceIds: [source!.id], actor: 'lead@example.com' });
    const before = new Map((await t.db.prisma.errorEvent.findMany({ select: { id: true, errorClassId: true } })).map((e) => [e.id, e.errorClassId]));
    expect([...before.values()].filter((c) => c === target!.id).length).toBeGreaterThan(0);
    const old = { version: 1, nextId: 900, clusters: [], signatures: [], aliases: [] };
    await t.db.prisma.classifierState.update({ where: { id: 'template-miner' }, data: { state: old, version: { increment: 1 } } });
    await ingestRuns(t.db, runs(90, 30));
    await classify();
    const merged = new Set((await t.db.prisma.errorClass.findMany({ where: { mergedIntoId: { not: null } }, select: { id: true } })).map((c) => c.id));
    expect(merged.has(source!.id)).toBe(true);
    const after = await t.db.prisma.errorEvent.findMany({ select: { id: true, errorClassId: true } });
    // No event is left in a class the lists hide, and those of the merge stayed where triage put them.
    for (const e of after) expect(merged.has(e.errorClassId!), `event ${e.id} in merged class ${e.errorClassId}`).toBe(false);
    for (const e of after) if (before.get(e.id) === target!.id) expect(e.errorClassId).toBe(target!.id);
    expect(await readClassDays(t.db)).toEqual(await scanClassDays(t.db));
  });
});
