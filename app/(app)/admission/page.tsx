import { getDb } from '../../../lib/db';
import { getAdmissionOverview } from '../../../lib/metrics/admission';
import { requireUser } from '../../_lib/auth';

export const dynamic = 'force-dynamic';
const day = (d: Date) => d.toISOString().slice(0, 10);

export default async function AdmissionPage() {
  await requireUser('viewer', '/admission');
  const { rules, violations } = await getAdmissionOverview(await getDb());
  return (
    <>
      <h1>Admission rules</h1>
      <p className="subtle">The entry rules every system and rollout must satisfy — the “manual” of the container platform — and where they were broken.</p>
      {rules.length === 0 ? (
        <section className="panel empty">
          <h2>No admission rules are loaded yet</h2>
          <p className="subtle">Rules are read from the admission rules file (README, “Admission rules”) and evaluated by the scheduler every night (ADMISSION_CRON). Run <code>npm run admission:check</code> to load and evaluate them now; this page then lists each rule with its open violations and evidence.</p>
        </section>
      ) : (
        <section className="panel">
          <table>
            <thead><tr><th>Rule</th><th>Severity</th><th>Mode</th><th>Scope</th><th>Owner</th><th className="num">Open violations</th></tr></thead>
            <tbody>{rules.map((r) => <tr key={r.id}><td><a href={`/admission/${encodeURIComponent(r.id)}`}>{r.title}</a></td><td>{r.severity}</td><td>{r.mode}</td><td>{r.scope}</td><td>{r.owner ?? '–'}</td><td className="num">{r.open}</td></tr>)}</tbody>
          </table>
        </section>
      )}
      {violations.length > 0 && (
        <section className="panel">
          <h2>Violations</h2>
          <table>
            <thead><tr><th>Rule</th><th>Subject</th><th>Status</th><th>First seen</th><th>Last seen</th><th className="num">Count</th></tr></thead>
            <tbody>{violations.map((v) => <tr key={v.id}><td><a href={`/admission/${encodeURIComponent(v.ruleId)}`}>{v.rule}</a></td><td>{v.subject}</td><td>{v.status}</td><td>{day(v.firstSeen)}</td><td>{day(v.lastSeen)}</td><td className="num">{v.count}</td></tr>)}</tbody>
          </table>
        </section>
      )}
    </>
  );
}
