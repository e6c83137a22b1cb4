import { mkdirSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { createIngestToken } from '../../lib/auth/ingest-tokens';
import { openDb } from '../../lib/db';
import { RESPONSE_SCHEMAS } from '../../lib/http/openapi';
import { METRICS } from '../../lib/metrics/prometheus';
import { HAS_CHROMIUM, launchChromium } from '../helpers/browser';
import { openApiChecker } from '../helpers/openapi-check';
import { parsePrometheusText } from '../helpers/prometheus-text';
import { signInPage, USERS } from './setup';

const SHOTS = path.resolve(import.meta.dirname, '../../test-results/pages');

const base = () => inject('baseUrl');
const PATHS = Object.keys(RESPONSE_SCHEMAS);
let reader = '';
let writer = '';

beforeAll(async () => {
  const db = await openDb(inject('databaseUrl'));
  try {
    reader = await createIngestToken(db, 'e2e-grafana', 'read');
    writer = await createIngestToken(db, 'e2e-writer', 'ingest');
  } finally {
    await db.close();
  }
});

const get = (path: string, token: string | null) => fetch(`${base()}${path}`, { redirect: 'manual', headers: token ? { authorization: `Bearer ${token}` } : {} });

describe('data out on the real server', () => {
  it('serves /metrics in the Prometheus text format with every metric of the seeded data', async () => {
    const res = await get('/metrics', null);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const samples = parsePrometheusText(await res.text());
    const names = new Set(samples.map((s) => s.name));
    // The timestamps of jobs and ingest are absent until they first happen (the demo seed runs no job).
    for (const m of METRICS.filter((x) => !/timestamp/.test(x.name))) expect(names, m.name).toContain(m.name);
    const week = samples.filter((s) => s.name === 'rollscope_stage_attempts' && s.labels.window === '7d');
    expect(week.length).toBeGreaterThan(5);
    expect(week.reduce((a, s) => a + s.value, 0)).toBeGreaterThan(0);
  });

  it('answers each /api/v1 endpoint with a read token as its OpenAPI document says, and refuses others', async () => {
    const { doc, ajv, compile } = openApiChecker();
    const served = await get('/api/v1/openapi.json', null);
    expect(served.status).toBe(200);
    expect(await served.json()).toEqual(JSON.parse(JSON.stringify(doc)));
    for (const path of PATHS) {
      const res = await get(path, reader);
      expect(res.status, path).toBe(200);
      const check = compile(RESPONSE_SCHEMAS[path]!);
      const body = await res.json();
      expect(check(body), `${path}: ${ajv.errorsText(check.errors)}`).toBe(true);
      // Not sent to the sign-in page: machines get JSON 401/403.
      const anonymous = await get(path, null);
      expect([anonymous.status, anonymous.headers.get('www-authenticate')], path).toEqual([401, 'Bearer']);
      expect((await get(path, writer)).status, path).toBe(403);
    }
    const bad = await get('/api/v1/rollouts?pageSize=1000', reader);
    expect([bad.status, (await bad.json()).details]).toEqual([400, [{ param: 'pageSize', message: expect.stringContaining('from 1 to 200') }]]);
    const rows = (await (await get('/api/v1/rollouts?pageSize=5', reader)).json()) as { data: unknown[]; total: number };
    expect(rows.data.length).toBe(Math.min(5, rows.total));
  });

  it('answers junk parameters with a 4xx JSON naming them, never a 5xx', async () => {
    const junk = fc.oneof(fc.string({ maxLength: 30 }), fc.constantFrom('0', '-1', '201', '1e3', '2026-W99', '2026-02-30', 'x'.repeat(300)));
    const param = fc.constantFrom('page', 'pageSize', 'week', 'from', 'to', 'grain', 'outcome', 'service', 'status', 'rule', 'throughWeek');
    await fc.assert(fc.asyncProperty(fc.constantFrom(...PATHS, '/metrics'), fc.array(fc.tuple(param, junk), { maxLength: 4 }), async (path, pairs) => {
      const query = new URLSearchParams(pairs).toString();
      const res = await get(`${path}?${query}`, reader);
      expect(res.status, `${path}?${query}`).toBeLessThan(500);
      if (res.status >= 400) expect((await res.json()).error, `${path}?${query}`).toMatch(/\w+: /);
      else await res.arrayBuffer();
    }), { numRuns: 60 });
  });
});

describe.runIf(HAS_CHROMIUM)('read tokens from Settings', () => {
  it('lets an admin create a read token in the browser: it reads /api/v1 and cannot ingest', async () => {
    const browser = await launchChromium();
    try {
      const { page, errors } = await signInPage(browser, base(), USERS.admin);
      await page.goto(`${base()}/settings`);
      const form = 'form[aria-label="New ingest token"]';
      await page.fill(`${form} input[name=name]`, 'e2e-read-ui');
      await page.selectOption(`${form} select[name=scope]`, 'read');
      await page.click(`${form} button[type=submit]`);
      await expect.poll(() => page.textContent('[role=status]')).toMatch(/^Read token created.*rs_[\w-]+/);
      const token = /(rs_[\w-]+)/.exec((await page.textContent('[role=status]'))!)![1]!;
      await page.reload();
      expect(await page.textContent('tr:has-text("e2e-read-ui")')).toContain('read');
      mkdirSync(SHOTS, { recursive: true });
      await page.screenshot({ path: path.join(SHOTS, 'settings-read-token.png'), fullPage: true });
      expect((await get('/api/v1/kpis', token)).status).toBe(200);
      const ingest = await fetch(`${base()}/api/ingest`, { method: 'POST', headers: { authorization: `Bearer ${token}` }, body: '' });
      expect([ingest.status, (await ingest.json()).error]).toEqual([403, expect.stringContaining('needs an ingest token')]);
      expect(errors).toEqual([]);
    } finally {
      await browser.close();
    }
  });
});
