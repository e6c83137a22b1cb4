import { getDb } from '../../../lib/db';
import { formatCount } from '../../../lib/format';
import { paramsOrThrow } from '../../../lib/http/params';
import { quarantinePageSchema } from '../../../lib/http/page-schemas';
import { listQuarantine } from '../../../lib/ingest/quarantine';
import { DataTable } from '../../_components/data-table';
import { requireUser } from '../../_lib/auth';
import { BatchSummary, BatchTable } from './batch-table';

export const dynamic = 'force-dynamic';
const when = (d: Date | null) => (d ? d.toISOString().replace('T', ' ').slice(0, 19) : '–');

export default async function QuarantinePage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  await requireUser('viewer', '/quarantine');
  const { batch, page } = paramsOrThrow(quarantinePageSchema, await searchParams);
  const q = await listQuarantine(await getDb(), { batchId: batch, page });
  const pages = Math.max(1, Math.ceil(q.total / q.pageSize));
  return (
    <>
      <h1>Quarantine</h1>
      <p className="subtle">Input lines that were not stored, with the file, line, field and reason: invalid lines, conflicts (the key or the rollout is stored with other content) and records the database refused. The valid lines of the same inputs were stored.</p>
      {q.unfinished.length > 0 && (
        <section className="panel">
          <h2>Ingestions that did not finish</h2>
          <p className="subtle">What they stored is kept; ingesting the same input again stores the rest (duplicates are recognised).</p>
          <table>
            <thead><tr><th>Source</th><th>Started</th><th>Status</th><th className="num">Stored</th><th>Why</th></tr></thead>
            <tbody>{q.unfinished.map((b) => <tr key={b.id}><td>{b.source}</td><td>{when(b.startedAt)}</td><td className={b.status === 'running' ? '' : 'down'}>{b.status}</td><td className="num">{b.status === 'running' ? '…' : formatCount(b.accepted)}</td><td>{b.error ?? (b.status === 'running' ? `heartbeat ${when(b.heartbeatAt)}` : '–')}</td></tr>)}</tbody>
          </table>
        </section>
      )}
      {q.batches.length > 0 && (
        <section className="panel">
          <h2>Inputs with quarantined lines</h2>
          <BatchTable batches={q.batches} selected={batch} />
        </section>
      )}
      <section className="panel">
        {q.selected && <BatchSummary batch={q.selected} />}
        {q.lines.length === 0 ? <p className="subtle">Nothing in quarantine: every line ingested so far was valid.</p> : (
          <DataTable
            id="quarantine"
            csvName="quarantine"
            columns={[{ key: 'source', label: 'Source' }, { key: 'line', label: 'Line', numeric: true }, { key: 'kind', label: 'Kind' }, { key: 'field', label: 'Field' }, { key: 'reason', label: 'Reason' }, { key: 'raw', label: 'Raw text' }]}
            rows={q.lines.map((l) => ({
              id: l.id,
              cells: { source: { text: l.source }, line: { text: String(l.line), sort: l.line }, kind: { text: l.kind }, field: { text: l.field ?? '–' }, reason: { text: l.reason }, raw: { text: l.raw.slice(0, 300), className: 'mono' } },
            }))}
          />
        )}
        <div className="pager"><span className="subtle">{formatCount(q.total)} lines · page {q.page} of {pages}</span>
          {page < pages && <a href={`/quarantine?${batch ? `batch=${batch}&` : ''}page=${page + 1}`}>Next →</a>}</div>
      </section>
    </>
  );
}
