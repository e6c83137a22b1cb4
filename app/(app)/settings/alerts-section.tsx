import type { AlertsOverview } from '../../../lib/alerts/overview';
import { AddChannelForm, RemoveChannelForm } from './alert-channel-forms';

/**
 * Settings → Alerts: the alerts file's channels and thresholds (read-only), the channels added here
 * (add, remove), active subjects, latest messages.
 */
const when = (d: Date | null) => (d ? d.toISOString().slice(0, 16).replace('T', ' ') : '–');
const pairs = (o: Record<string, number>) => Object.entries(o).map(([k, v]) => `${k} ${v}`).join(', ');

export function AlertsSection({ overview: o }: { overview: AlertsOverview }) {
  const t = o.thresholds;
  return (
    <section className="panel" aria-label="Alerts">
      <h2>Alerts</h2>
      <p className="subtle">
        {o.file
          ? <>Thresholds and channels come from {o.file} (ROLLSCOPE_ALERTS_FILE), and channels from below.</>
          : <>No alerts file (ROLLSCOPE_ALERTS_FILE): default thresholds; {o.dbChannels.length
            ? 'alerts go to the channels below.' : 'no alert is sent until a channel is added below.'}</>}{' '}
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
      <h3>Channels added in Settings</h3>
      {o.dbChannels.length > 0 && (
        <table aria-label="Channels added in Settings">
          <thead><tr><th>Owner</th><th>Name</th><th>Kind</th><th>Sends to</th><th>Added</th><th></th></tr></thead>
          <tbody>
            {o.dbChannels.map((c) => (
              <tr key={c.id} data-channel={`${c.owner}/${c.name}`}>
                <td>{c.owner}</td><td>{c.name}</td><td>{c.kind}</td>
                <td>{c.target}{c.note && <span className="down"> ({c.note})</span>}</td>
                <td>{when(c.createdAt)} by {c.createdBy}</td>
                <td><RemoveChannelForm id={c.id} label={`${c.owner}/${c.name}`} /></td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <AddChannelForm owners={o.owners} />
      {o.removed.length > 0 && (
        <p className="subtle">Removed: {o.removed.map((r) =>
          `${r.owner}/${r.name} (${r.target}) by ${r.removedBy} ${when(r.removedAt)}`).join('; ')}. Their names are not reused.</p>
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
