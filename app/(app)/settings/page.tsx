import { listIngestTokens } from '../../../lib/auth/token-admin';
import { loadRoutingConfig } from '../../../lib/classify/rules';
import { getDb } from '../../../lib/db';
import { getSettings } from '../../../lib/env';
import { formatPercent } from '../../../lib/format';
import { requireUser } from '../../_lib/auth';
import { CreateTokenForm, RevokeTokenForm } from './token-forms';

export const dynamic = 'force-dynamic';
const day = (d: Date | null) => (d ? d.toISOString().slice(0, 16).replace('T', ' ') : '–');

export default async function SettingsPage() {
  await requireUser('admin', '/settings');
  const settings = getSettings();
  const db = await getDb();
  const [owners, stages, tokens] = await Promise.all([db.prisma.owner.findMany({ orderBy: [{ kind: 'desc' }, { id: 'asc' }] }), db.prisma.stage.findMany({ orderBy: { position: 'asc' } }), listIngestTokens(db)]);
  const routing = loadRoutingConfig(settings.routingFile);
  const t = settings.targets;
  return (
    <>
      <h1>Settings</h1>
      <p className="subtle">Teams, people and the chain come from the chain config ({settings.chainFile ?? 'lib/chain/default-chain.json'}); routing rules from {settings.routingFile ?? 'lib/classify/default-routing.json'}; targets from the environment (README, “Settings”).</p>
      <section className="panel">
        <h2>Ingest tokens</h2>
        <CreateTokenForm />
        {tokens.length === 0 ? <p className="subtle">No token yet{settings.ingestTokens.length ? ` (INGEST_TOKENS sets ${settings.ingestTokens.length})` : ''}.</p> : (
          <table><thead><tr><th>Name</th><th>Created</th><th>Last used</th><th>State</th><th /></tr></thead>
            <tbody>{tokens.map((k) => <tr key={k.id}><td>{k.name}</td><td>{day(k.createdAt)}</td><td>{day(k.lastUsedAt)}</td><td>{k.revokedAt ? `revoked ${day(k.revokedAt)}` : 'active'}</td><td>{!k.revokedAt && <RevokeTokenForm id={k.id} />}</td></tr>)}</tbody></table>
        )}
      </section>
      <section className="panel">
        <h2>Targets</h2>
        <table><tbody>
          <tr><td>End-to-end success rate</td><td className="num">{formatPercent(t.successRate)}</td></tr>
          <tr><td>Stage first-pass success rate</td><td className="num">{formatPercent(t.stageSuccessRate)}</td></tr>
          <tr><td>Chain yield (first pass)</td><td className="num">{formatPercent(t.yield)}</td></tr>
          <tr><td>Unattended rollouts</td><td className="num">{formatPercent(t.unattendedRate)}</td></tr>
          <tr><td>Rollouts per week</td><td className="num">{t.rolloutsPerWeek ?? '–'}</td></tr>
        </tbody></table>
      </section>
      <section className="panel">
        <h2>Owners and teams</h2>
        <table><thead><tr><th>Id</th><th>Name</th><th>Kind</th><th>E-mail</th><th>Team / lead</th><th>Stages</th></tr></thead>
          <tbody>{owners.map((o) => <tr key={o.id}><td className="mono">{o.id}</td><td>{o.name}</td><td>{o.kind}</td><td>{o.email}</td><td>{o.kind === 'team' ? (o.leadEmail ?? '–') : (o.teamId ?? '–')}</td><td>{stages.filter((s) => s.ownerId === o.id).map((s) => s.name).join(', ')}</td></tr>)}</tbody></table>
      </section>
      <section className="panel">
        <h2>Routing rules (first match wins; else the stage’s owner)</h2>
        <table><thead><tr><th>Rule</th><th>Owner</th><th>Assignee</th><th>Matches</th></tr></thead>
          <tbody>{routing.rules.map((r) => <tr key={r.id}><td className="mono">{r.id}</td><td>{r.owner}</td><td>{r.assignee ?? '–'}</td><td className="mono">{JSON.stringify(r.match)}</td></tr>)}</tbody></table>
      </section>
    </>
  );
}
