import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { adaptGithubEvent, GITHUB_STATUS } from '../../../../lib/ingest/adapters/github';
import { buildStageMap } from '../../../../lib/ingest/adapters/stage-map';
import { envOfEnvironment, hmacSha256Matches, signGithubBody } from '../../../../lib/ingest/adapters/webhook';
import { ingestRecordSchema } from '../../../../lib/ingest/record';
import { ValidationError } from '../../../../lib/errors';
import { exampleStageMap, githubExamples } from './hook-fixtures';

const stages = exampleStageMap();

describe('the GitHub adapter on @octokit/webhooks-examples', () => {
  it('gives every workflow_job example a valid record, or says why it is not stored yet', () => {
    const examples = githubExamples('workflow_job');
    expect(examples.length).toBeGreaterThanOrEqual(8);
    for (const payload of examples) {
      const adapted = adaptGithubEvent('workflow_job', payload, stages);
      if ('ignored' in adapted) throw new Error('workflow_job is never ignored as a whole');
      const job = (payload as { workflow_job: { status: string; id: number } }).workflow_job;
      if (job.status !== 'completed') {
        expect(adapted.jobs).toEqual([]);
        expect(adapted.notFinished).toEqual([expect.stringContaining(`job ${job.id}`)]);
        continue;
      }
      expect(adapted.jobs).toHaveLength(1);
      const [one] = adapted.jobs;
      if (!one!.ok) throw new Error(one!.reason);
      expect(ingestRecordSchema.safeParse(one!.record).success).toBe(true);
    }
  });

  it('maps the completed failing job: run → rollout, run_attempt → attempt, runner → host, failed step → error', () => {
    const failing = githubExamples('workflow_job').find((p) => (p as { workflow_job: { conclusion: string } }).workflow_job.conclusion === 'failure')!;
    const adapted = adaptGithubEvent('workflow_job', failing, stages);
    expect(adapted).toMatchObject({ source: 'github:Codertocat/Hello-World', notFinished: [] });
    const job = 'jobs' in adapted ? adapted.jobs[0]! : null;
    expect(job).toMatchObject({
      ok: true,
      record: {
        id: 'github:Codertocat/Hello-World/jobs/289782451/1', rollout: 'github:Codertocat/Hello-World/runs/2202229078', service: 'Hello-World', stage: 'test-build',
        attempt: 1, status: 'failed', startedAt: '2021-08-05T10:34:58Z', finishedAt: '2021-08-05T10:38:16Z', host: 'GitHub Actions 5', env: 'online',
        errorMessage: 'job "linters" failed at step "Run yarn run format-check" (failure)', errorCode: 'failure',
      },
    });
  });

  it('quarantines a completed job whose name maps to no stage, with the reason', () => {
    const completed = githubExamples('workflow_job').find((p) => (p as { action: string }).action === 'completed')!;
    const adapted = adaptGithubEvent('workflow_job', completed, buildStageMap([{ key: 'deploy', name: 'Deploy' }]));
    expect('jobs' in adapted && adapted.jobs[0]).toMatchObject({ ok: false, field: 'stage', reason: expect.stringContaining('job "linters" maps to no stage') });
  });

  it('acknowledges every workflow_run example without storing (runs come through their jobs)', () => {
    for (const payload of githubExamples('workflow_run')) {
      const adapted = adaptGithubEvent('workflow_run', payload, stages);
      expect(adapted).toEqual({ ignored: expect.stringContaining('runs are stored through their jobs') });
    }
  });

  it('ignores other events with a reason and refuses a malformed workflow_job naming the field', () => {
    expect(adaptGithubEvent('push', {}, stages)).toEqual({ ignored: expect.stringContaining('"push" is not one Rollscope reads') });
    const payload = structuredClone(githubExamples('workflow_job')[1]!) as { workflow_job: Record<string, unknown> };
    payload.workflow_job.run_id = 'x';
    expect(() => adaptGithubEvent('workflow_job', payload, stages)).toThrow(ValidationError);
    expect(() => adaptGithubEvent('workflow_job', payload, stages)).toThrow(/workflow_job\.run_id/);
  });

  it('maps every conclusion to a status and a failure always to an error message', () => {
    const base = githubExamples('workflow_job')[1]!;
    for (const [conclusion, status] of Object.entries(GITHUB_STATUS)) {
      const payload = structuredClone(base) as { workflow_job: Record<string, unknown> };
      payload.workflow_job.conclusion = conclusion;
      const adapted = adaptGithubEvent('workflow_job', payload, stages);
      const job = 'jobs' in adapted ? adapted.jobs[0] : null;
      expect(job, conclusion).toMatchObject({ ok: true, record: { status } });
      if (job?.ok) expect(ingestRecordSchema.safeParse(job.record).success, conclusion).toBe(true);
    }
  });
});

describe('environments and signatures', () => {
  it('reads the env of a deployment environment', () => {
    expect(envOfEnvironment(undefined)).toBe('online');
    expect(envOfEnvironment('Production')).toBe('online');
    expect(envOfEnvironment('Test')).toBe('test');
    expect(envOfEnvironment('staging')).toBe('prerelease');
    expect(envOfEnvironment('eu-west', 'staging')).toBe('prerelease');
    expect(envOfEnvironment('prod-eu', 'testing')).toBe('test');
  });

  it('accepts exactly the HMAC-SHA256 GitHub sends and no tampered body or signature', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1 }), fc.uint8Array({ minLength: 1, maxLength: 300 }), fc.nat(), (secret, bytes, at) => {
        const body = Buffer.from(bytes);
        const signature = signGithubBody(secret, body);
        expect(hmacSha256Matches(secret, body, signature)).toBe(true);
        expect(hmacSha256Matches(secret, body, signature.toUpperCase().replace('SHA256=', 'sha256='))).toBe(true);
        const tampered = Buffer.from(body);
        tampered[at % tampered.length]! ^= 1;
        expect(hmacSha256Matches(secret, tampered, signature)).toBe(false);
        expect(hmacSha256Matches(`${secret}x`, body, signature)).toBe(false);
        expect(hmacSha256Matches(secret, body, signature.slice(0, -1))).toBe(false);
        expect(hmacSha256Matches(secret, body, null)).toBe(false);
      }),
    );
  });
});
