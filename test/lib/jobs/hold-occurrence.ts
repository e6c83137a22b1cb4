// A stand-in for a scheduler caught mid-job (test/lib/jobs/occurrence.db.test.ts): claims an
// occurrence of `job` as the scheduler does, records its run, prints "holding" and never finishes,
// until the test kills it. Its holder names another host, so only the lease's expiry frees it.
import { openDb } from '../../../lib/db';
import { recordLeasedJobRun } from '../../../lib/jobs/job-runs';
import { withLock } from '../../../lib/jobs/lock';
import { occurrenceLease } from '../../../lib/jobs/occurrence';

const [url, job, startedAt, ttl] = process.argv.slice(2) as [string, string, string, string];
const db = await openDb(url);
const lease = { ttlMs: Number(ttl), holder: `other-host.example.net:${process.pid}:0000beef` };
await withLock(db, occurrenceLease(job), () =>
  withLock(db, job, () => recordLeasedJobRun(db, job, () => {
    console.log('holding');
    return new Promise<never>(() => undefined);
  }, () => new Date(startedAt)), lease), lease);
