import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rebuildClassDays } from '../../../lib/classify/class-days';
import { rebuildClassFacets } from '../../../lib/classify/class-facets';
import { createClassRule, deleteClassRule, type RuleChangeDeps } from '../../../lib/classify/class-rule-store';
import { mergeClasses } from '../../../lib/classify/decisions';
import { runClassification } from '../../../lib/classify/run-classification';
import { loadCategoryConfig, parseRoutingConfig } from '../../../lib/classify/rules';
import { runRetention } from '../../../lib/retention/run-retention';
import { addDays } from '../../../lib/time/day';
import { getClassDetail } from '../../../lib/triage/class-detail';
import { classFiltersSchema, listErrorClasses, PAGE_SIZE } from '../../../lib/triage/list-classes';
import { createTestDb, type TestDb } from '../../helpers/db';
import { ingestRuns, type RunSpec } from '../../helpers/ingest';
import { oldRangeRows, readClassDays, recountClassFigures, scanClassDays } from './old-readers';

// Issue 14: the range list and the class page read from indexes now; on generated data they must
// give exactly what the full scans gave.
let t: TestDb;
const FIRST_DAY = '2026-10-10';
const DAYS = 40;
const SERVICES = ['feed-api', 'user-svc', 'pay-api', 'mail-svc'];
const STAGES = ['image-pull', 'health-check', 'container-start', 'monitor-attach'];
const CLASSES = 6;
const classIds: number[] = [];

const runArb = fc.record({
  rollout: fc.integer({ min: 0, max: 29 }),
  day: fc.integer({ min: 0, max: DAYS - 1 }),
  // Late hours and the next day's early ones put one rollout's events on two days.
  minute: fc.integer({ min: 0, max: 24 * 60 - 1 }),
  stage: fc.constantFrom(...STAGES),
  host: fc.option(fc.integer({ min: 0, max: 4 }), { nil: undefined }),
  failed: fc.boolean(),
});

function buildRuns(): RunSpec[] {
  const seen = new Map<string, number>();
  return fc.sample(runArb, { numRuns: 400, seed: 14 }).map((r) => {
    const rollout = `r${r.rollout}`;
    const attempt = (seen.get(`${rollout}/${r.stage}`) ?? 0) + 1;
    seen.set(`${rollout}/${r.stage}`, attempt);
    const at = new Date(Date.parse(`${addDays(FIRST_DAY, r.day)}T00:00:00Z`) + r.minute * 60_000).toISOString();
    return {
      rollout, stage: r.stage, attempt, at, service: SERVICES[r.rollout % SERVICES.length]!,
      host: r.host === undefined ? undefined : `host-${r.host}`, ...(r.failed || r.rollout % 3 === 0 ? { message: `failure ${r.minute % 7} on ${r.stage}` } : {}),
    };
  });
}

beforeAll(async () => {
  t = await createTestDb();
  await ingestRuns(t.db, buildRuns());
  for (let i = 0; i < CLASSES; i += 1) classIds.push((await t.db.prisma.errorClass.create({ data: { key: `k${i}`, template: `failure <*> ${i}` } })).id);
  // A merged class keeps a few events here, so the list's "not merged" filter is exercised too.
  await t.db.prisma.errorClass.update({ where: { id: classIds[5]! }, data: { mergedIntoId: classIds[0]!, status: 'merged' } });
  const events = await t.db.prisma.errorEvent.findMany({ select: { id: true }, orderBy: { id: 'asc' } });
  const picks = fc.sample(fc.option(fc.integer({ min: 0, max: CLASSES - 1 }), { nil: null, freq: 6 }), { numRuns: events.length, seed: 41 });
  for (const [i, e] of events.entries()) {
    const pick = picks[i]!;
    await t.db.prisma.errorEvent.update({ where: { id: e.id }, data: { errorClassId: pick === null ? null : classIds[pick]! } });
  }
  // Classes written straight into the events, past the writers that keep the per-class-per-day rollup.
  await rebuildClassDays(t.db.prisma);
  // Classes set by hand here, past the writers that keep the per-class facet counts: counted once, as the migration does.
  await rebuildClassFacets(t.db.prisma);
}, 120_000);
afterAll(async () => t?.close());

describe('the bounded error-page reads', () => {
  it('list the classes of any range of days, of one service or all, exactly as the full scan did', async () => {
    const failed = await t.db.prisma.rollout.count({ where: { outcome: 'failed' } });
    expect(failed).toBeGreaterThan(0);
    const spanning = await t.db.prisma.errorEvent.groupBy({ by: ['errorClassId', 'rolloutId', 'day'], where: { errorClassId: { not: null } } });
    const pairs = new Set(spanning.map((s) => `${s.errorClassId}/${s.rolloutId}`));
    // The data has class and rollout pairs on more than one day: distinct rollouts are not a sum over days.
    expect(spanning.length).toBeGreaterThan(pairs.size);
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: -3, max: DAYS + 2 }), fc.integer({ min: 0, max: 25 }), fc.option(fc.constantFrom(...SERVICES, 'no-such-svc', ''), { nil: undefined }),
        async (start, length, service) => {
          const range = { from: addDays(FIRST_DAY, start), to: addDays(FIRST_DAY, start + length) };
          const query = { ...range, ...(service === undefined ? {} : { service }) };
          const listed = await listErrorClasses(t.db, classFiltersSchema.parse(query));
          expect(listed.rows).toEqual((await oldRangeRows(t.db, range, service)).slice(0, PAGE_SIZE));
        },
      ),
      { numRuns: 60 },
    );
  });

  it('give each class page the samples, timeline, breakdown and failed rollouts of a recount from all events', async () => {
    for (const day of [addDays(FIRST_DAY, 20), addDays(FIRST_DAY, DAYS + 5)]) {
      const now = new Date(`${day}T12:00:00Z`);
      for (const id of classIds) {
        const c = (await getClassDetail(t.db, id, now))!;
        const expected = await recountClassFigures(t.db, id, { from: addDays(day, -29), to: day });
        expect(c.samples.map((s) => s.id)).toEqual(expected.sampleIds);
        expect(c.timeline).toEqual(expected.timeline);
        expect(c.breakdown).toEqual(expected.breakdown);
        expect(c.failedRollouts).toBe(expected.failedRollouts);
      }
    }
  });
});

// The per-class-per-day rollup (lib/classify/class-days.ts) after random sequences of the real
// writers — ingestion with classification, full classification runs, merges in triage, class rules
// created and deleted, a new miner version, retention — equals a full scan of the events, and so
// do the range list and the class page read from it.
describe('the per-class-per-day rollup', () => {
  let u: TestDb;
  let rollouts = 0;
  let repeatedSeen = 0;
  // What the writers did over all runs: each kind must have moved or deleted events at least once.
  const did = { classified: 0, merged: 0, ruleMoved: 0, upgraded: 0, expired: 0 };
  const BASE = '2026-09-01';
  const SPAN = 24;
  const categories = loadCategoryConfig(null);
  const routing = parseRoutingConfig({ rules: [] }, 'test');
  const ruleDeps = (): RuleChangeDeps => ({ db: u.db, actor: 'eng@example.com', categories, routing, timeZone: 'UTC', now: new Date('2026-10-01T12:00:00Z') });
  const MESSAGES = [
    (a: number, b: number) => `pull registry.example.com/app-${a}:${b}: i/o timeout after ${a + b}s`,
    (a: number) => `container killed: out of memory (limit ${128 * (1 + (a % 3))}Mi)`,
    (_a: number, b: number) => `health check GET /ready returned 503 after ${b % 4} attempts`,
    (a: number) => `disk full on /var/lib/${['docker', 'kubelet', 'data'][a % 3]}`,
  ];
  const RULES = ['pull <*> i/o timeout after 3s', 'container killed: out of memory (limit 256Mi)', 'health check GET /ready returned 503 after <*> attempts', 'disk full on /var/lib/<*>'];

  // A rollout's failures fall on its first day and up to two days after: one class on several days.
  const failureArb = fc.record({ message: fc.nat(MESSAGES.length - 1), a: fc.nat(5), b: fc.nat(5), after: fc.nat(2), minute: fc.nat(24 * 60 - 1), stage: fc.constantFrom(...STAGES) });
  const rolloutArb = fc.record({ day: fc.nat(SPAN - 1), service: fc.constantFrom(...SERVICES), failures: fc.array(failureArb, { minLength: 1, maxLength: 4 }) });
  const opArb = fc.oneof(
    { weight: 5, arbitrary: fc.record({ kind: fc.constant('ingest' as const), rollouts: fc.array(rolloutArb, { minLength: 1, maxLength: 6 }), classify: fc.boolean() }) },
    { weight: 2, arbitrary: fc.record({ kind: fc.constant('classify' as const) }) },
    { weight: 2, arbitrary: fc.record({ kind: fc.constant('merge' as const), source: fc.nat(), target: fc.nat() }) },
    { weight: 2, arbitrary: fc.record({ kind: fc.constant('rule' as const), pattern: fc.nat(RULES.length - 1), remove: fc.boolean() }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('upgrade' as const) }) },
    { weight: 2, arbitrary: fc.record({ kind: fc.constant('widen' as const), day: fc.nat(SPAN - 2) }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('retention' as const), keep: fc.integer({ min: 4, max: SPAN + 2 }) }) },
  );
  type Op = typeof opArb extends fc.Arbitrary<infer T> ? T : never;

  function runsOf(op: Extract<Op, { kind: 'ingest' }>): RunSpec[] {
    return op.rollouts.flatMap((r) => {
      const rollout = `p${(rollouts += 1)}`;
      const attempts = new Map<string, number>();
      const sorted = [...r.failures].sort((x, y) => x.after - y.after || x.minute - y.minute);
      return sorted.map((f) => {
        const attempt = (attempts.get(f.stage) ?? 0) + 1;
        attempts.set(f.stage, attempt);
        const at = new Date(Date.parse(`${addDays(BASE, r.day + f.after)}T00:00:00Z`) + f.minute * 60_000).toISOString();
        return { rollout, stage: f.stage, attempt, at, service: r.service, message: MESSAGES[f.message]!(f.a, f.b) };
      });
    });
  }

  // Words the miner keeps apart until it has seen three in one place: then it widens them into one
  // template, and the classes of the narrower ones are merged into it within a classification pass.
  const OPERATORS = ['alice', 'bob', 'carol', 'dave', 'erin', 'frank', 'grace', 'heidi', 'ivan', 'judy', 'mallory', 'oscar'];
  let widened = 0;
  function widenRuns(day: number): RunSpec[] {
    const rollout = `w${(rollouts += 1)}`;
    const message = `deploy aborted by operator ${OPERATORS[(widened += 1) % OPERATORS.length]}`;
    return [0, 1].map((k) => ({ rollout, stage: STAGES[k]!, at: `${addDays(BASE, day + k)}T10:00:00Z`, service: SERVICES[0]!, message }));
  }

  const liveClasses = async () => (await u.db.prisma.errorClass.findMany({ where: { mergedIntoId: null, rule: { is: null } }, orderBy: { id: 'asc' } })).map((c) => c.id);

  async function apply(op: Op): Promise<void> {
    if (op.kind === 'ingest') did.classified += (await ingestRuns(u.db, runsOf(op), 'UTC', { classify: op.classify })).classification?.events ?? 0;
    else if (op.kind === 'widen') did.classified += (await ingestRuns(u.db, widenRuns(op.day), 'UTC', { classify: true })).classification?.events ?? 0;
    else if (op.kind === 'classify') did.classified += (await runClassification({ db: u.db, categories, routing, refresh: 'all' })).events;
    else if (op.kind === 'merge') {
      const live = await liveClasses();
      const [source, target] = [live[op.source % Math.max(1, live.length)], live[op.target % Math.max(1, live.length)]];
      if (source === undefined || target === undefined || source === target) return;
      await mergeClasses(u.db, { targetId: target, sourceIds: [source], actor: 'test' });
      did.merged += 1;
    } else if (op.kind === 'rule') {
      const rules = await u.db.prisma.classRule.findMany({ orderBy: { id: 'asc' } });
      const { change } = op.remove && rules.length > 0
        ? await deleteClassRule(ruleDeps(), rules[op.pattern % rules.length]!.id)
        : await createClassRule(ruleDeps(), { name: `rule ${rules.length} ${op.pattern}`, match: { kind: 'template', pattern: RULES[op.pattern]! } });
      did.ruleMoved += change.moved;
    } else if (op.kind === 'upgrade') {
      // What an older miner left: a state it cannot read (saved by another process: a new row version, so this
      // process reads it again instead of using its copy), and class keys of its own numbering.
      const state = { version: 1, nextId: 900, clusters: [], signatures: [], aliases: [] };
      const saved = await u.db.prisma.classifierState.updateMany({ data: { state, version: { increment: 1 } } });
      if (saved.count === 0) return;
      await u.db.prisma.$executeRawUnsafe(`UPDATE "ErrorClass" SET "key" = CAST("id" + 5000 AS TEXT) WHERE "key" NOT LIKE 'rule%'`);
      await runClassification({ db: u.db, categories, routing, refresh: 'all' });
      did.upgraded += 1;
    } else {
      did.expired += (await runRetention({ db: u.db, retentionDays: op.keep, now: new Date(`${addDays(BASE, SPAN)}T12:00:00Z`), timeZone: 'UTC', batchRollouts: 3 })).errorEvents;
    }
  }

  async function check(ranges: [number, number][]): Promise<void> {
    const expected = await scanClassDays(u.db);
    const stored = await readClassDays(u.db);
    expect(stored).toEqual(expected);
    repeatedSeen += stored.pairs.length;
    for (const [start, length] of ranges) {
      const range = { from: addDays(BASE, start), to: addDays(BASE, start + length) };
      // Sparklines are of the ranked weeks (ingestion ranks the week in progress), not of the range.
      const listed = (await listErrorClasses(u.db, classFiltersSchema.parse(range))).rows.map((r) => ({ ...r, trend: [] }));
      expect(listed).toEqual((await oldRangeRows(u.db, range)).slice(0, PAGE_SIZE));
    }
    const now = new Date(`${addDays(BASE, ranges[0]![0] + 20)}T12:00:00Z`);
    for (const id of (await liveClasses()).slice(0, 3)) {
      const expectedClass = await recountClassFigures(u.db, id, { from: addDays(now.toISOString().slice(0, 10), -29), to: now.toISOString().slice(0, 10) });
      expect((await getClassDetail(u.db, id, now))!.timeline).toEqual(expectedClass.timeline);
    }
  }

  beforeAll(async () => {
    u = await createTestDb();
  });
  afterAll(async () => u?.close());

  it('equals a full scan of the events after any sequence of ingestion, classification, merges, rules, miner upgrades and retention', async () => {
    const rangeArb = fc.tuple(fc.integer({ min: -2, max: SPAN + 2 }), fc.integer({ min: 0, max: 30 }));
    // A merge in triage before a new miner version: the upgrade moves events (their miner class is the merged one).
    const failure = (message: number, after: number) => ({ message, a: 1, b: 2, after, minute: 600, stage: STAGES[0]! });
    const mergedThenUpgraded: [Op[], [number, number][]] = [[
      { kind: 'ingest', classify: true, rollouts: [{ day: 3, service: SERVICES[0]!, failures: [failure(1, 0), failure(1, 2), failure(3, 1)] }] },
      { kind: 'merge', source: 0, target: 1 },
      { kind: 'upgrade' },
    ], [[0, 10], [4, 1]]];
    await fc.assert(
      fc.asyncProperty(fc.array(opArb, { minLength: 2, maxLength: 6 }), fc.array(rangeArb, { minLength: 2, maxLength: 3 }), async (ops, ranges) => {
        for (const op of ops) {
          await apply(op);
          await check(ranges);
        }
      }),
      { numRuns: 20, seed: 1402, endOnFailure: true, examples: [mergedThenUpgraded] },
    );
    // Class and rollout pairs on several days were there to count (distinct rollouts are not a sum of days).
    expect(repeatedSeen).toBeGreaterThan(0);
    for (const n of Object.values(did)) expect(n).toBeGreaterThan(0);
    // The miner widened templates too, merging classes within a classification pass.
    const merges = await u.db.prisma.classDecision.findMany({ where: { kind: 'merge', actor: 'rollscope' }, select: { value: true } });
    expect(merges.some((m) => (m.value as { by?: string }).by === 'template')).toBe(true);
  }, 300_000);
});
