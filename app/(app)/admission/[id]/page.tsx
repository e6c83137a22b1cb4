import { notFound } from 'next/navigation';
import { getDb } from '../../../../lib/db';
import { getSettings } from '../../../../lib/env';
import { paramsOrThrow } from '../../../../lib/http/params';
import { ruleSegmentSchema } from '../../../../lib/http/page-schemas';
import { getAdmissionRule } from '../../../../lib/metrics/admission';
import { hasRole, requireUser } from '../../../_lib/auth';
import { AcknowledgeForm } from '../acknowledge-form';
import { Evidence } from '../evidence';
import { OutcomeTable } from '../outcome-table';
import { SubjectLink } from '../subject-link';

export const dynamic = 'force-dynamic';
const day = (d: Date) => d.toISOString().slice(0, 10);

export default async function AdmissionRulePage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = paramsOrThrow(ruleSegmentSchema, await params);
  const user = await requireUser('viewer', `/admission/${id}`);
  const data = await getAdmissionRule(await getDb(), id, { timeZone: getSettings().timeZone });
  if (!data) notFound();
  const { rule, weeks, history, outcome } = data;
  const canTriage = hasRole(user, 'engineer');
  return (
    <>
      <p><a href="/admission">← Admission rules</a></p>
      <h1>{rule.title}</h1>
      <p className="subtle">{rule.description || 'No description.'} · {rule.severity} · mode {rule.mode} · scope {rule.scope} · kind {rule.kind} · owner {rule.owner?.name ?? '–'}{rule.active ? '' : ' · inactive (no longer in the rules file)'}</p>
      <section className="panel">
        <h2>Violations seen per week</h2>
        <table>
          <thead><tr>{weeks.map((w) => <th key={w} className="num">{w}</th>)}</tr></thead>
          <tbody><tr>{history.map((n, i) => <td key={i} className="num">{n}</td>)}</tr></tbody>
        </table>
      </section>
      {outcome && (
        <section className="panel">
          <h2>Outcomes (all stored rollouts)</h2>
          <OutcomeTable rules={[outcome]} />
        </section>
      )}
      <section className="panel">
        <h2>Violations</h2>
        {rule.violations.length === 0 ? <p className="subtle">This rule has never been broken.</p> : (
          <table>
            <thead><tr><th>Subject</th><th>Status</th><th>First seen</th><th>Last seen</th><th className="num">Count</th><th className="num">Rollouts</th><th>Evidence</th></tr></thead>
            <tbody>
              {rule.violations.map((v) => (
                <tr key={v.id} id={`v${v.id}`}>
                  <td><SubjectLink type={v.subjectType} id={v.subjectId} /></td>
                  <td>
                    {v.status}
                    {v.acknowledgedBy && <div className="subtle">by {v.acknowledgedBy}</div>}
                    {v.resolvedAt && <div className="subtle">{day(v.resolvedAt)}</div>}
                    {canTriage && v.status !== 'resolved' && <AcknowledgeForm id={v.id} acknowledged={v.status === 'acknowledged'} />}
                  </td>
                  <td>{day(v.firstSeen)}</td>
                  <td>{day(v.lastSeen)}</td>
                  <td className="num">{v.count}</td>
                  <td className="num">{v._count.rollouts || '–'}</td>
                  <td><Evidence evidence={v.evidence} /></td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
    </>
  );
}
