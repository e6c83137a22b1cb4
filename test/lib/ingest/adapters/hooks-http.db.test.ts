import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { handleGithubHook, handleGitlabHook } from '../../../../lib/ingest/adapters/hooks-http';
import { signGithubBody } from '../../../../lib/ingest/adapters/webhook';
import { createTestDb, type TestDb } from '../../../helpers/db';
import { exampleChain, githubExamples, gitlabJobHook, gitlabPipelineHook } from './hook-fixtures';

const SECRET = 'gh-secret-for-tests';
const TOKEN = 'gl-token-for-tests';
let t: TestDb;
let chainFile: string;

beforeAll(async () => {
  t = await createTestDb();
  chainFile = path.join(mkdtempSync(path.join(os.tmpdir(), 'rollscope-hooks-')), 'chain.json');
  writeFileSync(chainFile, JSON.stringify(exampleChain()));
});
afterAll(async () => t?.close());

const settings = (over: { githubWebhookSecret?: string | null; gitlabWebhookToken?: string | null } = {}) => ({
  maxBodyBytes: 1_000_000, maxLineBytes: 64 * 1024, chainFile, timeZone: 'UTC', admissionFile: null,
  githubWebhookSecret: SECRET, gitlabWebhookToken: TOKEN, ...over,
});
const request = (url: string, body: string | Buffer, headers: Record<string, string>) =>
  new Request(`http://localhost${url}`, { method: 'POST', body: typeof body === 'string' ? body : new Uint8Array(body), headers: { 'content-type': 'application/json', ...headers } });

/** A delivery as GitHub sends it: the raw body signed with the secret. */
const github = (event: string, body: string | Buffer, over: Record<string, string> = {}, s = settings()) =>
  handleGithubHook(request('/api/hooks/github', body, { 'x-github-event': event, 'x-hub-signature-256': signGithubBody(SECRET, body), ...over }), { db: t.db, settings: s });
const gitlab = (event: string, body: string, token = TOKEN, s = settings()) =>
  handleGitlabHook(request('/api/hooks/gitlab', body, { 'x-gitlab-event': event, 'x-gitlab-token': token }), { db: t.db, settings: s });
const counts = async () => ({ runs: await t.db.prisma.stageRun.count(), rollouts: await t.db.prisma.rollout.count() });

describe('webhook endpoints', () => {
  it('answer 404 naming the setting while their secret is not set', async () => {
    const gh = await github('workflow_job', '{}', {}, settings({ githubWebhookSecret: null }));
    expect(gh.status).toBe(404);
    expect((await gh.json()).error).toMatch(/GITHUB_WEBHOOK_SECRET/);
    const gl = await gitlab('Job Hook', '{}', TOKEN, settings({ gitlabWebhookToken: null }));
    expect(gl.status).toBe(404);
    expect((await gl.json()).error).toMatch(/GITLAB_WEBHOOK_TOKEN/);
  });

  it('stores every GitHub example once: a redelivery of all of them changes nothing', async () => {
    const deliveries = [...githubExamples('workflow_job').map((p) => ['workflow_job', p] as const), ...githubExamples('workflow_run').map((p) => ['workflow_run', p] as const)];
    const round = async () => {
      const statuses: number[] = [];
      for (const [event, payload] of deliveries) statuses.push((await github(event, JSON.stringify(payload))).status);
      return statuses;
    };
    const first = await round();
    const afterFirst = await counts();
    // Two completed examples; both are job 289782451 attempt 1 with other conclusions: the second is a conflict.
    expect(first.filter((s) => s === 200)).toHaveLength(2);
    expect(first.filter((s) => s === 202)).toHaveLength(deliveries.length - 2);
    expect(afterFirst.runs).toBe(1);
    expect(await round()).toEqual(first);
    expect(await counts()).toEqual(afterFirst);
  });

  it('stores a job once it completes: in_progress is acknowledged, completed is the record, again a duplicate', async () => {
    const completed = structuredClone(githubExamples('workflow_job')[2]!) as { workflow_job: Record<string, unknown> };
    completed.workflow_job.id = 777;
    const progress = structuredClone(completed) as Record<string, unknown> & { workflow_job: Record<string, unknown> };
    Object.assign(progress, { action: 'in_progress' });
    Object.assign(progress.workflow_job, { status: 'in_progress', conclusion: null, completed_at: null });
    const before = await counts();
    const early = await github('workflow_job', JSON.stringify(progress));
    expect(early.status).toBe(202);
    expect(await early.json()).toMatchObject({ ignored: true, reason: expect.stringContaining('job 777 "linters" is in_progress') });
    expect(await counts()).toEqual(before);
    expect(await (await github('workflow_job', JSON.stringify(completed))).json()).toMatchObject({ summary: { accepted: 1 } });
    expect(await (await github('workflow_job', JSON.stringify(completed))).json()).toMatchObject({ summary: { accepted: 0, duplicates: 1 } });
  });

  it('quarantines a completed job that maps to no stage, in a batch of source github:<repo>', async () => {
    const job = structuredClone(githubExamples('workflow_job')[2]!) as { workflow_job: Record<string, unknown> };
    Object.assign(job.workflow_job, { id: 778, name: 'Mystery job' });
    const body = await (await github('workflow_job', JSON.stringify(job))).json();
    expect(body.summary).toMatchObject({ accepted: 0, rejected: 1, source: 'github:Codertocat/Hello-World', rejections: [{ field: 'stage', reason: expect.stringContaining('"Mystery job" maps to no stage') }] });
    const stored = await t.db.prisma.rejectedLine.findFirstOrThrow({ where: { batchId: body.summary.batchId } });
    expect(stored.source).toBe('github:Codertocat/Hello-World');
  });

  it('stores the GitLab examples once; the same job from a Job Hook is a duplicate', async () => {
    const before = await counts();
    const pipeline = JSON.stringify(gitlabPipelineHook());
    const first = await (await gitlab('Pipeline Hook', pipeline)).json();
    expect(first.summary).toMatchObject({ accepted: 4, rejected: 0, source: 'gitlab:gitlab-org/gitlab-test' });
    expect(first.notFinished).toEqual(['job 379 "staging" is created']);
    expect((await gitlab('Job Hook', JSON.stringify(gitlabJobHook()))).status).toBe(202);
    const afterFirst = await counts();
    expect(afterFirst.runs - before.runs).toBe(4);
    expect((await (await gitlab('Pipeline Hook', pipeline)).json()).summary).toMatchObject({ accepted: 0, duplicates: 4 });
    expect((await gitlab('Job Hook', JSON.stringify(gitlabJobHook()))).status).toBe(202);
    // Build 378 of the pipeline as GitLab's Job Hook gives it (same job, other payload shape).
    const job378 = {
      ...gitlabJobHook(), ref: 'master', pipeline_id: 31, build_id: 378, build_name: 'test-build', build_stage: 'test', build_status: 'failed',
      build_started_at: '2016-08-12 15:26:12 UTC', build_started_at_iso: null, build_finished_at: '2016-08-12 15:26:29 UTC', build_finished_at_iso: null,
      retries_count: 0, project: { ...(gitlabPipelineHook().project as object) },
    };
    expect((await (await gitlab('Job Hook', JSON.stringify(job378))).json()).summary).toMatchObject({ accepted: 0, duplicates: 1, rejected: 0 });
    expect(await counts()).toEqual(afterFirst);
  });

  it('answers 401 to any tampered body or wrong token, 400 to broken JSON, 202 to other events', async () => {
    const body = JSON.stringify(githubExamples('workflow_job')[1]);
    const before = await counts();
    await fc.assert(
      fc.asyncProperty(fc.nat(body.length - 1), fc.integer({ min: 1, max: 255 }), async (at, flip) => {
        const tampered = Buffer.from(body);
        tampered[at]! ^= flip;
        const res = await handleGithubHook(request('/api/hooks/github', tampered, { 'x-github-event': 'workflow_job', 'x-hub-signature-256': signGithubBody(SECRET, body) }), { db: t.db, settings: settings() });
        expect(res.status).toBe(401);
      }),
      { numRuns: 40 },
    );
    await fc.assert(
      fc.asyncProperty(fc.string({ maxLength: 40 }).filter((s) => s !== TOKEN), async (token) => {
        expect((await gitlab('Job Hook', JSON.stringify(gitlabJobHook()), token)).status).toBe(401);
      }),
      { numRuns: 40 },
    );
    await fc.assert(
      fc.asyncProperty(fc.nat(body.length - 2), fc.string({ maxLength: 5 }), async (cut, junk) => {
        const broken = body.slice(0, cut + 1) + junk.replace(/[\]}]/g, '');
        const res = await github('workflow_job', broken);
        expect(res.status).toBe(400);
        expect((await res.json()).error).toMatch(/not valid JSON|malformed workflow_job payload/);
      }),
      { numRuns: 40 },
    );
    await fc.assert(
      fc.asyncProperty(fc.stringMatching(/^[a-z_]{1,30}$/).filter((e) => !['workflow_job', 'workflow_run'].includes(e)), async (event) => {
        const res = await github(event, body);
        expect(res.status).toBe(202);
        expect((await res.json()).reason).toMatch(event === 'ping' ? /ping/ : /is not one Rollscope reads/);
      }),
      { numRuns: 30 },
    );
    expect((await github('workflow_job', '{"action":"completed"}')).status).toBe(400);
    expect((await github('', body)).status).toBe(400);
    expect(await counts()).toEqual(before);
  });
});
