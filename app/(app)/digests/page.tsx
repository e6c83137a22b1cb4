import { z } from 'zod';
import { getDb } from '../../../lib/db';
import { listDigestMessages, listJobRuns } from '../../../lib/digest/list-digests';
import { requireUser } from '../../_lib/auth';

export const dynamic = 'force-dynamic';

const searchSchema = z.object({ week: z.string().regex(/^\d{4}-W\d{2}$/).optional().catch(undefined) });
const when = (d: Date | null) => (d ? d.toISOString().replace('T', ' ').slice(0, 16) : '–');

export default async function DigestsPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  await requireUser('viewer', '/digests');
  const { week } = searchSchema.parse(await searchParams);
  const db = await getDb();
  const [{ weeks, messages }, runs] = await Promise.all([listDigestMessages(db, { week }), listJobRuns(db)]);
  const shown = week ?? weeks[0];
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
      <section className="panel">
        <h2>Messages {shown ? `of ${shown}` : ''}</h2>
        {messages.length === 0 ? (
          <p className="subtle">No digest has been sent yet. The scheduler sends it every Friday at 17:00 (DIGEST_CRON); run one now with <code>npm run digest</code>, or preview it with <code>npm run digest -- --dry-run</code>.</p>
        ) : (
          <table>
            <thead>
              <tr><th>Kind</th><th>Recipient</th><th>Subject</th><th>Status</th><th className="num">Attempts</th><th>Sent</th></tr>
            </thead>
            <tbody>
              {messages.map((m) => (
                <tr key={m.id}>
                  <td>{m.kind}</td>
                  <td>{m.recipient}</td>
                  <td><a href={`/digests/${m.id}`}>{m.subject}</a></td>
                  <td className={m.status === 'failed' ? 'down' : m.status === 'sent' ? 'up' : ''} title={m.lastError ?? ''}>{m.status}{m.lastError && m.status !== 'sent' ? ` — ${m.lastError}` : ''}</td>
                  <td className="num">{m.attempts}</td>
                  <td>{when(m.sentAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
      <section className="panel">
        <h2>Job history</h2>
        {runs.length === 0 ? (
          <p className="subtle">The scheduler has not run a job yet.</p>
        ) : (
          <table>
            <thead>
              <tr><th>Job</th><th>Started</th><th>Finished</th><th>Outcome</th><th>Counts</th></tr>
            </thead>
            <tbody>
              {runs.map((r) => (
                <tr key={r.id}>
                  <td>{r.job}</td>
                  <td>{when(r.startedAt)}</td>
                  <td>{when(r.finishedAt)}</td>
                  <td className={r.status === 'failed' ? 'down' : ''}>{r.status}</td>
                  <td className="subtle">{r.summary}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
    </>
  );
}
