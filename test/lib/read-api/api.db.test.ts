import { Validator } from '@seriousme/openapi-schema-validator';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createIngestToken } from '../../../lib/auth/ingest-tokens';
import { parseSettings } from '../../../lib/env';
import { RESPONSE_SCHEMAS } from '../../../lib/http/openapi';
import { ROUTES } from '../../../lib/http/routes';
import { classifyAndRank } from '../../../lib/rank/classify-and-rank';
import { READ_ENDPOINTS, type ReadPath } from '../../../lib/read-api/endpoints';
import { answerRead } from '../../../lib/read-api/handler';
import { addDays } from '../../../lib/time/day';
import type { TestDb } from '../../helpers/db';
import { createDigestDb, digestSettings } from '../../helpers/digest-fixture';
import { openApiChecker } from '../../helpers/openapi-check';

let t: TestDb;
let reader: string;
let writer: string;
const NOW = new Date('2026-11-20T12:00:00Z');
const settings = parseSettings({ ROLLSCOPE_TIMEZONE: 'Europe/Berlin' });
const PATHS = Object.keys(READ_ENDPOINTS) as ReadPath[];

beforeAll(async () => {
  t = await createDigestDb();
  const rank = digestSettings();
  await classifyAndRank({ db: t.db, settings: rank, week: '2026-W46' });
  await classifyAndRank({ db: t.db, settings: rank, week: '2026-W47' });
  reader = await createIngestToken(t.db, 'grafana', 'read');
  writer = await createIngestToken(t.db, 'pipeline', 'ingest');
  // Enough rollouts and violations that paging has many pages.
  await t.db.prisma.service.create({ data: { name: 'svc-page' } });
  await t.db.prisma.rollout.createMany({ data: Array.from({ length: 137 }, (_, i) => ({
    id: `page-${i}`, service: 'svc-page', env: 'online', startedAt: NOW, day: addDays('2026-11-20', -(i % 7)), outcome: ['succeeded', 'failed', 'in_progress'][i % 3]!,
  })) });
  await t.db.prisma.admissionRule.create({ data: { id: 'r1', title: 'Rule one', kind: 'k', severity: 'warning', mode: 'audit', scope: 'host', ownerId: null } });
  await t.db.prisma.admissionViolation.createMany({ data: Array.from({ length: 45 }, (_, i) => ({
    ruleId: 'r1', subjectType: 'host', subjectId: `h${i}`, status: ['open', 'acknowledged', 'resolved'][i % 3]!, firstSeen: NOW, lastSeen: NOW,
  })) });
}, 120_000);
afterAll(async () => t?.close());

async function call(path: string, query = '', token: string | null = reader) {
  const request = new Request(`http://rollscope.test${path}${query}`, { headers: token ? { authorization: `Bearer ${token}` } : {} });
  const response = await answerRead(request, READ_ENDPOINTS[path as ReadPath], { db: t.db, settings, now: NOW });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> & { data: { id: unknown }[]; total: number; pages: number } };
}

const { doc, ajv, compile: checker } = openApiChecker();

describe('the OpenAPI document', () => {
  it('is a valid OpenAPI 3.1 document naming every endpoint of /api/v1', async () => {
    const result = await new Validator().validate(structuredClone(doc) as unknown as Parameters<Validator['validate']>[0]);
    expect(result.errors ?? [], JSON.stringify(result.errors)).toEqual([]);
    expect(result.valid).toBe(true);
    // The validator does refuse a broken document (a parameter without its `in`).
    const broken = structuredClone(doc) as unknown as { paths: Record<string, { get: { parameters: Record<string, unknown>[] } }> };
    delete broken.paths['/api/v1/rollouts']!.get.parameters[0]!.in;
    expect((await new Validator().validate(broken as unknown as Parameters<Validator['validate']>[0])).valid).toBe(false);
    expect(Object.keys(doc.paths).sort()).toEqual([...PATHS].sort());
    const listed = ROUTES.filter((r) => r.path.startsWith('/api/v1/') && r.path !== '/api/v1/openapi.json').map((r) => r.path);
    expect(listed.sort()).toEqual([...PATHS].sort());
  });

  it('describes the real answers of every endpoint, errors included', async () => {
    const queries: Record<ReadPath, string[]> = {
      '/api/v1/stages': ['', '?week=2026-W47', '?from=2026-11-01&to=2026-11-20&grain=week', '?from=2030-01-01&to=2030-01-02'],
      '/api/v1/kpis': ['', '?throughWeek=2026-W46', '?throughWeek=2001-W01'],
      '/api/v1/classes': ['', '?week=2026-W46&pageSize=1', '?week=2030-W01', '?page=99'],
      '/api/v1/rollouts': ['', '?outcome=failed&pageSize=200', '?from=2026-11-10&to=2026-11-20&service=svc-page', '?page=40'],
      '/api/v1/violations': ['', '?status=open', '?rule=none&page=3'],
    };
    const errorCheck = checker({ $ref: '#/components/schemas/Error' });
    for (const path of PATHS) {
      const check = checker(RESPONSE_SCHEMAS[path]!);
      for (const query of queries[path]) {
        const { status, body } = await call(path, query);
        expect(status, `${path}${query}: ${JSON.stringify(body)}`).toBe(200);
        expect(check(body), `${path}${query}: ${ajv.errorsText(check.errors)}`).toBe(true);
      }
      const bad = { '/api/v1/stages': '?grain=x', '/api/v1/kpis': '?throughWeek=x' }[path as string] ?? '?page=0';
      for (const [query, token, want] of [['', null, 401], ['', writer, 403], [bad, reader, 400]] as const) {
        const { status, body } = await call(path, query, token);
        expect(status).toBe(want);
        expect(errorCheck(body), ajv.errorsText(errorCheck.errors)).toBe(true);
      }
    }
    // The fixture's data shows up: two ranked classes, the added rollouts and violations.
    expect((await call('/api/v1/classes', '?week=2026-W47')).body.total).toBe(2);
    expect((await call('/api/v1/violations')).body.total).toBe(45);
  });
});

describe('/api/v1 access and parameters', () => {
  it('answers 401 without a read token, 403 for an ingest token, 400 naming a bad parameter', async () => {
    for (const path of PATHS) {
      expect((await call(path, '', null)).status).toBe(401);
      expect((await call(path, '', 'rs_unknown')).status).toBe(401);
      const forbidden = await call(path, '', writer);
      expect([forbidden.status, forbidden.body.error]).toEqual([403, expect.stringContaining('needs a read token')]);
    }
    const cases: [string, string, string][] = [
      ['/api/v1/rollouts', '?pageSize=201', 'pageSize'], ['/api/v1/rollouts', '?from=2026-01-01&to=2026-12-31', 'to'],
      ['/api/v1/rollouts', `?service=${'x'.repeat(201)}`, 'service'], ['/api/v1/classes', '?week=2026-W99', 'week'],
      ['/api/v1/violations', '?status=closed', 'status'], ['/api/v1/stages', '?grain=month', 'grain'], ['/api/v1/kpis', '?throughWeek=x', 'throughWeek'],
      ['/api/v1/violations', '?page=1&page=2', 'page'],
    ];
    for (const [path, query, param] of cases) {
      const { status, body } = await call(path, query);
      expect([status, body.error], `${path}${query}`).toEqual([400, expect.stringMatching(new RegExp(`^${param}: `))]);
    }
  });

  it('pages cover every row exactly once, for any page size', async () => {
    const lists: [ReadPath, string][] = [['/api/v1/rollouts', ''], ['/api/v1/rollouts', '&outcome=failed'], ['/api/v1/violations', ''], ['/api/v1/classes', '&week=2026-W47']];
    await fc.assert(fc.asyncProperty(fc.constantFrom(...lists), fc.integer({ min: 1, max: 200 }), async ([path, filter], size) => {
      const first = await call(path, `?pageSize=${size}${filter}`);
      const ids: unknown[] = [];
      for (let page = 1; page <= first.body.pages + 1; page += 1) {
        const { body } = await call(path, `?page=${page}&pageSize=${size}${filter}`);
        expect(body.data.length).toBe(page < body.pages ? size : page === body.pages ? body.total - size * (page - 1) : 0);
        ids.push(...body.data.map((r) => r.id));
      }
      expect(ids.length).toBe(first.body.total);
      expect(new Set(ids).size).toBe(ids.length);
    }), { numRuns: 25 });
    const all = await t.db.prisma.rollout.count({ where: { day: { gte: '2026-11-14', lte: '2026-11-20' } } });
    expect((await call('/api/v1/rollouts')).body.total).toBe(all);
  }, 120_000);
});
