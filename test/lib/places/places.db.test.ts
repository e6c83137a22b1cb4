import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAdmissionRules } from '../../../lib/admission/config';
import { loadChainConfig } from '../../../lib/chain/config';
import { describePeriod, RECENT_ROLLOUTS, resolvePlacePeriod, TOP_CLASSES, TOP_OTHERS, type PlacePeriod } from '../../../lib/places/figures';
import { getHostPlace } from '../../../lib/places/host-place';
import { getServicePlace } from '../../../lib/places/service-place';
import { createTestDb, type TestDb } from '../../helpers/db';
import { ingestRuns, type RunSpec } from '../../helpers/ingest';

let t: TestDb;
const CHAIN = loadChainConfig(null).stages.map((s) => s.key);
const HOSTS = ['web-1', 'web-2', 'h 3/%_ü', "o'neil"];
const SERVICES = ['feed-api', 'svc/β', '100%_svc'];
const DAY0 = Date.UTC(2026, 10, 9); // Monday of 2026-W46: three ISO weeks, W46–W48.
const CLASSES = 24; // More than TOP_CLASSES, so the list is cut.

/** Generated stage runs: rollouts of one service each, retries, skips, failures with one of 24 messages (0: left unclassified). */
const runsArb = fc.array(fc.record({
  service: fc.constantFrom(...SERVICES),
  start: fc.integer({ min: 0, max: 21 * 24 * 60 - 1 }),
  stages: fc.array(fc.record({
    stage: fc.constantFrom(...CHAIN.slice(0, 8)), host: fc.option(fc.constantFrom(...HOSTS), { nil: undefined }),
    tries: fc.array(fc.record({ status: fc.constantFrom('succeeded', 'failed', 'failed', 'skipped'), m: fc.nat(CLASSES) }), { minLength: 1, maxLength: 3 }),
  }), { minLength: 1, maxLength: 5 }),
}), { minLength: 150, maxLength: 150 });

const RUNS: (RunSpec & { day: string })[] = fc.sample(runsArb, { seed: 1201, numRuns: 1 })[0]!.flatMap((r, i) => {
  const seen = new Set<string>();
  return r.stages.filter((s) => !seen.has(s.stage) && seen.add(s.stage)).flatMap((s, j) => s.tries.map((tr, k) => {
    const at = new Date(DAY0 + (r.start + j * 10 + k) * 60_000);
    return {
      rollout: `ro-${i}`, service: r.service, stage: s.stage, attempt: k + 1, host: s.host, at: at.toISOString(), day: at.toISOString().slice(0, 10),
      status: tr.status as RunSpec['status'], ...(tr.status === 'failed' ? { message: `failure kind ${tr.m}` } : {}),
    };
  }));
});

const PERIODS: PlacePeriod[] = [
  { week: '2026-W47', from: '2026-11-16', to: '2026-11-22' },
  { week: null, from: '2026-11-09', to: '2026-11-29' },
  { week: null, from: '2026-11-20', to: '2026-11-20' },
];
const inPeriod = (p: PlacePeriod) => (r: { day: string }) => r.day >= p.from && r.day <= p.to;
const byCodePoint = (a: string, b: string) => (a === b ? 0 : Buffer.compare(Buffer.from(a), Buffer.from(b)));

/** Per-stage figures from the raw runs, in chain order, as the README defines them. */
function stageFigures(runs: typeof RUNS) {
  return CHAIN.flatMap((key) => {
    const of = runs.filter((r) => r.stage === key);
    if (of.length === 0) return [];
    const n = (f: (r: (typeof RUNS)[number]) => boolean) => of.filter(f).length;
    return [{ key, attempts: of.length, successes: n((r) => r.status === 'succeeded'), failures: n((r) => r.status === 'failed'),
      firstAttempts: n((r) => r.attempt === 1 && r.status !== 'skipped'), firstSuccesses: n((r) => r.attempt === 1 && r.status === 'succeeded') }];
  });
}

/** Top counts of a key among failed runs: most first, ties by code point order. */
function topFailing(runs: typeof RUNS, key: (r: (typeof RUNS)[number]) => string | undefined, n: number) {
  const counts = new Map<string, number>();
  for (const r of runs) if (r.status === 'failed' && key(r) !== undefined) counts.set(key(r)!, (counts.get(key(r)!) ?? 0) + 1);
  return [...counts].sort((a, b) => b[1] - a[1] || byCodePoint(a[0], b[0])).slice(0, n).map(([name, failures]) => ({ name, failures }));
}

beforeAll(async () => {
  t = await createTestDb();
  // The admission pass (with no rules) keeps HostEnvSeen, as after any ingestion.
  await ingestRuns(t.db, RUNS.map(({ day: _, ...r }) => r), 'UTC', { admission: parseAdmissionRules({ rules: [] }, 'test') });
  for (let m = 1; m <= CLASSES; m += 1) {
    await t.db.prisma.errorClass.create({ data: { id: m, key: `k${m}`, template: `failure kind ${m}`, name: m % 4 === 0 ? `named ${m}` : null } });
    await t.db.prisma.errorEvent.updateMany({ where: { message: `failure kind ${m}` }, data: { errorClassId: m } });
  }
  await t.db.prisma.admissionRule.create({ data: { id: 'r', title: 'Rule', kind: 'mixed-host', severity: 'critical', mode: 'enforce', scope: 'host' } });
  const v = (subjectType: string, subjectId: string, status: string) => ({ ruleId: 'r', subjectType, subjectId, status, firstSeen: new Date(DAY0), lastSeen: new Date(DAY0) });
  await t.db.prisma.admissionViolation.createMany({ data: [v('host', HOSTS[2]!, 'open'), v('host', HOSTS[0]!, 'resolved'), v('service', SERVICES[1]!, 'acknowledged'), v('host', SERVICES[1]!, 'open')] });
});
afterAll(async () => t?.close());

/** Class counts from the raw events: most first, ties by id; and the events no class holds. */
async function classFigures(where: { host?: string; service?: string }, p: PlacePeriod) {
  const events = (await t.db.prisma.errorEvent.findMany({ select: { host: true, service: true, day: true, errorClassId: true } }))
    .filter((e) => inPeriod(p)(e) && (where.host === undefined || e.host === where.host) && (where.service === undefined || e.service === where.service));
  const counts = new Map<number, number>();
  for (const e of events) if (e.errorClassId !== null) counts.set(e.errorClassId, (counts.get(e.errorClassId) ?? 0) + 1);
  const classes = [...counts].sort((a, b) => b[1] - a[1] || a[0] - b[0]).slice(0, TOP_CLASSES).map(([id, failures]) => ({ id, failures }));
  return { classes, unclassified: events.filter((e) => e.errorClassId === null).length };
}

describe('the host page figures', () => {
  it('match counts taken from the raw runs and events, for every host and period', async () => {
    const cut = { classes: 0, rollouts: 0 };
    for (const host of HOSTS) for (const p of PERIODS) {
      const runs = RUNS.filter((r) => r.host === host && inPeriod(p)(r));
      const h = (await getHostPlace(t.db, host, p))!;
      const label = `${host} ${describePeriod(p)}`;
      expect(h.stages.map(({ key, attempts, successes, failures, firstAttempts, firstSuccesses }) => ({ key, attempts, successes, failures, firstAttempts, firstSuccesses })), label).toEqual(stageFigures(runs));
      for (const s of h.stages) expect(s.firstPassRate, label).toBe(s.firstAttempts ? s.firstSuccesses / s.firstAttempts : null);
      expect([h.runs, h.failures], label).toEqual([runs.length, runs.filter((r) => r.status === 'failed').length]);
      const want = await classFigures({ host }, p);
      expect({ classes: h.classes.map(({ id, failures }) => ({ id, failures })), unclassified: h.unclassified }, label).toEqual(want);
      expect(h.services, label).toEqual(topFailing(runs, (r) => r.service, TOP_OTHERS));
      const latest = new Map<string, string>();
      for (const r of runs) if ((latest.get(r.rollout) ?? '') < r.at) latest.set(r.rollout, r.at);
      const recent = [...latest].sort((a, b) => b[1].localeCompare(a[1]) || byCodePoint(a[0], b[0])).slice(0, RECENT_ROLLOUTS).map(([id]) => id);
      expect(h.rollouts.map((r) => r.id), label).toEqual(recent);
      if (latest.size > RECENT_ROLLOUTS) cut.rollouts += 1;
      if (new Set(runs.flatMap((r) => (r.message && r.message !== 'failure kind 0' ? [r.message] : []))).size > TOP_CLASSES) cut.classes += 1;
    }
    // The data is large enough that the lists are cut somewhere: the bounds are tested, not only the small cases.
    expect(cut.classes).toBeGreaterThan(0);
    expect(cut.rollouts).toBeGreaterThan(0);
  });

  it('names the classes, lists the environments seen, its open violations only, and knows no unknown host', async () => {
    const h = (await getHostPlace(t.db, HOSTS[2]!, PERIODS[1]!))!;
    expect(h.classes.length).toBe(TOP_CLASSES);
    for (const c of h.classes) expect(c.title).toBe(c.id % 4 === 0 ? `named ${c.id}` : `failure kind ${c.id}`);
    // The runs name no environment: ingestion takes them as online.
    expect(h.envs.map((e) => e.env)).toEqual(['online']);
    expect(h.violations.map((v) => [v.subjectType, v.subjectId, v.status])).toEqual([['host', HOSTS[2], 'open']]);
    expect((await getHostPlace(t.db, HOSTS[0]!, PERIODS[1]!))!.violations).toEqual([]);
    for (const host of ['nope', '', 'WEB-1', 'a\u0000']) expect(await getHostPlace(t.db, host, PERIODS[0]!), host).toBeNull();
  });
});

describe('the service page figures', () => {
  it('match counts taken from the raw runs, events and rollouts, for every service and period', async () => {
    const rollouts = await t.db.prisma.rollout.findMany();
    for (const service of SERVICES) for (const p of PERIODS) {
      const runs = RUNS.filter((r) => r.service === service && inPeriod(p)(r));
      const s = (await getServicePlace(t.db, service, p))!;
      const label = `${service} ${describePeriod(p)}`;
      expect(s.stages.map(({ key, attempts, successes, failures, firstAttempts, firstSuccesses }) => ({ key, attempts, successes, failures, firstAttempts, firstSuccesses })), label).toEqual(stageFigures(runs));
      expect({ classes: s.classes.map(({ id, failures }) => ({ id, failures })), unclassified: s.unclassified }, label).toEqual(await classFigures({ service }, p));
      expect(s.hosts, label).toEqual(topFailing(runs, (r) => r.host, TOP_OTHERS));
      const mine = rollouts.filter((r) => r.service === service && inPeriod(p)(r));
      const count = (o: string) => mine.filter((r) => r.outcome === o).length;
      expect(s.outcomes, label).toEqual({ succeeded: count('succeeded'), failed: count('failed'), inProgress: count('in_progress') });
      const recent = [...mine].sort((a, b) => b.startedAt.getTime() - a.startedAt.getTime() || byCodePoint(a.id, b.id)).slice(0, RECENT_ROLLOUTS);
      expect(s.rollouts.map((r) => r.id), label).toEqual(recent.map((r) => r.id));
    }
  });

  it('lists its open violations only, and knows no unknown service', async () => {
    const s = (await getServicePlace(t.db, SERVICES[1]!, PERIODS[0]!))!;
    expect(s.violations.map((v) => [v.subjectType, v.subjectId, v.status])).toEqual([['service', SERVICES[1], 'acknowledged']]);
    for (const name of ['nope', '', 'FEED-API', '\ud800']) expect(await getServicePlace(t.db, name, PERIODS[0]!), name).toBeNull();
  });
});

describe('resolvePlacePeriod', () => {
  const now = new Date('2026-12-01T10:00:00Z'); // A Tuesday: the week just ending is the one before.
  it('opens on the week the dashboard reports, or the week or days asked for', () => {
    expect(resolvePlacePeriod({}, 'UTC', now)).toEqual({ week: '2026-W48', from: '2026-11-23', to: '2026-11-29' });
    expect(resolvePlacePeriod({ week: '2026-W40' }, 'UTC', now)).toEqual({ week: '2026-W40', from: '2026-09-28', to: '2026-10-04' });
    expect(resolvePlacePeriod({ from: '2026-11-01', to: '2026-11-30' }, 'UTC', now)).toEqual({ week: null, from: '2026-11-01', to: '2026-11-30' });
    expect(resolvePlacePeriod({ to: '2026-11-30' }, 'UTC', now)).toEqual({ week: null, from: '2026-11-24', to: '2026-11-30' });
    expect(describePeriod({ week: '2026-W48', from: '2026-11-23', to: '2026-11-29' })).toBe('week 2026-W48, 2026-11-23 – 2026-11-29');
  });
});
