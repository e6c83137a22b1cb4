import type { listIngestTokens } from '../../../lib/auth/token-admin';
import type { Settings } from '../../../lib/env';
import { formatPercent } from '../../../lib/format';
import { CreateTokenForm, RevokeTokenForm } from './token-forms';

/** The read-mostly parts of Settings: ingest tokens, targets, the chain config's owners, routing rules. */
type Token = Awaited<ReturnType<typeof listIngestTokens>>[number];
type Owner = { id: string; name: string; kind: string; email: string; teamId: string | null; leadEmail: string | null };
type Stage = { name: string; ownerId: string | null };
type Rule = { id: string; owner: string; assignee?: string | null | undefined; match: unknown };
const day = (d: Date | null) => (d ? d.toISOString().slice(0, 16).replace('T', ' ') : '–');

export function TokensSection({ tokens, fromSettings }: { tokens: Token[]; fromSettings: number }) {
  const none = `No token yet${fromSettings ? ` (INGEST_TOKENS sets ${fromSettings})` : ''}.`;
  return (
    <section className="panel">
      <h2>Tokens</h2>
      <p className="subtle">Ingest tokens may only send data; read tokens may only read /api/v1 and /metrics.</p>
      <CreateTokenForm />
      {tokens.length === 0 ? <p className="subtle">{none}</p> : (
        <table>
          <thead><tr><th>Name</th><th>Scope</th><th>Created</th><th>Last used</th><th>State</th><th /></tr></thead>
          <tbody>
            {tokens.map((k) => (
              <tr key={k.id}>
                <td>{k.name}</td><td>{k.scope}</td><td>{day(k.createdAt)}</td><td>{day(k.lastUsedAt)}</td>
                <td>{k.revokedAt ? `revoked ${day(k.revokedAt)}` : 'active'}</td>
                <td>{!k.revokedAt && <RevokeTokenForm id={k.id} />}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

export function TargetsSection({ targets: t }: { targets: Settings['targets'] }) {
  const rows: [string, string][] = [
    ['End-to-end success rate', formatPercent(t.successRate)],
    ['Stage first-pass success rate', formatPercent(t.stageSuccessRate)],
    ['First-pass yield', formatPercent(t.yield)],
    ['Unattended rollouts', formatPercent(t.unattendedRate)],
    ['Rollouts per week', t.rolloutsPerWeek === null ? '–' : String(t.rolloutsPerWeek)],
  ];
  return (
    <section className="panel">
      <h2>Targets</h2>
      <table><tbody>{rows.map(([k, v]) => <tr key={k}><td>{k}</td><td className="num">{v}</td></tr>)}</tbody></table>
    </section>
  );
}

export function OwnersSection({ owners, stages }: { owners: Owner[]; stages: Stage[] }) {
  return (
    <section className="panel">
      <h2>Owners and teams</h2>
      <table>
        <thead><tr><th>Id</th><th>Name</th><th>Kind</th><th>E-mail</th><th>Team / lead</th><th>Stages</th></tr></thead>
        <tbody>
          {owners.map((o) => (
            <tr key={o.id}>
              <td className="mono">{o.id}</td><td>{o.name}</td><td>{o.kind}</td><td>{o.email}</td>
              <td>{o.kind === 'team' ? (o.leadEmail ?? '–') : (o.teamId ?? '–')}</td>
              <td>{stages.filter((s) => s.ownerId === o.id).map((s) => s.name).join(', ')}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

export function RoutingSection({ rules }: { rules: Rule[] }) {
  return (
    <section className="panel">
      <h2>Routing rules (first match wins; else the stage’s owner)</h2>
      <table>
        <thead><tr><th>Rule</th><th>Owner</th><th>Assignee</th><th>Matches</th></tr></thead>
        <tbody>
          {rules.map((r) => (
            <tr key={r.id}>
              <td className="mono">{r.id}</td><td>{r.owner}</td><td>{r.assignee ?? '–'}</td>
              <td className="mono">{JSON.stringify(r.match)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
