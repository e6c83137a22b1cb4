import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDb, type Db } from '../../../lib/db';
import { loadMiner, MinerStateConflictError, rememberMiner, saveMiner } from '../../../lib/classify/miner-store';
import { runClassification } from '../../../lib/classify/run-classification';
import { loadCategoryConfig, parseRoutingConfig } from '../../../lib/classify/rules';
import { createTestDb, EXPECTED_KIND, type TestDb } from '../../helpers/db';
import { ingestRuns } from '../../helpers/ingest';

let t: TestDb;
let other: Db;
beforeAll(async () => {
  t = await createTestDb();
  other = await openDb(t.url);
});
afterAll(async () => {
  await other?.close();
  await t?.close();
});

const classify = (db: Db) => runClassification({ db, categories: loadCategoryConfig(null), routing: parseRoutingConfig({ rules: [] }, 'test') });
const version = async () => (await t.db.prisma.classifierState.findUnique({ where: { id: 'template-miner' } }))?.version ?? 0;

describe(`the classifier's saved state with two processes (${EXPECTED_KIND})`, () => {
  it(`refuses to save a miner over a state another process saved after it was read, and keeps the other's (${EXPECTED_KIND})`, async () => {
    await ingestRuns(t.db, [{ rollout: 'a1', stage: 'image-pull', at: '2026-11-17T10:00:00Z', message: 'pull of registry.example.com/feed:1 timed out after 30s' }]);
    await classify(t.db);
    // This process reads the state (as a classification that then stalls past its lease would) …
    const stale = await t.db.prisma.$transaction((tx) => loadMiner(t.db, tx));
    // … the other process classifies meanwhile and saves what it learned …
    await ingestRuns(other, [{ rollout: 'b1', stage: 'health-check', at: '2026-11-18T10:00:00Z', message: 'health check GET /healthz returned 503 after 3 attempts' }]);
    expect(await classify(other)).toMatchObject({ events: 1, classesCreated: 1 });
    const saved = await version();
    // … so the stale miner is not written over it.
    stale.add('pull of registry.example.com/feed:2 timed out after 31s');
    await expect(t.db.prisma.$transaction((tx) => saveMiner(t.db, tx, stale))).rejects.toBeInstanceOf(MinerStateConflictError);
    rememberMiner(t.db);
    expect(await version()).toBe(saved);
    // The next run here reads the newer state: it knows the other process's class.
    await ingestRuns(t.db, [{ rollout: 'a2', stage: 'health-check', at: '2026-11-19T10:00:00Z', message: 'health check GET /healthz returned 503 after 4 attempts' }]);
    expect(await classify(t.db)).toMatchObject({ events: 1, classesCreated: 0 });
    expect(await version()).toBe(saved + 1);
  });
});
