import { afterEach, describe, expect, it } from 'vitest';
import { RETRY_BACKOFF } from '../../../lib/jobs/backoff';
import { createScheduledJobs } from '../../../lib/jobs/scheduled-jobs';
import { createMailer } from '../../../lib/mail/mailer';
import { EXPECTED_KIND, createTestDb, type TestDb } from '../../helpers/db';
import { digestSettings } from '../../helpers/digest-fixture';
import { ingestRuns } from '../../helpers/ingest';

const open: TestDb[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((x) => x.close()));
});

/** The job's scheduled time in the tests: 03:30 on 2026-11-20. */
const AT = new Date('2026-11-20T03:30:00Z');

async function retentionJob(retentionDays: number | null) {
  const t = await createTestDb();
  open.push(t);
  const base = digestSettings({ timeZone: 'UTC' });
  const settings = {
    ...base, importCron: '0 1 * * *', digestCron: '0 17 * * 5', admissionCron: '30 1 * * *', admissionFile: null,
    inboxDir: `${base.outboxDir}/inbox`, chainFile: null, maxLineBytes: 65536, retentionDays,
  };
  const lines: string[] = [];
  const { jobs } = createScheduledJobs({
    db: t.db, mailer: createMailer({ smtpUrl: null, outboxDir: base.outboxDir }), settings, log: (l) => lines.push(l),
    backoff: RETRY_BACKOFF, clock: () => AT, retryWindowMs: 1,
  });
  return { t, lines, job: jobs.find((j) => j.name === 'retention')! };
}

describe('the retention job', () => {
  it(`runs nightly under its lease, deletes what is past the retention, says how much (${EXPECTED_KIND})`, async () => {
    const { t, lines, job } = await retentionJob(100);
    await ingestRuns(t.db, [
      { rollout: 'old', stage: 'test-build', at: '2026-01-05T10:00:00Z', message: 'boom' },
      { rollout: 'new', stage: 'test-build', at: '2026-11-19T10:00:00Z' },
    ]);
    expect(job.cron).toBe('30 3 * * *');
    await job.run(AT, { trigger: 'schedule', scheduledAt: AT });
    expect((await t.db.prisma.rollout.findMany({ select: { id: true } })).map((r) => r.id)).toEqual(['new']);
    expect(await t.db.prisma.jobRun.findFirstOrThrow({ where: { job: 'retention' } })).toMatchObject({
      status: 'succeeded', summary: { rollouts: 1, stageRuns: 1, errorEvents: 1 },
    });
    expect(lines.filter((l) => l.startsWith('retention:'))).toEqual([
      'retention: before 2026-08-13: 1 rollouts, 1 stage runs, 1 error events deleted',
    ]);
  });

  it(`does nothing without ROLLSCOPE_RETENTION_DAYS: no JobRun, no log line (${EXPECTED_KIND})`, async () => {
    const { t, lines, job } = await retentionJob(null);
    await ingestRuns(t.db, [{ rollout: 'old', stage: 'test-build', at: '2026-01-05T10:00:00Z' }]);
    await job.run(AT, { trigger: 'schedule', scheduledAt: AT });
    expect(await t.db.prisma.rollout.count()).toBe(1);
    expect(await t.db.prisma.jobRun.count({ where: { job: 'retention' } })).toBe(0);
    expect(lines).toEqual([]);
  });
});
