import { formatDelivered, type DigestWeekSummary } from '../../../lib/digest/list-digests';

const when = (d: Date | null) => (d ? `${d.toISOString().replace('T', ' ').slice(0, 16)} UTC` : '–');

function headline(s: DigestWeekSummary): { text: string; className: string } {
  const unsent = s.counts.failed + s.counts.pending;
  switch (s.state) {
    case 'not-run':
      return { text: 'Not run yet.', className: 'subtle' };
    case 'complete':
      if (s.counts.outbox === 0) return { text: `Complete: all ${s.counts.sent} messages sent.`, className: 'up' };
      return s.counts.outbox === s.counts.sent
        ? { text: `Complete: all ${s.counts.sent} messages written to the outbox folder (no SMTP server was configured, so none was mailed).`, className: 'up' }
        : { text: `Complete: all ${s.counts.sent} messages delivered (${formatDelivered(s.counts)}).`, className: 'up' };
    case 'running':
      return { text: `Running now (${s.counts.sent} of ${s.counts.total} recorded messages delivered so far).`, className: '' };
    case 'retrying':
      return s.interrupted
        ? { text: `Incomplete: the run was interrupted (its process stopped); the scheduler runs it again at its next minute.`, className: 'down' }
        : { text: `Incomplete: ${unsent} message(s) not sent yet; next retry at ${when(s.nextAttemptAt)}.`, className: 'down' };
    case 'gave-up':
      return { text: `Incomplete, retries gave up at the deadline (${when(s.retryUntil)}): ${unsent} message(s) never sent.`, className: 'down' };
  }
}

/** The state of one week's digest: complete or not, what is unsent, and the scheduler's next retry. */
export function DigestWeekStatus({ status }: { status: DigestWeekSummary }) {
  const head = headline(status);
  const run = status.lastRun;
  return (
    <section className="panel" aria-label="Digest status">
      <h2>Status of {status.week}</h2>
      <p className={head.className} data-state={status.state}>{head.text}</p>
      <p className="subtle">
        Messages: {formatDelivered(status.counts)}, {status.counts.failed} failed, {status.counts.pending} pending
        {' · '}Runs: {status.runs}
        {run ? ` · last run (${run.trigger}) started ${when(run.startedAt)}, ${run.status}${run.error ? `: ${run.error}` : ''}` : ''}
        {status.state === 'retrying' ? ` · retries until ${when(status.retryUntil)}` : ''}
      </p>
      {status.state === 'gave-up' && (
        <p className="subtle">Send the rest by hand with <code>npm run digest -- --week {status.week}</code>: it sends only what was not sent.</p>
      )}
    </section>
  );
}
