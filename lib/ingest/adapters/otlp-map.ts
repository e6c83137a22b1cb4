import { RECORD_LIMITS, type IngestRecordInput } from '../record';
import type { AttrValue, Attributes, OtlpSpan } from './otlp-decode';
import type { StageMap } from './stage-map';

/**
 * OpenTelemetry CI/CD spans (semantic conventions, `cicd.*`) onto Rollscope records. A task-run
 * span (one with `cicd.pipeline.task.name`) is one stage attempt; a pipeline-run span (one with
 * `cicd.pipeline.name`, `cicd.pipeline.run.id` or `cicd.pipeline.result` and no task name) stands
 * for the rollout, which Rollscope builds from its stage attempts, so it is counted, not stored.
 * Anything else is a reject with its reason. The README's "OpenTelemetry" section has the table.
 */
export const A = {
  taskName: 'cicd.pipeline.task.name',
  taskResult: 'cicd.pipeline.task.run.result',
  taskRunId: 'cicd.pipeline.task.run.id',
  runId: 'cicd.pipeline.run.id',
  pipelineName: 'cicd.pipeline.name',
  pipelineResult: 'cicd.pipeline.result',
  workerName: 'cicd.worker.name',
  workerId: 'cicd.worker.id',
  hostName: 'host.name',
  env: 'deployment.environment.name',
  errorType: 'error.type',
  serviceName: 'service.name',
  /** Not in the conventions (yet): the attempt number of a re-run task, when the CI system knows it. */
  attempt: 'cicd.pipeline.task.run.attempt',
} as const;

/** cicd.pipeline.task.run.result → status; errors of the CI system, timeouts and cancellations are failed attempts. */
const RESULTS: Record<string, 'succeeded' | 'failed' | 'skipped'> = {
  success: 'succeeded', failure: 'failed', error: 'failed', timeout: 'failed', cancellation: 'failed', skip: 'skipped',
};
/** deployment.environment.name → env: Rollscope's three, and the names CI systems commonly use for them. */
const ENVS: Record<string, 'test' | 'prerelease' | 'online'> = {
  test: 'test', testing: 'test', dev: 'test', development: 'test', qa: 'test', ci: 'test',
  prerelease: 'prerelease', staging: 'prerelease', stage: 'prerelease', preprod: 'prerelease',
  'pre-production': 'prerelease', canary: 'prerelease',
  online: 'online', production: 'online', prod: 'online', live: 'online',
};
/** Span attributes that become record fields, so they are not repeated in attrs. */
const MAPPED = new Set<string>([A.taskName, A.taskResult, A.workerName, A.workerId, A.hostName, A.env, A.errorType, A.attempt]);

export type MappedSpan =
  | { kind: 'task'; index: number; record: IngestRecordInput; explicitAttempt: boolean; raw: string }
  | { kind: 'pipeline'; index: number }
  | { kind: 'reject'; index: number; field: string | null; reason: string; raw: string };

const text = (v: AttrValue | undefined) => (v === undefined || v === '' ? undefined : String(v));
/** A span attribute, else the resource's (the CI/CD resource conventions put pipeline and worker attributes there). */
const pick = (s: OtlpSpan, key: string) => text(s.attrs[key]) ?? text(s.resource[key]);

/** The raw form kept in the quarantine: what identifies the span and what the mapping read. */
export const rawOf = (s: OtlpSpan) =>
  JSON.stringify({ traceId: s.traceId, spanId: s.spanId, name: s.name, attributes: s.attrs, status: s.status });

const SDK_DEFAULT_SERVICE = /^unknown_service(:|$)/;

function serviceOf(s: OtlpSpan): string | undefined {
  const name = pick(s, A.serviceName);
  return name && !SDK_DEFAULT_SERVICE.test(name) ? name : pick(s, A.pipelineName);
}

function errorMessageOf(s: OtlpSpan): string | undefined {
  const exception = s.events.find((e) => e.name === 'exception');
  // Blank text (a status message of spaces) says nothing: the next source, or the fallback, speaks.
  const said = (t: string | undefined) => (t?.trim() ? t : undefined);
  const parts = [said(s.status.message) ?? said(text(exception?.attrs['exception.message'])) ?? said(pick(s, A.errorType))];
  const stack = text(exception?.attrs['exception.stacktrace']);
  if (parts[0] && stack) parts.push(stack);
  return parts[0] ? parts.join('\n').slice(0, RECORD_LIMITS.maxErrorMessageLength) : undefined;
}

function attrsOf(s: OtlpSpan): Record<string, string | number> {
  const out: Record<string, string | number> = { 'otlp.trace_id': s.traceId, 'otlp.span_id': s.spanId };
  // Sorted, so the same span always keeps the same attributes when it has more than fit.
  for (const key of Object.keys(s.attrs).sort()) {
    if (MAPPED.has(key) || key.length > RECORD_LIMITS.maxAttrKeyLength) continue;
    if (Object.keys(out).length >= RECORD_LIMITS.maxAttrs) break;
    const v = s.attrs[key]!;
    out[key] = typeof v === 'number' && Number.isFinite(v) ? v : String(v).slice(0, RECORD_LIMITS.maxAttrValueLength);
  }
  return out;
}

const reject = (s: OtlpSpan, field: string | null, reason: string): MappedSpan => ({ kind: 'reject', index: s.index, field, reason, raw: rawOf(s) });

/** One span as a record (its attempt still to be numbered unless the span gives it), a pipeline run, or a reject. */
export function mapSpan(s: OtlpSpan, stages: StageMap): MappedSpan {
  const task = text(s.attrs[A.taskName]);
  if (!task) {
    const pipeline = [A.pipelineName, A.runId, A.pipelineResult].some((k) => s.attrs[k] !== undefined);
    if (pipeline) return { kind: 'pipeline', index: s.index };
    return reject(s, A.taskName, `span "${s.name}" is neither a CI/CD task run (no ${A.taskName}) nor a pipeline run`);
  }
  const stage = stages.map(task);
  if (!stage) return reject(s, A.taskName, `task "${task}" maps to no stage of the chain (add a stageMap rule to the chain config)`);
  const result = text(s.attrs[A.taskResult]);
  let status: 'succeeded' | 'failed' | 'skipped';
  if (result !== undefined) {
    const known = Object.hasOwn(RESULTS, result.toLowerCase()) ? RESULTS[result.toLowerCase()] : undefined;
    if (!known) return reject(s, A.taskResult, `"${result}" is not a task run result (${Object.keys(RESULTS).join(', ')})`);
    status = known;
  } else status = s.status.code === 2 ? 'failed' : 'succeeded';
  const envName = pick(s, A.env);
  const env = envName === undefined || !Object.hasOwn(ENVS, envName.toLowerCase()) ? undefined : ENVS[envName.toLowerCase()];
  if (envName !== undefined && !env) {
    return reject(s, A.env, `"${envName}" is not an environment Rollscope knows (${Object.keys(ENVS).join(', ')})`);
  }
  const service = serviceOf(s);
  if (!service) return reject(s, A.serviceName, `no ${A.serviceName} resource attribute (nor ${A.pipelineName}) to name the service`);
  const attemptText = pick(s, A.attempt);
  const attempt = attemptText === undefined ? 1 : Number(attemptText);
  const fallback = `task run ended with result "${result ?? 'error'}" (the span gives no message)`;
  const errorMessage = status === 'failed' ? (errorMessageOf(s) ?? fallback) : undefined;
  const lowResult = result?.toLowerCase();
  const errorCode = status === 'failed' ? (pick(s, A.errorType) ?? (lowResult !== 'failure' ? lowResult : undefined)) : undefined;
  const record: IngestRecordInput = {
    id: `otlp:${s.traceId}:${s.spanId}`,
    rollout: pick(s, A.runId) ?? s.traceId,
    service, stage, attempt, status,
    startedAt: new Date(s.startMs).toISOString(),
    finishedAt: new Date(s.endMs).toISOString(),
    host: pick(s, A.workerName) ?? pick(s, A.workerId) ?? pick(s, A.hostName),
    ...(env ? { env } : {}),
    ...(errorMessage ? { errorMessage } : {}),
    ...(errorCode ? { errorCode: errorCode.slice(0, 200) } : {}),
    attrs: attrsOf(s),
  };
  return { kind: 'task', index: s.index, record, explicitAttempt: attemptText !== undefined, raw: rawOf(s) };
}
