import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, MAX_ROLLOUT_DAYS } from '../read-api/params';
import { MAX_PAGE, MAX_TEXT_LENGTH } from './fields';

/**
 * The OpenAPI 3.1 document of the read-only JSON API, served at /api/v1/openapi.json. Written
 * here beside the parameter schemas (lib/read-api/params.ts); test/lib/read-api/openapi.db.test.ts
 * validates it and checks every endpoint's real answers against its response schemas, which are
 * closed (additionalProperties: false) so a field added to an answer must be added here too.
 */
type Schema = Record<string, unknown>;
const str: Schema = { type: 'string' };
const int: Schema = { type: 'integer', minimum: 0 };
const num: Schema = { type: 'number' };
const bool: Schema = { type: 'boolean' };
const nullable = (s: Schema): Schema => ({ anyOf: [s, { type: 'null' }] });
const arr = (items: Schema): Schema => ({ type: 'array', items });
const obj = (properties: Record<string, Schema>, optional: string[] = []): Schema => {
  const required = Object.keys(properties).filter((k) => !optional.includes(k));
  return { type: 'object', additionalProperties: false, properties, required };
};
const ref = (name: string): Schema => ({ $ref: `#/components/schemas/${name}` });
const day: Schema = { type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2}$', examples: ['2026-11-20'] };
const week: Schema = { type: 'string', pattern: '^\\d{4}-W\\d{2}$', examples: ['2026-W47'] };
const instant: Schema = { type: 'string', format: 'date-time' };
const ratio: Schema = nullable({ type: 'number', minimum: 0, maximum: 1 });
const pageFields = {
  page: { type: 'integer', minimum: 1 }, pageSize: { type: 'integer', minimum: 1, maximum: MAX_PAGE_SIZE }, total: int, pages: int,
};

const schemas: Record<string, Schema> = {
  Error: obj({ error: str, details: arr(obj({ param: str, message: str })) }, ['details']),
  Stage: obj({
    key: str, name: str, ownerId: nullable(str), attempts: int, failures: int, successes: int, successRate: ratio, firstPassRate: ratio,
    previousRate: ratio, cumulativeYield: ratio, daily: arr(obj({ day: str, rate: ratio })),
  }),
  KpiWeek: obj({
    week, successRate: ratio, firstPassYield: ratio, unattendedRate: ratio, rollouts: int, days: { type: 'integer', minimum: 1, maximum: 7 },
  }),
  Targets: obj({ successRate: num, stageSuccessRate: num, yield: num, unattendedRate: num, rolloutsPerWeek: nullable(int) }),
  ErrorClass: obj({
    id: int, rank: int, title: str, template: str, category: str, stage: nullable(str), ownerId: nullable(str), assigneeId: nullable(str),
    status: str, badge: str, in80: bool, failures: int, previousFailures: int, failedRollouts: int, services: int, hosts: int,
    uplift: num, upliftRollouts: int, upliftOf: int,
    expectedGain: nullable(obj({ value: num, low: num, high: num })),
    toil: nullable(obj({ attemptsLost: int, timeLostMs: int, manualRetries: int })),
    firstSeen: nullable(instant), lastSeen: nullable(instant),
  }),
  Rollout: obj({
    id: str, service: str, env: str, day, outcome: { enum: ['succeeded', 'failed', 'in_progress'] },
    startedAt: instant, finishedAt: nullable(instant),
    stageRuns: int, failedRuns: int, manualRetries: int, steps: int,
  }),
  Violation: obj({
    id: int, ruleId: str, rule: str, severity: str, mode: str, ownerId: nullable(str),
    subjectType: str, subjectId: str, status: str, count: int,
    firstSeen: instant, lastSeen: instant, resolvedAt: nullable(instant), acknowledgedAt: nullable(instant),
  }),
};

type Param = { name: string; description: string; schema: Schema };
const q = (name: string, description: string, schema: Schema): Param => ({ name, description, schema });
const pageParams = [
  q('page', `Page number (1 to ${MAX_PAGE}); pages past the last are empty`, { type: 'integer', minimum: 1, maximum: MAX_PAGE, default: 1 }),
  q('pageSize', `Rows per page (1 to ${MAX_PAGE_SIZE})`, { type: 'integer', minimum: 1, maximum: MAX_PAGE_SIZE, default: DEFAULT_PAGE_SIZE }),
];
const errors = {
  '400': { description: 'A URL parameter is bad; `details` names each one', content: { 'application/json': { schema: ref('Error') } } },
  '401': { description: 'No bearer token, or an unknown or revoked one', content: { 'application/json': { schema: ref('Error') } } },
  '403': { description: 'A token of another scope (an ingest token)', content: { 'application/json': { schema: ref('Error') } } },
};

function get(summary: string, params: Param[], body: Schema) {
  return {
    get: {
      summary, security: [{ readToken: [] }],
      parameters: params.map((p) => ({ name: p.name, in: 'query', required: false, description: p.description, schema: p.schema })),
      responses: { '200': { description: 'OK', content: { 'application/json': { schema: body } } }, ...errors },
    },
  };
}

/** The answer schema of each path, for the test that checks real answers. */
export const RESPONSE_SCHEMAS: Record<string, Schema> = {
  '/api/v1/stages': obj({ from: day, to: day, grain: { enum: ['day', 'week'] }, data: arr(ref('Stage')) }),
  '/api/v1/kpis': obj({ data: arr(ref('KpiWeek')), targets: ref('Targets'), openClasses: int, openViolations: int }),
  '/api/v1/classes': obj({ week: nullable(week), weeks: arr(week), data: arr(ref('ErrorClass')), ...pageFields }),
  '/api/v1/rollouts': obj({ from: day, to: day, data: arr(ref('Rollout')), ...pageFields }),
  '/api/v1/violations': obj({ data: arr(ref('Violation')), ...pageFields }),
};

const range = [
  q('week', 'An ISO week instead of from/to', week),
  q('from', 'First day (YYYY-MM-DD)', day),
  q('to', 'Last day (at most 92 days after from)', day),
];
const outcomes = { enum: ['succeeded', 'failed', 'in_progress'] };
const text = { type: 'string', maxLength: MAX_TEXT_LENGTH };

const PATHS: Record<string, { summary: string; params: Param[] }> = {
  '/api/v1/stages': {
    summary: 'Per-stage attempts, failures and rates over days (default: the last 7)',
    params: [...range, q('grain', 'Buckets of `daily`', { enum: ['day', 'week'], default: 'day' })],
  },
  '/api/v1/kpis': { summary: 'KPIs per ranked week (up to 8), oldest first', params: [q('throughWeek', 'The newest week to include', week)] },
  '/api/v1/classes': {
    summary: "Error classes of one ranked week in rank order, with the week's figures",
    params: [q('week', 'Default: the week the digest reports', week), ...pageParams],
  },
  '/api/v1/rollouts': {
    summary: `Rollouts by start day, newest day first (default: the last 7 days; at most ${MAX_ROLLOUT_DAYS})`,
    params: [q('from', 'First day', day), q('to', 'Last day', day), q('outcome', 'Only this outcome', outcomes), q('service', 'Only this service', text), ...pageParams],
  },
  '/api/v1/violations': {
    summary: 'Admission violations by id',
    params: [q('status', 'Only this status', { enum: ['open', 'acknowledged', 'resolved'] }), q('rule', 'Only this rule id', text), ...pageParams],
  },
};

const DESCRIPTION = 'Read-only figures of Rollscope. Send `Authorization: Bearer <read token>` (npm run token:create -- --scope read <name>).';

export function buildOpenApiDocument() {
  const paths = Object.fromEntries(Object.entries(PATHS).map(([path, p]) => [path, get(p.summary, p.params, RESPONSE_SCHEMAS[path]!)]));
  return {
    openapi: '3.1.0',
    info: { title: 'Rollscope read API', version: '1.0.0', description: DESCRIPTION },
    servers: [{ url: '/' }],
    paths,
    components: { schemas, securitySchemes: { readToken: { type: 'http', scheme: 'bearer', description: 'A token of scope read' } } },
  };
}
