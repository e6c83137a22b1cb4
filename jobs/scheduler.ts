// The scheduler process (npm run jobs; started beside the web server by npm run launch).
// Schedules, in ROLLSCOPE_TIMEZONE: the inbox import (IMPORT_CRON, default 01:00 daily), the
// admission check (ADMISSION_CRON, 01:30 daily), the retention (03:30 daily; does nothing without
// ROLLSCOPE_RETENTION_DAYS), the weekly digest (DIGEST_CRON, Friday 17:00) and the alerts
// (ALERTS_CRON, every 10 minutes; a run does nothing without an alerts file or channels added in
// Settings).
// At start: a digest missed while down is sent, and failed jobs and unsent digests are retried.
import { getDb } from '../lib/db';
import { getSettings } from '../lib/env';
import { releaseHeldLeases } from '../lib/jobs/lock';
import { createScheduler } from '../lib/jobs/scheduler';
import { createMailer } from '../lib/mail/mailer';

const log = (line: string) => console.log(`[jobs ${new Date().toISOString()}] ${line}`);
const settings = getSettings();
let scheduler;
try {
  scheduler = createScheduler({ db: await getDb(), mailer: createMailer(settings), settings, log });
} catch (error) {
  console.error(`error: ${(error as Error).message}`);
  process.exit(2);
}
await scheduler.start();

// The job in progress may finish (STOP_GRACE_MS); leases still held then are released, so the
// other scheduler takes over at once instead of after their expiry.
const stop = async () => {
  log('scheduler stopping');
  await scheduler.stop();
  const released = await releaseHeldLeases();
  if (released > 0) log(`released ${released} lease(s) of a job that had not finished`);
  await (await getDb()).close();
  process.exit(0);
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
