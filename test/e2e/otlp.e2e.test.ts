import { context, SpanKind, SpanStatusCode, trace, type Tracer } from '@opentelemetry/api';
import { OTLPTraceExporter as HttpJsonExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as ProtoExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { InMemorySpanExporter, NodeTracerProvider, SimpleSpanProcessor, type ReadableSpan, type SpanExporter } from '@opentelemetry/sdk-trace-node';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createIngestToken } from '../../lib/auth/ingest-tokens';
import { openDb, type Db } from '../../lib/db';

/**
 * The OpenTelemetry JS SDK itself as the client: a simulated rollout (a pipeline-run span with
 * task-run spans following the CI/CD semantic conventions, one task re-run, one failing with an
 * exception, one named after no stage) exported to the running server through the protobuf and
 * the JSON exporter, then the stored rollout, stage runs, errors and quarantine checked.
 */
let db: Db;
let token: string;
const base = inject('baseUrl');

beforeAll(async () => {
  db = await openDb(inject('databaseUrl'));
  token = await createIngestToken(db, 'otel-e2e');
});
afterAll(async () => db?.close());

/** Delegates to the real exporter and keeps what it sent and what it answered. */
class Recording implements SpanExporter {
  spans: ReadableSpan[] = [];
  results: number[] = [];
  constructor(readonly inner: SpanExporter) {}
  export(spans: ReadableSpan[], done: (r: { code: number; error?: Error }) => void): void {
    this.spans.push(...spans);
    this.inner.export(spans, (r) => {
      this.results.push(r.code);
      done(r);
    });
  }
  shutdown() {
    return this.inner.shutdown();
  }
  resend(): Promise<number> {
    return new Promise((resolve) => this.inner.export(this.spans, (r) => resolve(r.code)));
  }
}

const T0 = Date.UTC(2026, 10, 24, 8);
const at = (minutes: number) => new Date(T0 + minutes * 60_000);

function simulateRollout(tracer: Tracer, runId: string): void {
  const pipeline = tracer.startSpan('deploy feed-api', { kind: SpanKind.SERVER, startTime: at(0), attributes: {
    'cicd.pipeline.name': 'deploy feed-api', 'cicd.pipeline.run.id': runId, 'cicd.pipeline.result': 'failure',
  } });
  const ctx = trace.setSpan(context.active(), pipeline);
  const task = (name: string, start: number, result: string, attrs: Record<string, string> = {}) =>
    tracer.startSpan(name, { kind: SpanKind.INTERNAL, startTime: at(start), attributes: {
      'cicd.pipeline.task.name': name, 'cicd.pipeline.task.run.result': result, 'cicd.pipeline.run.id': runId, 'cicd.worker.name': 'runner-3', ...attrs,
    } }, ctx);
  task('Image build', 1, 'success', { 'cicd.pipeline.task.run.id': 'job-1', 'vcs.ref.head.revision': 'abc123' }).end(at(4));
  const flaky = task('Image push', 5, 'failure', { 'error.type': 'ECONNRESET' });
  flaky.setStatus({ code: SpanStatusCode.ERROR, message: 'registry connection reset' });
  flaky.end(at(6));
  task('Image push', 7, 'success').end(at(8));
  const check = task('Health check', 9, 'failure');
  check.recordException(Object.assign(new Error('readiness probe failed: 503'), { name: 'ProbeError' }));
  check.setStatus({ code: SpanStatusCode.ERROR });
  check.end(at(12));
  task('lint', 2, 'success').end(at(3));
  pipeline.end(at(13));
}

async function exportWith(kind: 'proto' | 'json', runId: string): Promise<Recording> {
  const url = `${base}/v1/traces`;
  const headers = { Authorization: `Bearer ${token}` };
  // 'gzip' is CompressionAlgorithm.GZIP: the enum lives in otlp-exporter-base, which is not a dependency of ours.
  const inner = kind === 'proto' ? new ProtoExporter({ url, headers, compression: 'gzip' as never }) : new HttpJsonExporter({ url, headers });
  const exporter = new Recording(inner);
  const provider = new NodeTracerProvider({
    resource: resourceFromAttributes({ 'service.name': 'feed-api', 'deployment.environment.name': 'staging' }),
    spanProcessors: [new SimpleSpanProcessor(exporter)],
  });
  simulateRollout(provider.getTracer('ci-simulator'), runId);
  await provider.forceFlush();
  return exporter;
}

describe('OTLP traces from the OpenTelemetry JS SDK into the running server', () => {
  it.each(['proto', 'json'] as const)('stores the rollout sent by the %s exporter, quarantines the unmapped task, ignores a re-send', async (kind) => {
    const runId = `otel-${kind}-run`;
    const exporter = await exportWith(kind, runId);
    expect(exporter.results).toHaveLength(6);
    expect(exporter.results.every((code) => code === 0)).toBe(true);

    const rollout = await db.prisma.rollout.findUniqueOrThrow({ where: { id: runId } });
    expect(rollout).toMatchObject({ service: 'feed-api', env: 'prerelease', stageRuns: 4, failedRuns: 2 });
    const runs = await db.prisma.stageRun.findMany({ where: { rolloutId: runId }, orderBy: { startedAt: 'asc' } });
    expect(runs.map((r) => [r.stageKey, r.attempt, r.status, r.host])).toEqual([
      ['image-build', 1, 'succeeded', 'runner-3'], ['image-push', 1, 'failed', 'runner-3'],
      ['image-push', 2, 'succeeded', 'runner-3'], ['health-check', 1, 'failed', 'runner-3'],
    ]);
    expect(runs[0]!.attrs).toMatchObject({ 'cicd.pipeline.task.run.id': 'job-1', 'vcs.ref.head.revision': 'abc123' });
    const errors = await db.prisma.errorEvent.findMany({ where: { rolloutId: runId }, orderBy: { occurredAt: 'asc' } });
    expect(errors.map((e) => [e.stageKey, e.code, e.message.split('\n')[0]])).toEqual([
      ['image-push', 'ECONNRESET', 'registry connection reset'], ['health-check', null, 'readiness probe failed: 503'],
    ]);
    const quarantined = await db.prisma.rejectedLine.findMany({ where: { source: 'otlp:otel-e2e', raw: { contains: runId } } });
    expect(quarantined.map((q) => [q.field, q.reason])).toEqual([['cicd.pipeline.task.name', expect.stringContaining('"lint" maps to no stage')]]);

    expect(await exporter.resend()).toBe(0);
    expect(await db.prisma.stageRun.count({ where: { rolloutId: runId } })).toBe(4);
    expect(await db.prisma.errorEvent.count({ where: { rolloutId: runId } })).toBe(2);
    const last = await db.prisma.ingestBatch.findFirstOrThrow({ where: { source: 'otlp:otel-e2e' }, orderBy: { id: 'desc' } });
    expect(last).toMatchObject({ accepted: 0, duplicates: 4, rejected: 1, conflicts: 0 });
  });

  it('answers an exporter with a wrong token 401 (the export fails, nothing stored)', async () => {
    const memory = new InMemorySpanExporter();
    const provider = new NodeTracerProvider({ resource: resourceFromAttributes({ 'service.name': 'feed-api' }), spanProcessors: [new SimpleSpanProcessor(memory)] });
    simulateRollout(provider.getTracer('ci-simulator'), 'otel-denied');
    const exporter = new ProtoExporter({ url: `${base}/v1/traces`, headers: { Authorization: 'Bearer wrong' } });
    const result = await new Promise<{ code: number; error?: Error }>((resolve) => exporter.export(memory.getFinishedSpans(), resolve));
    expect(result.code).not.toBe(0);
    expect(result.error).toMatchObject({ code: 401 });
    expect(await db.prisma.stageRun.count({ where: { rolloutId: 'otel-denied' } })).toBe(0);
  });
});
