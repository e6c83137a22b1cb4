import type { RulePreview } from '../../../../lib/classify/rule-preview';

const n = (v: number) => v.toLocaleString('en-US');
const when = (d: Date) => new Date(d).toISOString().replace('T', ' ').slice(0, 19);

/** What a rule would take over the weeks looked back: figures, the classes it takes from, examples. */
export function PreviewPanel({ preview, weeks }: { preview: RulePreview; weeks: number }) {
  return (
    <section className="panel" aria-label="Preview">
      <h2>Preview: the last {weeks} week{weeks === 1 ? '' : 's'} ({preview.from} – {preview.to})</h2>
      <p data-preview="figures">
        This rule would take <strong data-figure="events">{n(preview.events)}</strong> of {n(preview.scanned)} error events,
        in <strong data-figure="failed-rollouts">{n(preview.failedRollouts)}</strong> failed rollouts.
        {preview.events === 0 && ' Nothing matches: check the pattern and the other fields.'}
      </p>
      {preview.fromClasses.length > 0 && (
        <>
          <h3>From the classes</h3>
          <table aria-label="From the classes">
            <thead><tr><th>Class</th><th className="num">Events it would take</th></tr></thead>
            <tbody>
              {preview.fromClasses.map((c) => (
                <tr key={c.classId ?? 'none'}>
                  <td>{c.classId === null ? c.title : <a href={`/errors/${c.classId}`}>{c.title}</a>}</td>
                  <td className="num">{n(c.events)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
      {preview.examples.length > 0 && (
        <>
          <h3>Latest examples</h3>
          <table aria-label="Examples">
            <thead><tr><th>When</th><th>Stage</th><th>Service</th><th>Message</th></tr></thead>
            <tbody>
              {preview.examples.map((e) => (
                <tr key={e.eventId}><td>{when(e.occurredAt)}</td><td>{e.stageKey}</td><td>{e.service}</td><td className="mono">{e.message}</td></tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </section>
  );
}
