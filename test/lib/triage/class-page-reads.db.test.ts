import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClassRule, deleteClassRule, type RuleChangeDeps } from '../../../lib/classify/class-rule-store';
import { mergeClasses } from '../../../lib/classify/decisions';
import { runClassification } from '../../../lib/classify/run-classification';
import { loadCategoryConfig, parseRoutingConfig } from '../../../lib/classify/rules';
import { ingestRecordSchema } from '../../../lib/ingest/record';
import type { StoreContext } from '../../../lib/ingest/store';
import { storeChunk } from '../../../lib/ingest/store-chunk';
import { runRetention } from '../../../lib/retention/run-retention';
import { addDays } from '../../../lib/time/day';
import { getClassDetail } from '../../../lib/triage/class-detail';
import { EXPECTED_KIND, createTestDb, type TestDb } from '../../helpers/db';
import { ingestRuns } from '../../helpers/ingest';
import { STAGES } from '../../helpers/records';
import { oldClassPageCounts } from './old-readers';

// Issue 14: the class page counts its failed rollouts from ErrorEvent.rolloutFailed and reads its
// breakdown from ErrorClassFacet, both kept by the writers. After any sequence of the real writers —
// ingestions where a rollout's runs arrive over two of them (so its outcome changes after its events
// were stored: a retry succeeds, a later stage fails), classification, a merge in triage, a class
// rule created and deleted, retention, a new miner version — every class page equals the full scan it replaced.

let t: TestDb;
const categories = loadCategoryConfig(null);
const routing = parseRoutingConfig({ rules: [] }, 'test');
const BASE = '2026-06-01';
const USED = ['image-pull', 'container-start', 'health-check'];
const MESSAGES = [
  'disk full on /var/lib/docker (node-3)', 'disk full on /var/lib/docker (node-7)', 'disk full on /data (node-7)',
  'pull registry.example.com/feed:12: i/o timeout after 30s', 'pull registry.example.com/user:4: i/o timeout after 9s',
  'container killed: out of memory (limit 512Mi)', 'container killed: out of memory (limit 2Gi)',
  // Families the miner widens into one template once it has seen three words at one place: the class
  // of a later word is merged into the first one's (the miner's merge), events and all.
  ...['alpha', 'beta', 'gamma', 'delta', 'omega'].map((w) => `deploy of service ${w} rejected by policy`),
  ...['north', 'south', 'east', 'west'].map((w) => `queue worker ${w} stalled on shard`),
];
const RULES = ['disk full on <*>', 'pull registry.example.com/<*>', 'container killed: out of memory <*>'];

type RunArb = { stage: number; failed: boolean; message: number; host: number | null; minute: number };
const runArb: fc.Arbitrary<RunArb> = fc.record({
  stage: fc.integer({ min: 0, max: USED.length - 1 }),
  failed: fc.boolean(),
  message: fc.integer({ min: 0, max: MESSAGES.length - 1 }),
  host: fc.option(fc.integer({ min: 0, max: 3 }), { nil: null }),
  minute: fc.integer({ min: 0, max: 3000 }),
});
// A rollout: its runs in order, of which the first `split` arrive now and the rest in a later ingestion.
const rolloutArb = fc.record({ day: fc.integer({ min: 0, max: 29 }), service: fc.integer({ min: 0, max: 2 }), runs: fc.array(runArb, { minLength: 1, maxLength: 5 }), split: fc.integer({ min: 0, max: 5 }) });
const opArb = fc.oneof(
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('ingest' as const), rollouts: fc.array(rolloutArb, { minLength: 1, maxLength: 6 }), via: fc.constantFrom('pipeline' as const, 'insert' as const), late: fc.boolean() }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('classify' as const) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('merge' as const), pick: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('rule' as const), pattern: fc.integer({ min: 0, max: RULES.length - 1 }), remove: fc.boolean() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('retention' as const), cut: fc.integer({ min: 1, max: 12 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('upgrade' as const) }) },
);
type Op = typeof opArb extends fc.Arbitrary<infer T> ? T : never;

type Spec = { rollout: string; service: string; stage: string; attempt: number; failed: boolean; message: string; host?: string; at: string };
let rolloutSeq = 0;
let ruleSeq = 0;
let line = 0;
/** Runs held back for a later ingestion (the rest of a split rollout). */
const pending: Spec[] = [];
let ctx: StoreContext;
const seen = { outcomeChanges: 0, merges: 0, rules: 0, deletedEvents: 0, splits: 0, upgrades: 0 };

function specsOf(r: { day: number; service: number; runs: RunArb[]; split: number }): { now: Spec[]; later: Spec[] } {
  const rollout = `ro${(rolloutSeq += 1)}`;
  const attempts = new Map<string, number>();
  const specs = r.runs.map((run) => {
    const stage = USED[run.stage]!;
    const attempt = (attempts.get(stage) ?? 0) + 1;
    attempts.set(stage, attempt);
    const at = new Date(Date.parse(`${addDays(BASE, r.day)}T00:00:00Z`) + run.minute * 60_000).toISOString();
    return { rollout, service: `svc-${r.service}`, stage, attempt, failed: run.failed, message: MESSAGES[run.message]!, ...(run.host === null ? {} : { host: `host-${run.host}` }), at };
  });
  return { now: specs.slice(0, r.split), later: specs.slice(r.split) };
}

async function ingest(specs: Spec[], via: 'pipeline' | 'insert'): Promise<void> {
  if (specs.length === 0) return;
  const ids = [...new Set(specs.map((s) => s.rollout))];
  const before = new Map((await t.db.prisma.rollout.findMany({ where: { id: { in: ids } }, select: { id: true, outcome: true } })).map((r) => [r.id, r.outcome]));
  if (via === 'pipeline') {
    await ingestRuns(t.db, specs.map((s) => ({ ...s, status: s.failed ? 'failed' : 'succeeded', message: s.failed ? s.message : undefined })));
  } else {
    const items = specs.map((s) => {
      const record = ingestRecordSchema.parse({
        rollout: s.rollout, service: s.service, stage: s.stage, attempt: s.attempt, status: s.failed ? 'failed' : 'succeeded',
        startedAt: s.at, durationMs: 1000, host: s.host, ...(s.failed ? { errorMessage: s.message } : {}),
      });
      return { record, line: (line += 1), raw: '' };
    });
    const result = await storeChunk(ctx, items, null);
    expect(result.rejections).toEqual([]);
  }
  const after = await t.db.prisma.rollout.findMany({ where: { id: { in: [...before.keys()] } }, select: { id: true, outcome: true } });
  for (const r of after) if ((before.get(r.id) === 'failed') !== (r.outcome === 'failed')) seen.outcomeChanges += 1;
}

const ruleDeps = (): RuleChangeDeps => ({ db: t.db, actor: 'eng@example.com', categories, routing, timeZone: 'UTC', now: new Date('2026-07-15T12:00:00Z') });

async function apply(op: Op): Promise<void> {
  switch (op.kind) {
    case 'ingest': {
      const parts = op.rollouts.map(specsOf);
      const now = parts.flatMap((p) => p.now);
      // A late ingestion also brings the rest of the rollouts split earlier.
      if (op.late) now.push(...pending.splice(0));
      for (const p of parts) if (p.later.length > 0 && p.now.length > 0) seen.splits += 1;
      pending.push(...parts.flatMap((p) => p.later));
      return ingest(now, op.via);
    }
    case 'classify':
      await runClassification({ db: t.db, categories, routing, refresh: 'touched' });
      return;
    case 'merge': {
      const live = await t.db.prisma.errorClass.findMany({ where: { mergedIntoId: null, rule: { is: null } }, orderBy: { id: 'asc' }, select: { id: true } });
      if (live.length < 2) return;
      const target = live[op.pick % live.length]!.id;
      const source = live[(op.pick + 1) % live.length]!.id;
      await mergeClasses(t.db, { targetId: target, sourceIds: [source], actor: 'test' });
      seen.merges += 1;
      return;
    }
    case 'rule': {
      const rules = await t.db.prisma.classRule.findMany({ orderBy: { id: 'asc' } });
      if (op.remove && rules.length > 0) await deleteClassRule(ruleDeps(), rules[0]!.id);
      else await createClassRule(ruleDeps(), { name: `rule ${(ruleSeq += 1)}`, match: { kind: 'template', pattern: RULES[op.pattern]! } });
      seen.rules += 1;
      return;
    }
    case 'retention': {
      // The horizon is BASE + cut days: the rollouts that started before it go, with their events.
      const result = await runRetention({ db: t.db, retentionDays: 400, now: new Date(`${addDays(BASE, op.cut + 399)}T12:00:00Z`), timeZone: 'UTC', batchRollouts: 3 });
      seen.deletedEvents += result.errorEvents;
      return;
    }
    case 'upgrade': {
      // What an older miner left (a state it cannot read, keys of its own numbering): the next pass learns every message again.
      await t.db.prisma.classifierState.updateMany({ where: { id: 'template-miner' }, data: { state: { version: 1, nextId: 900, clusters: [], signatures: [], aliases: [] } } });
      await t.db.prisma.$executeRawUnsafe(`UPDATE "ErrorClass" SET "key" = CAST("id" + 5000 AS TEXT) WHERE "key" NOT LIKE 'rule:%'`);
      await runClassification({ db: t.db, categories, routing, refresh: 'touched' });
      seen.upgrades += 1;
    }
  }
}

/** Every class's page (failed rollouts and breakdown) against the old full-scan queries. */
async function expectPagesMatchScans(): Promise<void> {
  const classes = await t.db.prisma.errorClass.findMany({ select: { id: true } });
  for (const { id } of classes) {
    const page = (await getClassDetail(t.db, id, new Date('2026-07-15T12:00:00Z')))!;
    const old = await oldClassPageCounts(t.db, id);
    expect({ id, failedRollouts: page.failedRollouts, breakdown: page.breakdown }).toEqual({ id, ...old });
  }
  // And each event's flag is its rollout's outcome (events of no stored rollout cannot be counted).
  const wrong = await t.db.prisma.$queryRaw<{ n: bigint | number }[]>`SELECT COUNT(*) AS n FROM "ErrorEvent" e
    LEFT JOIN "Rollout" r ON r."id" = e."rolloutId" WHERE e."rolloutFailed" <> (COALESCE(r."outcome", '') = 'failed')`;
  expect(Number(wrong[0]!.n)).toBe(0);
}

beforeAll(async () => {
  t = await createTestDb();
  ctx = { db: t.db, timeZone: 'UTC', lastStage: STAGES.at(-1)!, knownServices: new Set(), pgMethod: 'insert' };
}, 60_000);
afterAll(async () => t?.close());

describe(`the class page's failed rollouts and breakdown (${EXPECTED_KIND})`, () => {
  it('equal the full scans after any sequence of ingestions, classifications, merges, rule changes and retention', async () => {
    // First, a merge by the miner: one word of a family per classification, the third widens the
    // template and the second word's class (its events in failed and other rollouts) joins the first's.
    for (const [i, w] of ['amber', 'birch', 'cedar'].entries()) {
      const rollout = `pre${i}`;
      await ingest([
        { rollout, service: 'svc-0', stage: 'image-pull', attempt: 1, failed: true, message: `cache node ${w} evicted its lease`, host: 'host-1', at: `${addDays(BASE, 20 + i)}T10:00:00Z` },
        { rollout, service: 'svc-0', stage: 'image-pull', attempt: 2, failed: i === 1, message: `cache node ${w} evicted its lease`, at: `${addDays(BASE, 20 + i)}T11:00:00Z` },
      ], 'pipeline');
      await runClassification({ db: t.db, categories, routing, refresh: 'touched' });
    }
    expect(await t.db.prisma.classDecision.count({ where: { kind: 'merge', actor: 'rollscope' } })).toBeGreaterThan(0);
    await expectPagesMatchScans();
    await fc.assert(
      fc.asyncProperty(fc.array(opArb, { minLength: 3, maxLength: 8 }), async (ops) => {
        for (const op of ops) await apply(op);
        await expectPagesMatchScans();
      }),
      { numRuns: 25, seed: 1414, endOnFailure: true },
    );
    // The runs left over, then a last classification: everything split has arrived.
    await ingest(pending.splice(0), 'pipeline');
    await runClassification({ db: t.db, categories, routing, refresh: 'touched' });
    await expectPagesMatchScans();
    // The sequences did what they are meant to test.
    expect(seen.outcomeChanges).toBeGreaterThan(3);
    expect(seen.splits).toBeGreaterThan(3);
    expect(seen.merges).toBeGreaterThan(0);
    expect(await t.db.prisma.classDecision.count({ where: { kind: 'merge', actor: 'rollscope' } })).toBeGreaterThan(0);
    expect(seen.rules).toBeGreaterThan(1);
    expect(seen.deletedEvents).toBeGreaterThan(0);
    expect(seen.upgrades).toBeGreaterThan(0);
    expect(await t.db.prisma.errorClassFacet.count()).toBeGreaterThan(0);
  }, 600_000);
});
