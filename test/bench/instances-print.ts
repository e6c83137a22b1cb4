import type { Db } from '../../lib/db';
import type { TestSmtp } from '../helpers/smtp';
import type { KillReport } from './instances-kill';
import { p95, tallies } from './instances-load';
import { runsPerOccurrence, type Claim } from './instances-procs';
import { countJobRuns, countLeases, countMail, countRecords } from './instances-report';

/** The instances soak's printed figures. */
const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
const row = (cells: (string | number)[]) => console.log(`| ${cells.join(' | ')} |`);

type Report = {
  db: Db; input: { keys: Set<string>; lines: number }; sent: number; smtp: TestSmtp; kill: KillReport; elapsedMs: number;
  answers: { compared: number; differing: string[]; bytes: number }; claims: Claim[];
};

/** Prints every figure; returns true when something that must be zero is not. */
export async function printReport(r: Report): Promise<boolean> {
  const records = await countRecords(r.db, r.input.keys);
  const mail = await countMail(r.db, r.smtp.received);
  const leases = await countLeases(r.db);
  const jobRuns = await countJobRuns(r.db);
  const perJob = runsPerOccurrence(r.claims);
  console.log(`\nran ${(r.elapsedMs / 1000).toFixed(0)} s`);
  console.log(`\nrecords: ${fmt(r.input.keys.size)} distinct, each posted to both web servers at once (${fmt(2 * r.sent)} posted); ${fmt(records.stored)} stored, ${records.lost} lost, ${records.duplicated} duplicated; rollups count ${fmt(records.rollupRuns)} runs; ${fmt(records.errorEvents)} error events for ${fmt(records.failedRuns)} failed runs`);
  console.log('\nRuns per scheduled occurrence, from both schedulers\' logs ("ran here"); JobRun rows also hold the digest\'s catch-up at start.');
  console.log('\n| Job | Occurrences | Run once | Run twice or more | Not completed (its scheduler killed) | JobRun rows |\n| --- | --- | --- | --- | --- | --- |');
  for (const [job, o] of [...perJob].sort(([a], [b]) => a.localeCompare(b))) {
    row([job, o.occurrences, o.once, o.twice.length ? `${o.twice.length} (${o.twice.join(', ')})` : 0, o.never.length ? `${o.never.length} (${o.never.join(', ')})` : 0, JSON.stringify(jobRuns.get(job) ?? {})]);
  }
  console.log(`\nkill: ${r.kill.killed ? `scheduler-2 SIGKILLed while running ${r.kill.job}` : 'scheduler-2 was never seen holding a job lease'}`);
  for (const l of r.kill.leases) console.log(`  lease ${l.name}: expired ${fmt(l.expiresInMs / 1000)} s after the kill; taken over after ${l.takenAfterMs === null ? 'never (within the watch)' : `${fmt(l.takenAfterMs / 1000)} s by ${l.by}`}`);
  console.log(`\ne-mail: digest ${mail.digest.received} received, ${mail.digest.sentRows} DigestMessage rows sent of ${mail.digest.rows}, ${mail.digest.duplicates} duplicates, ${mail.digest.missing} missing, ${mail.digest.keysTwice} (week, recipient, kind) twice; alerts ${mail.alerts.received} received, ${mail.alerts.sentRows} AlertMessage rows sent of ${mail.alerts.rows}, ${mail.alerts.duplicates} duplicates`);
  console.log('\n| Requests | Count | p95 ms | max ms | Statuses |\n| --- | --- | --- | --- | --- |');
  for (const [label, t] of [...tallies].sort(([a], [b]) => a.localeCompare(b))) {
    row([label, fmt(t.latencies.length), fmt(p95(t.latencies)), fmt(Math.max(...t.latencies)), [...t.statuses].map(([s, n]) => `${s}×${n}`).join(' ')]);
  }
  console.log(`\nread API on both servers: ${r.answers.compared - r.answers.differing.length} of ${r.answers.compared} answers identical (${fmt(r.answers.bytes)} bytes)${r.answers.differing.length ? `; differing: ${r.answers.differing.join(', ')}` : ''}`);
  console.log(`leases at the end: ${leases.rows} rows, ${leases.expired} expired, ${leases.blocking} left blocking by a process that is gone${leases.names.length ? `: ${leases.names.join('; ')}` : ''}`);
  const twice = [...perJob.values()].reduce((a, o) => a + o.twice.length, 0);
  const losses = {
    'records lost': records.lost, 'records duplicated': records.duplicated, 'rollup runs ≠ stored runs': Math.abs(records.rollupRuns - records.stored),
    'error events ≠ failed runs': Math.abs(records.errorEvents - records.failedRuns), 'occurrences run twice': twice,
    'digest e-mails duplicated': mail.digest.duplicates, 'digest e-mails missing': mail.digest.missing, 'alert e-mails duplicated': mail.alerts.duplicates,
    'alert e-mails missing': Math.max(0, mail.alerts.sentRows - new Set(r.smtp.received.map((m) => m.messageId).filter((id) => !id?.startsWith('<digest.'))).size),
    'read answers differing': r.answers.differing.length, 'leases left blocking': leases.blocking, 'scheduler not killed mid-job': r.kill.killed ? 0 : 1,
    'killed leases never taken over': r.kill.leases.filter((l) => l.takenAfterMs === null).length,
  };
  console.log('\n| Must be 0 | Count |\n| --- | --- |');
  for (const [what, n] of Object.entries(losses)) row([what, n]);
  return Object.values(losses).some((n) => n !== 0);
}
