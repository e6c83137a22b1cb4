import { notFound } from 'next/navigation';
import { getDb } from '../../../../lib/db';
import { formatDeliveryStatus, getDigestMessage } from '../../../../lib/digest/list-digests';
import { paramsOrThrow } from '../../../../lib/http/params';
import { idSegmentSchema } from '../../../../lib/http/page-schemas';
import { requireUser } from '../../../_lib/auth';

export const dynamic = 'force-dynamic';

export default async function DigestMessagePage({ params }: { params: Promise<{ id: string }> }) {
  await requireUser('viewer', '/digests');
  const { id } = paramsOrThrow(idSegmentSchema, await params);
  const message = await getDigestMessage(await getDb(), id);
  if (!message) notFound();
  return (
    <>
      <p><a href={`/digests?week=${message.week}`}>← Digests of {message.week}</a></p>
      <h1>{message.subject}</h1>
      <p className="subtle">
        To {message.recipient} ({message.kind}) · {formatDeliveryStatus(message)}
        {message.sentAt ? ` ${message.sentAt.toISOString().replace('T', ' ').slice(0, 16)}` : ''} · {message.attempts} attempt(s)
        {message.outboxPath ? ` · ${message.outboxPath}` : ''}
        {message.lastError ? ` · last error: ${message.lastError}` : ''}
      </p>
      <section className="panel">
        <h2>As the recipient sees it (HTML)</h2>
        {/* The e-mail's own HTML, isolated: no scripts, no access to the dashboard. */}
        <iframe title="E-mail preview" sandbox="" srcDoc={message.html} style={{ width: '100%', height: 900, border: '1px solid var(--border)', background: '#fff' }} />
      </section>
      <section className="panel">
        <h2>Plain-text part</h2>
        <pre style={{ whiteSpace: 'pre-wrap' }}>{message.text}</pre>
      </section>
    </>
  );
}
