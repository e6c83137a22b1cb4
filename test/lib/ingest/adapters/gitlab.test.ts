import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../../../lib/errors';
import { adaptGitlabEvent, GITLAB_STATUS } from '../../../../lib/ingest/adapters/gitlab';
import { sameSecret } from '../../../../lib/auth/ingest-tokens';
import { isoOf } from '../../../../lib/ingest/adapters/webhook';
import { ingestRecordSchema } from '../../../../lib/ingest/record';
import { exampleStageMap, gitlabJobHook, gitlabPipelineHook } from './hook-fixtures';

const stages = exampleStageMap();
const jobsOf = (adapted: ReturnType<typeof adaptGitlabEvent>) => ('jobs' in adapted ? adapted : null)!;

describe('the GitLab adapter on the documented Pipeline Hook example', () => {
  const adapted = jobsOf(adaptGitlabEvent('Pipeline Hook', gitlabPipelineHook(), stages));

  it('stores the four finished builds as valid records and names the one not finished', () => {
    expect(adapted.source).toBe('gitlab:gitlab-org/gitlab-test');
    expect(adapted.notFinished).toEqual(['job 379 "staging" is created']);
    expect(adapted.jobs).toHaveLength(4);
    for (const job of adapted.jobs) {
      if (!job.ok) throw new Error(job.reason);
      expect(ingestRecordSchema.safeParse(job.record).success).toBe(true);
      expect(job.record).toMatchObject({ rollout: 'gitlab:gitlab-org/gitlab-test/pipelines/31', service: 'gitlab-test', attempt: 1 });
    }
  });

  it('maps status, stage, runner, failure reason and environment', () => {
    const byName = Object.fromEntries(adapted.jobs.map((j) => (j.ok ? [j.record.attrs!.job, j.record] : ['?', null])));
    expect(byName['test-build']).toMatchObject({
      id: 'gitlab:gitlab-org/gitlab-test/jobs/378', stage: 'test-build', status: 'failed', host: 'shared-runners-manager-6.gitlab.com',
      startedAt: '2016-08-12T15:26:12Z', finishedAt: '2016-08-12T15:26:29Z', errorMessage: 'job "test-build" failed: script_failure',
      errorCode: 'script_failure', env: 'online',
    });
    expect(byName['build-image']).toMatchObject({ stage: 'image-build', status: 'succeeded' });
    // Skipped before it started: placed at its creation, env from its production environment.
    expect(byName.production).toMatchObject({ stage: 'full-traffic', status: 'skipped', startedAt: '2016-08-12T15:23:28Z', env: 'online' });
    expect(byName.production.host).toBeUndefined();
  });

  it('quarantines builds whose name and GitLab stage map to no chain stage, with the reason', () => {
    const none = jobsOf(adaptGitlabEvent('Pipeline Hook', gitlabPipelineHook(), exampleStageMapWithout()));
    expect(none.jobs.every((j) => !j.ok && j.field === 'stage' && /maps to no stage/.test(j.reason))).toBe(true);
  });
});

function exampleStageMapWithout() {
  return { map: () => null };
}

describe('the GitLab adapter on the documented Job Hook example', () => {
  it('does not store the created job yet and says so', () => {
    expect(adaptGitlabEvent('Job Hook', gitlabJobHook(), stages)).toEqual({ source: 'gitlab:gitlab-org/gitlab-test', jobs: [], notFinished: ['job 1977 "test" is created'] });
  });

  it('stores it once failed: retries_count 2 is the third attempt, the failure reason its error', () => {
    const payload = { ...gitlabJobHook(), build_status: 'failed', build_started_at: '2021-02-23T02:41:38.120Z', build_started_at_iso: '2021-02-23T02:41:38Z', build_finished_at_iso: '2021-02-23T02:43:01Z' };
    const [job] = jobsOf(adaptGitlabEvent('Job Hook', payload, stages)).jobs;
    expect(job).toMatchObject({
      ok: true,
      record: {
        id: 'gitlab:gitlab-org/gitlab-test/jobs/1977', rollout: 'gitlab:gitlab-org/gitlab-test/pipelines/2366', stage: 'test-build',
        attempt: 3, status: 'failed', startedAt: '2021-02-23T02:41:38Z', finishedAt: '2021-02-23T02:43:01Z', host: 'shared-runners-manager-6.gitlab.com',
        errorCode: 'script_failure',
      },
    });
    if (job?.ok) expect(ingestRecordSchema.safeParse(job.record).success).toBe(true);
  });

  it('maps every final status; a job that started nowhere is quarantined unless skipped', () => {
    for (const [status, expected] of Object.entries(GITLAB_STATUS)) {
      const [job] = jobsOf(adaptGitlabEvent('Job Hook', { ...gitlabJobHook(), build_status: status }, stages)).jobs;
      if (expected === 'skipped') expect(job, status).toMatchObject({ ok: true, record: { status: 'skipped', startedAt: '2021-02-23T02:41:37Z' } });
      else expect(job, status).toMatchObject({ ok: false, field: 'startedAt' });
    }
  });

  it('ignores other events with a reason and refuses malformed payloads naming the field', () => {
    expect(adaptGitlabEvent('Push Hook', {}, stages)).toEqual({ ignored: expect.stringContaining('"Push Hook" is not one Rollscope reads') });
    expect(() => adaptGitlabEvent('Job Hook', { ...gitlabJobHook(), build_id: 'x' }, stages)).toThrow(/build_id/);
    expect(() => adaptGitlabEvent('Pipeline Hook', gitlabJobHook(), stages)).toThrow(ValidationError);
  });
});

describe('GitLab times and tokens', () => {
  it('reads both time formats GitLab sends, to whole seconds', () => {
    expect(isoOf('2016-08-12 15:26:12 UTC')).toBe('2016-08-12T15:26:12Z');
    expect(isoOf('2021-02-23T02:41:37.886Z')).toBe('2021-02-23T02:41:37Z');
    expect(isoOf('2021-04-28 21:50:00 +0200')).toBe('2021-04-28T19:50:00Z');
    expect(isoOf('yesterday')).toBeNull();
    expect(isoOf(null)).toBeNull();
  });

  it('compares tokens of any length', () => {
    expect(sameSecret('s3cret', 's3cret')).toBe(true);
    expect(sameSecret('s3cre', 's3cret')).toBe(false);
    expect(sameSecret('', 's3cret')).toBe(false);
  });
});
