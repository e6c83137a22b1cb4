import fc from 'fast-check';

/**
 * Generated OTLP trace requests for the adapter's tests: pipeline runs as span trees (a pipeline-run
 * root, task runs under it — some re-run, some named after no stage — and other spans), written
 * as OTLP/JSON objects with hex ids; `toProtobufObject` gives the same request for encodeRequest.
 */
export type GenTask = { name: string; result?: string; code: number; message: string; retries: number; extraChild: boolean };
export type GenRun = { service: string; env?: string; runId?: string; tasks: GenTask[] };

export const runArb: fc.Arbitrary<GenRun> = fc.record({
  service: fc.constantFrom('feed-api', 'pay-api', 'unknown_service:node'),
  env: fc.option(fc.constantFrom('production', 'staging', 'test', 'moon'), { nil: undefined }),
  runId: fc.option(fc.stringMatching(/^[a-z0-9-]{1,12}$/), { nil: undefined }),
  tasks: fc.array(fc.record({
    name: fc.constantFrom('Image build', 'image-push', 'Health check', 'lint', 'Canary traffic'),
    result: fc.option(fc.constantFrom('success', 'failure', 'timeout', 'skip', 'bogus'), { nil: undefined }),
    code: fc.integer({ min: 0, max: 2 }),
    message: fc.constantFrom('', 'connection reset', 'exit code 137'),
    retries: fc.integer({ min: 0, max: 2 }),
    extraChild: fc.boolean(),
  }), { minLength: 1, maxLength: 6 }),
});

const str = (v: string) => ({ stringValue: v });
const kv = (attrs: Record<string, string>) => Object.entries(attrs).map(([key, v]) => ({ key, value: str(v) }));
const hex = (n: number, bytes: number) => n.toString(16).padStart(bytes * 2, '0');
const nanos = (ms: number) => `${BigInt(ms) * 1_000_000n}`;

/** One request holding `runs`; counters make every trace and span id unique. Returns the span count too. */
export function buildRequest(runs: GenRun[], opts: { seed?: number; start?: number } = {}): { request: Record<string, unknown>; spans: number } {
  const seed = opts.seed ?? 0;
  const start = opts.start ?? Date.UTC(2026, 10, 20, 9);
  let spanNo = 0;
  let spans = 0;
  const resourceSpans = runs.map((run, r) => {
    const traceId = hex(seed * 1000 + r + 1, 16);
    const runId = run.runId ? `${seed}-${r}-${run.runId}` : undefined;
    const root = hex(++spanNo, 8);
    const list: Record<string, unknown>[] = [];
    let t = start + r * 3_600_000;
    const pipelineAttrs: Record<string, string> = { 'cicd.pipeline.name': 'Deploy', 'cicd.pipeline.result': 'success' };
    if (runId) pipelineAttrs['cicd.pipeline.run.id'] = runId;
    for (const task of run.tasks) {
      for (let attempt = 0; attempt <= task.retries; attempt += 1) {
        const spanId = hex(++spanNo, 8);
        const attrs: Record<string, string> = { 'cicd.pipeline.task.name': task.name, 'cicd.worker.name': `runner-${r}` };
        if (task.result) attrs['cicd.pipeline.task.run.result'] = task.result;
        list.push({
          traceId, spanId, parentSpanId: root, name: task.name, kind: 1, startTimeUnixNano: nanos(t), endTimeUnixNano: nanos(t + 60_000),
          attributes: kv(attrs), status: { code: task.code, ...(task.message ? { message: task.message } : {}) },
        });
        if (task.extraChild) list.push({ traceId, spanId: hex(++spanNo, 8), parentSpanId: spanId, name: 'GET /artifact', startTimeUnixNano: nanos(t), endTimeUnixNano: nanos(t + 10) });
        t += 120_000;
      }
    }
    list.push({ traceId, spanId: root, name: 'Deploy', kind: 2, startTimeUnixNano: nanos(start + r * 3_600_000), endTimeUnixNano: nanos(t), attributes: kv(pipelineAttrs) });
    spans += list.length;
    const resource: Record<string, string> = { 'service.name': run.service };
    if (run.env) resource['deployment.environment.name'] = run.env;
    if (runId) resource['cicd.pipeline.run.id'] = runId;
    return { resource: { attributes: kv(resource) }, scopeSpans: [{ scope: { name: 'ci' }, spans: list }] };
  });
  return { request: { resourceSpans }, spans };
}

const ID_FIELDS = ['traceId', 'spanId', 'parentSpanId'];

/** The same request with base64 ids, as protobufjs's fromObject reads bytes. */
export function toProtobufObject(request: Record<string, unknown>): Record<string, unknown> {
  return JSON.parse(JSON.stringify(request), (key, value) => (ID_FIELDS.includes(key) && typeof value === 'string' ? Buffer.from(value, 'hex').toString('base64') : value));
}
