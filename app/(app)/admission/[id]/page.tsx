import { notFound } from 'next/navigation';
import { getDb } from '../../../../lib/db';
import { getAdmissionRule } from '../../../../lib/metrics/admission';
import { requireUser } from '../../../_lib/auth';

export const dynamic = 'force-dynamic';
const day = (d: Date) => d.toISOString().slice(0, 10);

export default async function AdmissionRulePage({ params }: { params: Promise<{ id: string }> }) {
  const id = decodeURIComponent((await params).id);
  await requireUser('viewer', `/admission/${id}`);
  const rule = await getAdmissionRule(await getDb(), id);
  if (!rule) notFound();
  return (
    <>
      <p><a href="/admission">← Admission rules</a></p>
      <h1>{rule.title}</h1>
      <p className="subtle">{rule.description || 'No description.'} · {rule.severity} · mode {rule.mode} · scope {rule.scope} · owner {rule.owner?.name ?? '–'}</p>
      <section className="panel">
        <h2>Violations</h2>
        {rule.violations.length === 0 ? <p className="subtle">This rule has never been broken.</p> : (
          <table>
            <thead><tr><th>Subject</th><th>Status</th><th>First seen</th><th>Last seen</th><th className="num">Count</th><th>Evidence</th></tr></thead>
            <tbody>{rule.violations.map((v) => <tr key={v.id}><td>{v.subjectType} {v.subjectId}</td><td>{v.status}</td><td>{day(v.firstSeen)}</td><td>{day(v.lastSeen)}</td><td className="num">{v.count}</td><td className="mono">{v.evidence ? JSON.stringify(v.evidence).slice(0, 300) : '–'}</td></tr>)}</tbody>
          </table>
        )}
      </section>
    </>
  );
}
