import { formatCount } from '../../../lib/format';

export type BatchRow = {
  id: number; source: string; format: string; startedAt: Date; finishedAt: Date | null; status: string;
  accepted: number; duplicates: number; conflicts: number; rejected: number;
};

const when = (d: Date | null) => (d ? `${d.toISOString().replace('T', ' ').slice(0, 19)} UTC` : '–');

/** "stored 1,204 · duplicates 3 · conflicts 0 · rejected 12": what one input gave, in one line. */
export function formatBatchCounts(b: Pick<BatchRow, 'accepted' | 'duplicates' | 'conflicts' | 'rejected'>): string {
  return `stored ${formatCount(b.accepted)} · duplicates ${formatCount(b.duplicates)} · conflicts ${formatCount(b.conflicts)} · rejected ${formatCount(b.rejected)}`;
}

/**
 * The inputs that left lines in quarantine: where each came from, when it was ingested and what it
 * gave, so a rejected count is never read without the stored count beside it. Each links to its lines.
 */
export function BatchTable({ batches, selected }: { batches: BatchRow[]; selected: number | undefined }) {
  return (
    <div className="table-scroll">
      <table aria-label="Inputs with quarantined lines">
        <thead>
          <tr>
            <th>Source</th><th>Format</th><th>Ingested</th><th>Status</th>
            <th className="num">Stored</th><th className="num">Duplicates</th><th className="num">Conflicts</th><th className="num">Rejected</th>
          </tr>
        </thead>
        <tbody>
          <tr className={selected === undefined ? 'selected' : ''}>
            <td colSpan={8}><a href="/quarantine">All inputs</a></td>
          </tr>
          {batches.map((b) => (
            <tr key={b.id} className={selected === b.id ? 'selected' : ''}>
              <td className="mono"><a href={`/quarantine?batch=${b.id}`} title={b.source}>{b.source}</a></td>
              <td>{b.format}</td>
              <td>{when(b.startedAt)}{b.finishedAt ? '' : ' (not finished)'}</td>
              <td className={b.status === 'finished' || b.status === 'running' ? '' : 'down'}>{b.status}</td>
              <td className="num">{formatCount(b.accepted)}</td>
              <td className="num">{formatCount(b.duplicates)}</td>
              <td className="num">{formatCount(b.conflicts)}</td>
              <td className="num">{formatCount(b.rejected)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** The heading line of one input: its source, time and counts. */
export function BatchSummary({ batch }: { batch: BatchRow }) {
  return (
    <p data-testid="batch-summary">
      <strong className="mono">{batch.source}</strong> ({batch.format}), ingested {when(batch.startedAt)}, {batch.status}:{' '}
      {formatBatchCounts(batch)}
    </p>
  );
}
