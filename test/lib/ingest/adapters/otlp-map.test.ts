import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { loadChainConfig } from '../../../../lib/chain/config';
import type { OtlpSpan } from '../../../../lib/ingest/adapters/otlp-decode';
import { mapSpan } from '../../../../lib/ingest/adapters/otlp-map';
import { buildStageMap } from '../../../../lib/ingest/adapters/stage-map';
import { validateRecord } from '../../../../lib/ingest/validate';

const chain = loadChainConfig(null);
const stages = buildStageMap(chain.stages, [{ regex: '^deploy', stage: 'prerelease-deploy' }]);
const stageKeys = new Set(chain.stages.map((s) => s.key));
const START = Date.UTC(2026, 10, 20, 9, 0);

const span = (attrs: OtlpSpan['attrs'], over: Partial<OtlpSpan> = {}): OtlpSpan => ({
  index: 1, traceId: 'a'.repeat(32), spanId: 'b'.repeat(16), parentSpanId: null, name: 'task', startMs: START, endMs: START + 5000,
  attrs, resource: { 'service.name': 'feed-api' }, status: { code: 0, message: '' }, events: [], ...over,
});
const task = (name: string, more: OtlpSpan['attrs'] = {}, over: Partial<OtlpSpan> = {}) => mapSpan(span({ 'cicd.pipeline.task.name': name, ...more }, over), stages);

describe('mapSpan: CI/CD spans onto records', () => {
  it('maps a task run: stage through the map, status, host, env, ids and the other attributes', () => {
    const m = task('Deploy canary', {
      'cicd.pipeline.task.run.result': 'failure', 'cicd.worker.name': 'runner-7', 'host.name': 'vm-1', 'cicd.pipeline.task.run.id': 'job-9',
      'deployment.environment.name': 'staging', 'error.type': 'ImagePullBackOff',
    }, { status: { code: 2, message: 'pull timed out' }, resource: { 'service.name': 'feed-api', 'cicd.pipeline.run.id': 'run-42' } });
    expect(m).toMatchObject({ kind: 'task', record: {
      id: `otlp:${'a'.repeat(32)}:${'b'.repeat(16)}`, rollout: 'run-42', service: 'feed-api', stage: 'prerelease-deploy', status: 'failed',
      host: 'runner-7', env: 'prerelease', errorMessage: 'pull timed out', errorCode: 'ImagePullBackOff',
      startedAt: '2026-11-20T09:00:00.000Z', finishedAt: '2026-11-20T09:00:05.000Z',
      attrs: { 'cicd.pipeline.task.run.id': 'job-9', 'otlp.trace_id': 'a'.repeat(32), 'otlp.span_id': 'b'.repeat(16) },
    } });
  });

  it.each([
    ['success', 'succeeded', undefined], ['failure', 'failed', undefined], ['error', 'failed', 'error'], ['timeout', 'failed', 'timeout'],
    ['cancellation', 'failed', 'cancellation'], ['skip', 'skipped', undefined],
  ])('result %s is %s (error code %s)', (result, status, code) => {
    const m = task('image-build', { 'cicd.pipeline.task.run.result': result });
    expect(m).toMatchObject({ kind: 'task', record: { status } });
    if (m.kind === 'task') expect(m.record.errorCode).toBe(code);
  });

  it('without a result, takes the span status; the message from the status, else the exception event, else error.type', () => {
    expect(task('image-build', {}, { status: { code: 1, message: '' } })).toMatchObject({ record: { status: 'succeeded' } });
    const events = [{ name: 'exception', attrs: { 'exception.message': 'disk full', 'exception.stacktrace': 'at write()' } }];
    expect(task('image-build', {}, { status: { code: 2, message: '' }, events })).toMatchObject({ record: { status: 'failed', errorMessage: 'disk full\nat write()' } });
    expect(task('image-build', { 'error.type': 'OOMKilled' }, { status: { code: 2, message: '' } })).toMatchObject({ record: { errorMessage: 'OOMKilled', errorCode: 'OOMKilled' } });
  });

  it('takes the attempt from cicd.pipeline.task.run.attempt when the CI system sets it', () => {
    expect(task('image-build', { 'cicd.pipeline.task.run.attempt': 3 })).toMatchObject({ explicitAttempt: true, record: { attempt: 3 } });
    expect(task('image-build')).toMatchObject({ explicitAttempt: false, record: { attempt: 1 } });
  });

  it('uses the trace id as the rollout without cicd.pipeline.run.id, cicd.pipeline.name without a real service.name', () => {
    const m = task('image-build', { 'cicd.pipeline.name': 'Deploy feed' }, { resource: { 'service.name': 'unknown_service:node' } });
    expect(m).toMatchObject({ record: { rollout: 'a'.repeat(32), service: 'Deploy feed' } });
  });

  it('counts pipeline-run spans and rejects what it cannot map, naming the attribute', () => {
    expect(mapSpan(span({ 'cicd.pipeline.name': 'Deploy', 'cicd.pipeline.result': 'success' }), stages)).toEqual({ kind: 'pipeline', index: 1 });
    expect(mapSpan(span({ 'http.method': 'GET' }), stages)).toMatchObject({ kind: 'reject', field: 'cicd.pipeline.task.name' });
    expect(task('lint')).toMatchObject({ kind: 'reject', field: 'cicd.pipeline.task.name', reason: expect.stringContaining('"lint" maps to no stage') });
    expect(task('image-build', { 'cicd.pipeline.task.run.result': 'meh' })).toMatchObject({ kind: 'reject', field: 'cicd.pipeline.task.run.result' });
    expect(task('image-build', { 'deployment.environment.name': 'mars' })).toMatchObject({ kind: 'reject', field: 'deployment.environment.name' });
    // Names of Object.prototype members are not results or environments either.
    for (const name of ['toString', 'constructor', '__proto__', 'hasOwnProperty']) {
      expect(task('image-build', { 'cicd.pipeline.task.run.result': name })).toMatchObject({ kind: 'reject', field: 'cicd.pipeline.task.run.result' });
      expect(task('image-build', { 'deployment.environment.name': name })).toMatchObject({ kind: 'reject', field: 'deployment.environment.name' });
    }
    expect(task('image-build', {}, { resource: {} })).toMatchObject({ kind: 'reject', field: 'service.name' });
  });

  it('gives a failed span whose status message is blank the next source of text, or says it has none', () => {
    const failed = (status: { code: number; message: string }, events: OtlpSpan['events'] = []) => {
      const m = mapSpan(span({ 'cicd.pipeline.task.name': 'image-build' }, { status, events }), stages);
      if (m.kind !== 'task') throw new Error(`expected a task, got ${m.kind}`);
      const checked = validateRecord(m.record as Record<string, unknown>, stageKeys);
      if (!checked.ok) throw new Error(`${checked.field}: ${checked.reason}`);
      return checked.record.errorMessage;
    };
    expect(failed({ code: 2, message: '  ' })).toBe('task run ended with result "error" (the span gives no message)');
    expect(failed({ code: 2, message: ' ' }, [{ name: 'exception', attrs: { 'exception.message': 'disk full' } }])).toBe('disk full');
  });

  const attrValue = fc.oneof(fc.string({ maxLength: 30 }), fc.integer(), fc.double(), fc.boolean());
  const spanArb = fc.record({
    task: fc.option(fc.oneof(fc.constantFrom(...chain.stages.map((s) => s.name), 'Deploy x', 'lint'), fc.string({ maxLength: 20 })), { nil: undefined }),
    result: fc.option(fc.oneof(fc.constantFrom('success', 'failure', 'error', 'timeout', 'cancellation', 'skip'), fc.string({ maxLength: 8 })), { nil: undefined }),
    env: fc.option(fc.constantFrom('production', 'staging', 'test', 'moon'), { nil: undefined }),
    code: fc.integer({ min: 0, max: 2 }),
    message: fc.string({ maxLength: 40 }),
    pipeline: fc.boolean(),
    start: fc.integer({ min: Date.UTC(1990, 0, 1), max: Date.UTC(2110, 0, 1) }),
    length: fc.integer({ min: -5_000, max: 3_600_000 }),
    extra: fc.dictionary(fc.string({ minLength: 1, maxLength: 120 }), attrValue, { maxKeys: 80 }),
  });

  it('turns every generated span into a valid record, a pipeline run or a reject with a reason — deterministically', () => {
    fc.assert(fc.property(spanArb, (g) => {
      const attrs: OtlpSpan['attrs'] = { ...g.extra };
      if (g.task !== undefined) attrs['cicd.pipeline.task.name'] = g.task;
      if (g.result !== undefined) attrs['cicd.pipeline.task.run.result'] = g.result;
      if (g.env !== undefined) attrs['deployment.environment.name'] = g.env;
      if (g.pipeline) attrs['cicd.pipeline.name'] = 'Deploy';
      const s = span(attrs, { startMs: g.start, endMs: g.start + g.length, status: { code: g.code, message: g.message } });
      const m = mapSpan(s, stages);
      expect(mapSpan(s, stages)).toEqual(m);
      if (m.kind === 'reject') expect(m.reason.length).toBeGreaterThan(0);
      if (m.kind !== 'task') return;
      const checked = validateRecord(m.record as Record<string, unknown>, stageKeys);
      // A task span is stored unless its times are outside what Rollscope stores; the reason then names the field.
      if (!checked.ok) expect(['startedAt', 'finishedAt']).toContain(checked.field);
      else if (checked.record.status === 'failed') expect(checked.record.errorMessage?.trim()).toBeTruthy();
    }), { numRuns: 400 });
  });
});
