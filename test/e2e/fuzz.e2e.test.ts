import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createIngestToken } from '../../lib/auth/ingest-tokens';
import { createSession, SESSION_COOKIE } from '../../lib/auth/sessions';
import { openDb } from '../../lib/db';
import { ROUTES, type RouteSpec } from '../../lib/http/routes';
import { USERS } from './setup';

/**
 * Walks every route of the route table (so every page and API route of app/) with generated bad and
 * extreme values, against the production server, while /api/health is asked in parallel: no answer
 * may be a 5xx, take over 2 s, or stop the health check from answering within 2 s.
 */
const LIMIT_MS = 2000;
// Two cores: four requests in flight keep the server busy without queueing everything behind one.
const CONCURRENCY = 4;
const SEED = Number(process.env.FUZZ_SEED ?? 20261120);
const base = () => inject('baseUrl');

type Probe = { method: 'GET' | 'POST'; path: string; headers: Record<string, string>; body?: string | ArrayBuffer; what: string };
type Outcome = { probe: Probe; status: number | null; ms: number; error?: string };

/** Values that broke or could break parsers: calendar edges, number edges, unicode, markup, long text. */
const nasty = fc.oneof(
  fc.constantFrom('0000-00-00', '9999-12-31', '9999-12-30', '0001-01-01', '8999-12-31', '2026-02-30', '2026-13-01', '2026-00-00', '2024-02-29', '+010000-01-01',
    '2026-W53', '9999-W52', '0000-W00', 'all', 'NaN', 'Infinity', '-1', '0', '1e20', '99999999999999999999', '2147483648', '-0', '0x10', 'null', '[]', '{}',
    '%', '%00', '%E0%A4%A', '../../etc/passwd', '<script>alert(1)</script>', "' OR 1=1 --", '\u0000', '🙂', 'é'.normalize('NFD')),
  fc.string({ maxLength: 30 }),
  fc.string({ unit: 'grapheme', maxLength: 12 }),
  fc.integer().map(String),
  fc.double().map(String),
  fc.bigInt({ min: -(10n ** 25n), max: 10n ** 25n }).map(String),
  fc.integer({ min: 2000, max: 10_000 }).map((n) => 'x'.repeat(n)),
);

/** A real-looking value for the parameter, so that the other (bad) ones are what gets judged. */
const plausible = new Map<string, fc.Arbitrary<string>>(Object.entries({
  from: fc.constantFrom('2026-11-01', '2000-01-01', '2099-10-01'),
  to: fc.constantFrom('2026-11-30', '2099-12-31', '2000-03-31'),
  week: fc.constantFrom('2026-W47', '2099-W53', '2000-W01', 'all'),
  page: fc.constantFrom('1', '2', '10000'),
  id: fc.constantFrom('1', '2', '2147483647'),
  key: fc.constantFrom('image-pull', 'health-check', 'nope'),
}));

function paramsOf(route: RouteSpec) {
  const known = Object.keys(route.search.shape);
  const key = known.length > 0 ? fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...known) }, { weight: 1, arbitrary: fc.string({ maxLength: 12 }) }) : fc.string({ maxLength: 12 });
  const value = (k: string) => {
    const real = plausible.get(k);
    return real ? fc.oneof(nasty, real) : nasty;
  };
  // Repeats allowed: ?a=1&a=2 is one of the shapes to survive.
  return fc.array(key.chain((k) => value(k).map((v) => [k, v] as [string, string])), { maxLength: 5 });
}

// Header values must be printable ASCII (fetch refuses others before sending).
const asciiHeader = fc.stringMatching(/^[ -~]{0,60}$/);
/** Headers a client may send to a page, junk included (Next's own RSC headers among them). */
const pageHeaders = fc.oneof(
  fc.constant({}),
  fc.record({ rsc: fc.constant('1'), 'next-router-state-tree': asciiHeader }),
  fc.record({ 'next-router-prefetch': fc.constant('1'), rsc: fc.constant('1') }),
  fc.record({ accept: asciiHeader, 'accept-language': asciiHeader }),
);

function pageProbe(route: RouteSpec, cookies: { viewer: string; engineer: string }): fc.Arbitrary<Probe> {
  const segment = fc.oneof(nasty, plausible.get('id')!, plausible.get('key')!).map((s) => encodeURIComponent(s) || 'x');
  // One in five asks without a session, as a stranger would; of the others, half as an engineer (the rule forms are theirs).
  return fc.record({ segment, params: paramsOf(route), headers: pageHeaders, who: fc.integer({ min: 0, max: 4 }) }).map(({ segment, params, headers, who }) => {
    const path = `${route.path.replace(/\[\w+\]/g, segment)}?${new URLSearchParams(params).toString()}`;
    const cookie = who === 0 ? null : who % 2 ? cookies.viewer : cookies.engineer;
    return { method: 'GET', path, headers: cookie ? { ...headers, cookie } : headers, what: route.path };
  });
}

/** Ingest bodies: random text and bytes, JSON of any shape, and records with extreme values in every field. */
function ingestBody(): fc.Arbitrary<string | ArrayBuffer> {
  const record = fc.record({
    rollout: fc.oneof(nasty, fc.constant('fuzz-rollout')),
    service: fc.oneof(nasty, fc.constant('fuzz-service')),
    stage: fc.oneof(fc.constantFrom('image-pull', 'health-check', 'test-build'), nasty),
    attempt: fc.oneof(fc.integer(), fc.double(), fc.constant(2 ** 31), fc.constant(Number.MAX_SAFE_INTEGER), nasty),
    status: fc.oneof(fc.constantFrom('failed', 'succeeded', 'skipped'), nasty),
    startedAt: fc.oneof(fc.constantFrom('2020-01-01T00:00:00Z', '2020-06-30T23:59:59.999+14:00', '9999-12-31T23:59:59Z', '1970-01-01T00:00:00Z',
      '0000-01-01T00:00:00Z', '+275760-09-13T00:00:00Z'), nasty),
    durationMs: fc.oneof(fc.integer(), fc.double(), fc.constant(1e300), nasty),
    errorMessage: fc.oneof(nasty, fc.string({ unit: 'grapheme', maxLength: 200 })),
    attrs: fc.dictionary(fc.string({ maxLength: 10 }), fc.oneof(fc.string({ maxLength: 20 }), fc.double()), { maxKeys: 5 }),
    manual: fc.oneof(fc.boolean(), nasty),
  }, { requiredKeys: [] });
  return fc.oneof(
    fc.string({ maxLength: 500 }),
    fc.uint8Array({ maxLength: 2000 }).map((bytes) => bytes.slice().buffer),
    fc.json({ maxDepth: 3 }),
    fc.array(record, { maxLength: 20 }).map((rs) => rs.map((r) => JSON.stringify(r)).join('\n')),
    fc.array(record, { maxLength: 20 }).map((rs) => JSON.stringify(rs)),
    fc.array(fc.array(fc.oneof(nasty, fc.constantFrom('"', '""', ',', '\r\n')), { maxLength: 8 }), { maxLength: 10 })
      .map((rows) => ['rollout,service,stage,status,startedAt,attempt', ...rows.map((r) => r.join(','))].join('\n')),
  );
}

const knownTypes = fc.constantFrom('application/json', 'text/csv', 'application/x-ndjson', 'text/plain', 'multipart/form-data', 'application/json; charset=latin1');
const contentType = fc.option(fc.oneof(knownTypes, asciiHeader), { nil: undefined });

function apiBodyProbe(path: string, token: string, body: fc.Arbitrary<string | ArrayBuffer>): fc.Arbitrary<Probe> {
  const extra = fc.oneof(fc.constant({}), fc.constant({ 'content-encoding': 'gzip' }), fc.record({ 'x-junk': asciiHeader }));
  return fc.record({ body, type: contentType, extra }).map(({ body, type, extra }) => ({
    method: 'POST', path, body, what: path,
    headers: { authorization: `Bearer ${token}`, ...(type ? { 'content-type': type } : {}), ...extra },
  }));
}

/** Pre-flight bodies: the right shape with extreme values (thousands of hosts, huge strings), and any JSON. */
function preflightBody(): fc.Arbitrary<string> {
  const request = fc.record({
    service: fc.oneof(nasty, fc.constant('feed-api')),
    env: fc.oneof(fc.constantFrom('test', 'prerelease', 'online'), nasty),
    hosts: fc.oneof(fc.array(nasty, { maxLength: 30 }), fc.integer({ min: 1000, max: 12_000 }).map((n) => Array.from({ length: n }, (_, i) => `fuzz-host-${i}.dc1`)), nasty),
    image: fc.oneof(nasty, fc.constant('feed-api:1.0')),
    stages: fc.oneof(fc.array(fc.oneof(nasty, fc.constant('image-pull')), { maxLength: 40 }), nasty),
    extra: fc.option(nasty, { nil: undefined }),
  }, { requiredKeys: [] });
  // A valid request but for its size: thousands of hosts, long names, every stage.
  const big = fc.record({
    service: fc.constantFrom('feed-api', 'no-such-service'),
    env: fc.constantFrom('test', 'prerelease', 'online'),
    hosts: fc.integer({ min: 1, max: 12_000 }).map((n) => Array.from({ length: n }, (_, i) => `fuzz-host-${i}.dc1`)),
    image: fc.string({ maxLength: 300 }),
    stages: fc.constant(['test-build', 'image-build', 'image-push', 'image-pull', 'health-check']),
  });
  return fc.oneof(request.map((r) => JSON.stringify(r)), big.map((r) => JSON.stringify(r)), fc.json({ maxDepth: 3 }), fc.string({ maxLength: 300 }));
}

/** The issue's own requests and valid requests at the limits: they must answer too, and fast. */
const FIXED: string[] = [
  '/stages?from=9999-12-30&to=9999-12-31', '/stages?from=0001-01-01&to=8999-12-31', '/errors/99999999999999999999', '/errors?from=2026-13-01&to=2026-13-05',
  '/stages/image-pull?from=2026-00-00', '/stages?from=2099-10-01&to=2099-12-31', '/stages?from=2000-01-01', '/errors?from=2000-01-01&to=2000-12-31',
  '/errors?from=2026-01-01&to=2026-12-31&sort=change', '/errors?page=10000', '/errors?week=9999-W52', '/quarantine?page=10000', '/admission?week=all',
  '/admission?week=2099-W53', '/digests?week=2000-W01', '/api/errors/export?from=2025-12-01&to=2026-11-30', `/errors?service=${'x'.repeat(200)}`,
  `/errors?service=${'x'.repeat(15_000)}`, '/errors/2147483647', '/digests/2147483647', '/stages/no-such-stage', '/admission/no-such-rule', '/admission/%E0%A4%A',
  '/errors/rules', '/errors/rules/new?class=2147483647', '/errors/rules/new?class=1', '/errors/rules/2147483647', '/errors/rules/new?class=0', '/errors/rules/rules',
];

async function send(probe: Probe): Promise<Outcome> {
  const started = performance.now();
  try {
    const res = await fetch(`${base()}${probe.path}`, { method: probe.method, headers: probe.headers, body: probe.body, redirect: 'manual', signal: AbortSignal.timeout(15_000) });
    await res.arrayBuffer();
    return { probe, status: res.status, ms: performance.now() - started };
  } catch (error) {
    return { probe, status: null, ms: performance.now() - started, error: (error as Error).message };
  }
}

async function runAll(probes: Probe[]): Promise<Outcome[]> {
  const outcomes: Outcome[] = [];
  let next = 0;
  const worker = async () => {
    while (next < probes.length) outcomes.push(await send(probes[next++]!));
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  return outcomes;
}

/** Asks /api/health every 100 ms until stopped; returns each answer's latency (null: no answer or not 200). */
function watchHealth(): { stop: () => Promise<(number | null)[]> } {
  const latencies: (number | null)[] = [];
  let running = true;
  const loop = (async () => {
    while (running) {
      const started = performance.now();
      const ok = await fetch(`${base()}/api/health`, { signal: AbortSignal.timeout(10_000) }).then((r) => r.ok).catch(() => false);
      latencies.push(ok ? performance.now() - started : null);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  })();
  return { stop: async () => ((running = false), await loop, latencies) };
}

const show = (o: Outcome) => `${o.probe.method} ${o.probe.path.slice(0, 160)}${o.probe.path.length > 160 ? '…' : ''} → ${o.status ?? o.error} in ${Math.round(o.ms)} ms`;

describe('every route under generated bad and extreme input', () => {
  let cookie = '';
  let engineerCookie = '';
  let token = '';

  beforeAll(async () => {
    const db = await openDb(inject('databaseUrl'));
    try {
      const viewer = await db.prisma.user.findUniqueOrThrow({ where: { email: USERS.viewer } });
      cookie = `${SESSION_COOKIE}=${(await createSession(db, viewer.id)).token}`;
      const engineer = await db.prisma.user.findUniqueOrThrow({ where: { email: USERS.engineer } });
      engineerCookie = `${SESSION_COOKIE}=${(await createSession(db, engineer.id)).token}`;
      token = await createIngestToken(db, 'e2e-fuzz');
    } finally {
      await db.close();
    }
  });

  let outcomes: Outcome[] = [];
  let health: (number | null)[] = [];

  it('answers every request without a 5xx, each within 2 s, while /api/health keeps answering within 2 s', async () => {
    const sample = <T>(arb: fc.Arbitrary<T>, n: number, offset: number) => fc.sample(arb, { numRuns: n, seed: SEED + offset });
    const probes: Probe[] = [
      ...FIXED.map((path): Probe => ({ method: 'GET', path, headers: { cookie }, what: 'fixed' })),
      ...FIXED.filter((path) => path.startsWith('/errors/rules')).map((path): Probe => ({ method: 'GET', path, headers: { cookie: engineerCookie }, what: 'fixed' })),
      ...ROUTES.filter((r) => r.kind === 'page' || r.path === '/api/errors/export' || r.path === '/api/health').flatMap((r, i) => sample(pageProbe(r, { viewer: cookie, engineer: engineerCookie }), r.kind === 'page' ? 30 : 25, i)),
      ...sample(apiBodyProbe('/api/ingest', token, ingestBody()), 100, 100),
      ...sample(apiBodyProbe('/api/admission/check', token, preflightBody()), 100, 200),
    ];
    // Interleaved, so slow and fast routes overlap the way real traffic does.
    const shuffled = fc.sample(fc.shuffledSubarray(probes, { minLength: probes.length, maxLength: probes.length }), { numRuns: 1, seed: SEED })[0]!;
    const watcher = watchHealth();
    const started = performance.now();
    outcomes = await runAll(shuffled);
    const seconds = (performance.now() - started) / 1000;
    health = await watcher.stop();

    const statuses: Record<string, number> = {};
    const byRoute: Record<string, Record<string, number>> = {};
    for (const o of outcomes) {
      const status = String(o.status ?? o.error);
      statuses[status] = (statuses[status] ?? 0) + 1;
      const route = (byRoute[o.probe.what] ??= {});
      route[status] = (route[status] ?? 0) + 1;
    }
    const slowest = [...outcomes].sort((a, b) => b.ms - a.ms)[0]!;
    const answered = health.filter((h): h is number => h !== null).sort((a, b) => a - b);
    const healthFigures = { asked: health.length, unanswered: health.length - answered.length, maxMs: Math.round(answered.at(-1) ?? 0), p95Ms: Math.round(answered[Math.floor(answered.length * 0.95)] ?? 0) };
    console.log(JSON.stringify({ seed: SEED, requests: outcomes.length, seconds: Math.round(seconds * 10) / 10, statuses, byRoute, slowest: show(slowest), health: healthFigures }));

    const bad = outcomes.filter((o) => o.status === null || o.status >= 500 || o.ms > LIMIT_MS).map(show);
    expect(bad, `seed ${SEED}`).toEqual([]);
    expect(health.length).toBeGreaterThan(0);
    expect(health.filter((h) => h === null || h > LIMIT_MS)).toEqual([]);
  });

  it('answers the requests of the issue with 400 or 404, naming the parameter', async () => {
    const get = (path: string) => fetch(`${base()}${path}`, { headers: { cookie }, redirect: 'manual' });
    const refused = [
      ['/stages?from=9999-12-30&to=9999-12-31', 'from'], ['/errors/99999999999999999999', 'id'], ['/errors?from=2026-13-01&to=2026-13-05', 'from'],
      ['/stages/image-pull?from=2026-00-00', 'from'], ['/errors/rules/abc', 'id'], ['/errors/rules/new?class=-1', 'class'],
    ] as const;
    for (const [path, param] of refused) {
      const res = await get(path);
      expect(res.status, path).toBe(400);
      expect(await res.text(), path).toContain(`<code>${param}</code>`);
    }
    const api = await get('/api/errors/export?week=9999-W52');
    expect(api.status).toBe(400);
    expect(await api.json()).toMatchObject({ details: [{ param: 'week' }] });
    for (const path of ['/errors/2147483647', '/digests/2147483647', '/stages/no-such-stage', '/admission/no-such-rule']) expect((await get(path)).status, path).toBe(404);
    expect((await get('/stages?from=2099-10-01&to=2099-12-31')).status).toBe(200);
  });

  afterAll(() => {
    // Kept for the report even when an assertion failed above.
    if (outcomes.length) console.log(`fuzz: ${outcomes.length} requests, ${health.length} health checks`);
  });
});
