/** The scheduler's jobs, by the names their runs and leases are recorded under (JobRun.job, JobLock). */
export const SCHEDULED_JOB_NAMES = ['inbox-import', 'admission-check', 'weekly-digest', 'alerts', 'retention'] as const;
export type ScheduledJobName = (typeof SCHEDULED_JOB_NAMES)[number];
