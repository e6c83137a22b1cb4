import { z } from 'zod';
import type { IngestRecordInput } from '../record';
import type { StageMap } from './stage-map';
import { envOfEnvironment, isoOf, parsePayload, type Adapted, type AdaptedJob } from './webhook';

/**
 * GitHub Actions webhooks (`workflow_job`, `workflow_run`) as stage attempts. A workflow run is a
 * rollout (`github:<owner/repo>/runs/<run id>`), each of its jobs a stage attempt: the job's name
 * through the chain's stage map, `run_attempt` as the attempt, the conclusion as the status, the
 * runner's name as the host, the repository's name as the service. Only completed jobs are stored
 * (queued, waiting and in_progress deliveries are acknowledged and dropped), keyed by job id and
 * run attempt, so a redelivery is a duplicate. `workflow_run` carries no jobs: it is acknowledged
 * (202) and its jobs come as `workflow_job` deliveries.
 */
const repositorySchema = z.object({ name: z.string().min(1).max(200), full_name: z.string().min(1).max(300) });
const stepSchema = z.object({ name: z.string(), conclusion: z.string().nullable().optional() });

export const workflowJobPayloadSchema = z.object({
  action: z.string().min(1).max(50),
  repository: repositorySchema,
  workflow_job: z.object({
    id: z.number().int().nonnegative(),
    run_id: z.number().int().nonnegative(),
    run_attempt: z.number().int().min(1).max(1000).optional(),
    name: z.string().min(1).max(500),
    status: z.string().min(1).max(50),
    conclusion: z.string().max(50).nullable().optional(),
    started_at: z.string().max(50).nullable().optional(),
    completed_at: z.string().max(50).nullable().optional(),
    runner_name: z.string().max(255).nullable().optional(),
    workflow_name: z.string().max(500).nullable().optional(),
    head_branch: z.string().max(500).nullable().optional(),
    html_url: z.string().max(2000).nullable().optional(),
    steps: z.array(stepSchema).max(1000).optional(),
  }),
  deployment: z.object({ environment: z.string().max(255).nullable().optional() }).nullable().optional(),
});
export type WorkflowJobPayload = z.infer<typeof workflowJobPayloadSchema>;

export const workflowRunPayloadSchema = z.object({
  action: z.string().min(1).max(50),
  repository: repositorySchema,
  workflow_run: z.object({
    id: z.number().int().nonnegative(),
    run_attempt: z.number().int().min(1).optional(),
    status: z.string().nullable().optional(),
  }),
});

/** GitHub conclusion → record status; cancelled and skipped jobs did not fail, they did not run to the end. */
export const GITHUB_STATUS: Record<string, 'succeeded' | 'failed' | 'skipped'> = {
  success: 'succeeded',
  neutral: 'succeeded',
  failure: 'failed',
  timed_out: 'failed',
  startup_failure: 'failed',
  action_required: 'failed',
  cancelled: 'skipped',
  skipped: 'skipped',
  stale: 'skipped',
};

const reject = (field: string | null, reason: string, job: unknown): AdaptedJob => ({ ok: false, field, reason, job });

/** The record of one completed workflow job, or the reason it cannot be one. */
export function recordOfWorkflowJob(p: WorkflowJobPayload, stages: StageMap): AdaptedJob {
  const j = p.workflow_job;
  const stage = stages.map(j.name);
  if (!stage) return reject('stage', `job "${j.name}" maps to no stage of the chain (add a stageMap rule to the chain file)`, j);
  const status = Object.hasOwn(GITHUB_STATUS, j.conclusion ?? '') ? GITHUB_STATUS[j.conclusion ?? ''] : undefined;
  if (!status) return reject('status', `conclusion "${j.conclusion ?? 'null'}" of job "${j.name}" is not one Rollscope knows`, j);
  const startedAt = isoOf(j.started_at);
  if (!startedAt) return reject('startedAt', `job "${j.name}" has no readable started_at (${JSON.stringify(j.started_at ?? null)})`, j);
  const finishedAt = isoOf(j.completed_at) ?? undefined;
  const attempt = j.run_attempt ?? 1;
  const failedStep = j.steps?.find((s) => s.conclusion === 'failure' || s.conclusion === 'timed_out');
  const record: IngestRecordInput = {
    id: `github:${p.repository.full_name}/jobs/${j.id}/${attempt}`,
    rollout: `github:${p.repository.full_name}/runs/${j.run_id}`,
    service: p.repository.name,
    stage,
    attempt,
    status,
    startedAt,
    ...(finishedAt && Date.parse(finishedAt) >= Date.parse(startedAt) ? { finishedAt } : {}),
    ...(j.runner_name ? { host: j.runner_name } : {}),
    env: envOfEnvironment(p.deployment?.environment),
    ...(status === 'failed'
      ? {
          errorMessage: failedStep
            ? `job "${j.name}" failed at step "${failedStep.name}" (${j.conclusion})`
            : `job "${j.name}" concluded ${j.conclusion}`,
          errorCode: j.conclusion!,
        }
      : {}),
    attrs: {
      job: j.name.slice(0, 2048),
      conclusion: j.conclusion ?? '',
      ...(j.workflow_name ? { workflow: j.workflow_name } : {}),
      ...(j.head_branch ? { branch: j.head_branch } : {}),
      ...(j.html_url ? { url: j.html_url } : {}),
    },
  };
  return { ok: true, record };
}

/** A GitHub delivery (event name from X-GitHub-Event) as jobs to ingest, or the reason it is ignored. */
export function adaptGithubEvent(event: string, payload: unknown, stages: StageMap): Adapted {
  if (event === 'ping') return { ignored: 'ping: the webhook reaches Rollscope' };
  if (event === 'workflow_run') {
    const p = parsePayload(workflowRunPayloadSchema, payload, event);
    const run = `workflow run ${p.workflow_run.id} of ${p.repository.full_name} (${p.action})`;
    return { ignored: `${run}: runs are stored through their jobs, subscribe to "Workflow jobs"` };
  }
  if (event !== 'workflow_job') return { ignored: `event "${event}" is not one Rollscope reads (workflow_job, workflow_run)` };
  const p = parsePayload(workflowJobPayloadSchema, payload, event);
  const source = `github:${p.repository.full_name}`;
  const j = p.workflow_job;
  if (p.action !== 'completed' || j.status !== 'completed') {
    return { source, jobs: [], notFinished: [`job ${j.id} "${j.name}" is ${j.status}`] };
  }
  return { source, jobs: [recordOfWorkflowJob(p, stages)], notFinished: [] };
}
