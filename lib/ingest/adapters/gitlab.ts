import { z } from 'zod';
import type { IngestRecordInput } from '../record';
import type { StageMap } from './stage-map';
import { envOfEnvironment, isoOf, parsePayload, type Adapted, type AdaptedJob } from './webhook';

/**
 * GitLab CI webhooks (Pipeline Hook, Job Hook) as stage attempts. A pipeline is a rollout
 * (`gitlab:<group/project>/pipelines/<id>`), each finished job a stage attempt: the job's name,
 * else its GitLab stage, through the chain's stage map; `retries_count + 1` as the attempt (Job Hook;
 * a retry is a new job id); the status as the record status, the runner's description as the host,
 * the project's path (last segment) as the service. Jobs not finished (created, pending, running,
 * manual, …) are not stored. A finished job is keyed by its job id, so redeliveries, and the same
 * job in a Pipeline Hook and a Job Hook, are duplicates; `manual` stays false (a Job Hook does not say
 * whether a job was manual, and both hooks must give the same record).
 */
const projectSchema = z.object({ path_with_namespace: z.string().min(1).max(300) });
const runnerSchema = z.object({ description: z.string().max(255).nullable().optional() }).nullable().optional();
const environmentSchema = z
  .object({ name: z.string().max(255).nullable().optional(), deployment_tier: z.string().max(50).nullable().optional() })
  .nullable()
  .optional();
const time = z.string().max(50).nullable().optional();

export const pipelineHookSchema = z.object({
  object_kind: z.literal('pipeline'),
  project: projectSchema,
  object_attributes: z.object({ id: z.number().int().nonnegative(), ref: z.string().max(500).nullable().optional() }),
  builds: z
    .array(
      z.object({
        id: z.number().int().nonnegative(),
        stage: z.string().max(500).nullable().optional(),
        name: z.string().min(1).max(500),
        status: z.string().min(1).max(50),
        created_at: time,
        started_at: time,
        finished_at: time,
        failure_reason: z.string().max(200).nullable().optional(),
        runner: runnerSchema,
        environment: environmentSchema,
      }),
    )
    .max(5000)
    .default([]),
});

export const jobHookSchema = z.object({
  object_kind: z.literal('build'),
  project: projectSchema,
  ref: z.string().max(500).nullable().optional(),
  pipeline_id: z.number().int().nonnegative(),
  build_id: z.number().int().nonnegative(),
  build_name: z.string().min(1).max(500),
  build_stage: z.string().max(500).nullable().optional(),
  build_status: z.string().min(1).max(50),
  build_created_at: time,
  build_started_at: time,
  build_started_at_iso: time,
  build_finished_at: time,
  build_finished_at_iso: time,
  build_failure_reason: z.string().max(200).nullable().optional(),
  retries_count: z.number().int().min(0).max(999).nullable().optional(),
  runner: runnerSchema,
  environment: environmentSchema,
});

/** GitLab job status → record status; canceled and skipped jobs did not fail, they did not run to the end. */
export const GITLAB_STATUS: Record<string, 'succeeded' | 'failed' | 'skipped'> = {
  success: 'succeeded',
  failed: 'failed',
  canceled: 'skipped',
  skipped: 'skipped',
};

/** One job, in the shape both hooks give it. */
type Job = {
  project: string; pipelineId: number; id: number; name: string; stage: string | null; status: string; createdAt: string | null;
  startedAt: string | null; finishedAt: string | null; failureReason: string | null; attempt: number;
  runner: string | null; environment: z.infer<typeof environmentSchema>; ref: string | null;
};

const reject = (field: string | null, reason: string, job: Job): AdaptedJob => ({ ok: false, field, reason, job });

export function recordOfGitlabJob(j: Job, stages: StageMap): AdaptedJob {
  const stage = stages.map(j.name) ?? (j.stage ? stages.map(j.stage) : null);
  const named = `job "${j.name}" (GitLab stage "${j.stage ?? ''}")`;
  if (!stage) return reject('stage', `${named} maps to no stage of the chain (add a stageMap rule to the chain file)`, j);
  const status = GITLAB_STATUS[j.status]!;
  // A skipped or canceled job may never have started: it is placed at its creation.
  const startedAt = isoOf(j.startedAt) ?? (status === 'skipped' ? isoOf(j.createdAt) : null);
  if (!startedAt) return reject('startedAt', `job "${j.name}" has no readable started_at (${JSON.stringify(j.startedAt)})`, j);
  const finishedAt = isoOf(j.finishedAt);
  const service = j.project.split('/').at(-1)!;
  const reason = j.failureReason ?? 'unknown_failure';
  const record: IngestRecordInput = {
    id: `gitlab:${j.project}/jobs/${j.id}`,
    rollout: `gitlab:${j.project}/pipelines/${j.pipelineId}`,
    service,
    stage,
    attempt: j.attempt,
    status,
    startedAt,
    ...(finishedAt && Date.parse(finishedAt) >= Date.parse(startedAt) ? { finishedAt } : {}),
    ...(j.runner ? { host: j.runner } : {}),
    env: envOfEnvironment(j.environment?.name, j.environment?.deployment_tier),
    ...(status === 'failed' ? { errorMessage: `job "${j.name}" failed: ${reason}`, errorCode: reason } : {}),
    attrs: { job: j.name, ...(j.stage ? { gitlabStage: j.stage } : {}), ...(j.ref ? { ref: j.ref } : {}) },
  };
  return { ok: true, record };
}

function adaptJobs(project: string, jobs: Job[], stages: StageMap): Adapted {
  const finished = jobs.filter((j) => Object.hasOwn(GITLAB_STATUS, j.status));
  const notFinished = jobs.filter((j) => !Object.hasOwn(GITLAB_STATUS, j.status)).map((j) => `job ${j.id} "${j.name}" is ${j.status}`);
  return { source: `gitlab:${project}`, jobs: finished.map((j) => recordOfGitlabJob(j, stages)), notFinished };
}

/** A GitLab delivery (X-Gitlab-Event) as jobs to ingest, or the reason it is ignored. */
export function adaptGitlabEvent(event: string, payload: unknown, stages: StageMap): Adapted {
  if (event === 'Pipeline Hook') {
    const p = parsePayload(pipelineHookSchema, payload, event);
    const project = p.project.path_with_namespace;
    // Builds give no retry count: a build whose name repeats with a lower id in the same pipeline is a later attempt.
    const jobs = p.builds.map((b): Job => ({
      project, pipelineId: p.object_attributes.id, id: b.id, name: b.name, stage: b.stage ?? null, status: b.status,
      createdAt: b.created_at ?? null, startedAt: b.started_at ?? null, finishedAt: b.finished_at ?? null,
      failureReason: b.failure_reason ?? null, runner: b.runner?.description ?? null,
      environment: b.environment, ref: p.object_attributes.ref ?? null,
      attempt: 1 + p.builds.filter((o) => o.name === b.name && o.id < b.id).length,
    }));
    return adaptJobs(project, jobs, stages);
  }
  if (event === 'Job Hook') {
    const p = parsePayload(jobHookSchema, payload, event);
    const project = p.project.path_with_namespace;
    const job: Job = {
      project, pipelineId: p.pipeline_id, id: p.build_id, name: p.build_name, stage: p.build_stage ?? null, status: p.build_status,
      createdAt: p.build_created_at ?? null, startedAt: p.build_started_at_iso ?? p.build_started_at ?? null,
      finishedAt: p.build_finished_at_iso ?? p.build_finished_at ?? null, failureReason: p.build_failure_reason ?? null,
      attempt: (p.retries_count ?? 0) + 1, runner: p.runner?.description ?? null, environment: p.environment,
      ref: p.ref ?? null,
    };
    return adaptJobs(project, [job], stages);
  }
  return { ignored: `event "${event}" is not one Rollscope reads (Pipeline Hook, Job Hook)` };
}
