import type { AlertsOverview } from '../../../lib/alerts/overview';

/** Settings → Alerts: the alerts file's channels and thresholds (read-only), active subjects, latest messages. */
const when = (d: Date | null) => (d ? d.toISOString().slice(0, 16).replace('T', ' ') : '–');
const pairs = (o: Record<string, number>) => Object.entries(o).map(([k, v]) => `${k} ${v}`).join(', ');

export function AlertsSection({ overview: o }: { overview: AlertsOverview }) {
  const t = o.thresholds;
  return (
    <section className="panel" aria-label="Alerts">
      <h2>Alerts</h2>
      <p className="subtle">
        {o.file ? <>Channels and thresholds come from {o.file} (ROLLSCOPE_ALERTS_FILE).</> : 'No alerts file (ROLLSCOPE_ALERTS_FILE): no alert is sent.'}{' '}
        The scheduler checks every ALERTS_CRON; webhook addresses are shown by host only.
      </p>
      {o.error && <pre className="down" role="alert">{o.error}</pre>}
      {t && (
        <table aria-label="Alert thresholds"><tbody>
          <tr><td>Failure class: active at ≥</td><td>{pairs(t.classFailures.activate)} failed rollouts (1 day / 7 days)</td></tr>
          <tr><td>Failure class: inactive only under</td><td>{pairs(t.classFailures.deactivate)}</td></tr>
          <tr><td>Stage first-pass under target</td><td>{t.firstPassDays} days in a row</td></tr>
          <tr><td>Class counts as new for</td><td>{t.newClassDays} days</td></tr>
        </tbody></table>
      )}
      {o.channels.length > 0 && (
        <table aria-label="Alert channels">
          <thead><tr><th>Owner</th><th>Kind</th><th>Sends to</th></tr></thead>
          <tbody>{o.channels.map((c, i) => <tr key={i}><td>{c.owner}</td><td>{c.kind}</td><td>{c.target}</td></tr>)}</tbody>
        </table>
      )}
      <p>{o.active.length === 0 ? 'Nothing is active now.' : `Active now: ${o.active.map((a) => `${a.trigger} ${a.subject}`).join(', ')}.`}</p>
      {o.recent.length > 0 && (
        <table aria-label="Latest alerts">
          <thead><tr><th>Created</th><th>Alert</th><th>Channel</th><th>State</th><th className="num">Attempts</th><th>Last error</th></tr></thead>
          <tbody>
            {o.recent.map((m) => (
              <tr key={m.id}>
                <td>{when(m.createdAt)}</td><td>{m.title}</td><td>{m.channel}</td>
                <td className={m.status === 'sent' ? 'up' : m.status === 'pending' ? undefined : 'down'}>{m.status === 'sent' ? `sent ${when(m.sentAt)}` : m.status}</td>
                <td className="num">{m.attempts}</td><td>{m.lastError ?? '–'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
