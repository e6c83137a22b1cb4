import { getDb } from '../../../lib/db';
import { formatDeliveryStatus, getDigestWeekSummary, listDigestMessages, listJobRuns } from '../../../lib/digest/list-digests';
import { paramsOrThrow } from '../../../lib/http/params';
import { digestsPageSchema } from '../../../lib/http/page-schemas';
import { DataTable } from '../../_components/data-table';
import { requireUser } from '../../_lib/auth';
import { DigestWeekStatus } from './week-status';

export const dynamic = 'force-dynamic';

const when = (d: Date | null) => (d ? d.toISOString().replace('T', ' ').slice(0, 16) : '–');

export default async function DigestsPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  await requireUser('viewer', '/digests');
  const { week } = paramsOrThrow(digestsPageSchema, await searchParams);
  const db = await getDb();
  const [{ weeks, messages }, runs] = await Promise.all([listDigestMessages(db, { week }), listJobRuns(db)]);
  const shown = week ?? weeks[0];
  const status = shown ? await getDigestWeekSummary(db, shown) : null;
  return (
    <>
      <h1>Digests</h1>
      <p className="subtle">Every weekly e-mail per recipient and how its delivery went; open one to see it as the recipient did.</p>
      {weeks.length > 0 && (
        <p>
          Week:{' '}
          {weeks.map((w) => (
            <a key={w} href={`/digests?week=${w}`} style={{ marginRight: 12, fontWeight: w === shown ? 700 : 400 }}>
              {w}
            </a>
          ))}
        </p>
      )}
      {status && <DigestWeekStatus status={status} />}
      <section className="panel">
        <h2>Messages {shown ? `of ${shown}` : ''}</h2>
        {messages.length === 0 ? (
          <p className="subtle">No digest has been sent yet. The scheduler sends it every Friday at 17:00 (DIGEST_CRON); run one now with <code>npm run digest</code>, or preview it with <code>npm run digest -- --dry-run</code>.</p>
        ) : (
          <DataTable
            id="messages"
            csvName={`digest-${shown}`}
            columns={[{ key: 'kind', label: 'Kind' }, { key: 'recipient', label: 'Recipient' }, { key: 'subject', label: 'Subject' }, { key: 'status', label: 'Status' }, { key: 'attempts', label: 'Attempts', numeric: true }, { key: 'sent', label: 'Delivered at' }]}
            rows={messages.map((m) => ({
              id: m.id,
              cells: {
                kind: { text: m.kind },
                recipient: { text: m.recipient },
                subject: { text: m.subject, href: `/digests/${m.id}` },
                status: { text: `${formatDeliveryStatus(m)}${m.lastError && m.status !== 'sent' ? ` — ${m.lastError}` : ''}`, className: m.status === 'failed' ? 'down' : m.status === 'sent' ? 'up' : '' },
                attempts: { text: String(m.attempts), sort: m.attempts },
                sent: { text: when(m.sentAt) },
              },
            }))}
          />
        )}
      </section>
      <section className="panel">
        <h2>Job history</h2>
        {runs.length === 0 ? (
          <p className="subtle">The scheduler has not run a job yet.</p>
        ) : (
          <DataTable
            id="jobs"
            csvName="job-history"
            columns={[{ key: 'job', label: 'Job' }, { key: 'started', label: 'Started' }, { key: 'finished', label: 'Finished' }, { key: 'status', label: 'Outcome' }, { key: 'summary', label: 'Counts' }]}
            rows={runs.map((r) => ({
              id: r.id,
              cells: { job: { text: r.job }, started: { text: when(r.startedAt) }, finished: { text: when(r.finishedAt) }, status: { text: r.status, className: r.status === 'failed' ? 'down' : '' }, summary: { text: r.summary, className: 'subtle' } },
            }))}
          />
        )}
      </section>
    </>
  );
}
