import { notFound } from 'next/navigation';
import { hasRole } from '../../../../lib/auth/roles';
import { listOwnersOfUser } from '../../../../lib/auth/user-owners';
import { loadCategoryConfig } from '../../../../lib/classify/rules';
import { getDb } from '../../../../lib/db';
import { getSettings } from '../../../../lib/env';
import { formatCount } from '../../../../lib/format';
import { paramsOrThrow } from '../../../../lib/http/params';
import { classPageSchema, idSegmentSchema } from '../../../../lib/http/page-schemas';
import { getClassDetail, type Why } from '../../../../lib/triage/class-detail';
import { getClassTrackerUrl } from '../../../../lib/triage/class-tracker';
import { getClassWeek } from '../../../../lib/triage/class-week';
import { listFilterOptions, pickerOptions } from '../../../../lib/triage/filter-options';
import { describeMatch } from '../../../../lib/triage/rule-text';
import { RolloutLink } from '../../../_components/rollout-link';
import { requireUser } from '../../../_lib/auth';
import { RowActions } from '../row-actions';
import { TriageBar } from '../triage-bar';
import { ClassFigures } from './class-figures';
import { ClassWeekPanel } from './class-week-panel';
import { TrackerLink } from './tracker-form';

export const dynamic = 'force-dynamic';
const when = (d: Date | null) => (d ? d.toISOString().replace('T', ' ').slice(0, 19) : '–');

/** Why an event is in this class: its rule, or the template with this event's values highlighted. */
function WhyCell({ why }: { why: Why }) {
  if (why.kind === 'rule') return <>rule <a href={`/errors/rules/${why.ruleId}`}>{why.name}</a></>;
  return <span className="mono" data-why="template">{why.segments.map((s, i) => (s.param ? <mark key={i} className="param">{s.text}</mark> : <span key={i}>{s.text}</span>))}</span>;
}

type Search = Promise<Record<string, string | string[] | undefined>>;

export default async function ErrorClassPage({ params, searchParams }: { params: Promise<{ id: string }>; searchParams: Search }) {
  const { id } = paramsOrThrow(idSegmentSchema, await params);
  const { week } = paramsOrThrow(classPageSchema, await searchParams);
  const user = await requireUser('viewer', `/errors/${id}`);
  const db = await getDb();
  const [c, options, ranked, mine, trackerUrl] = await Promise.all([
    getClassDetail(db, id), listFilterOptions(db), getClassWeek(db, id, week), listOwnersOfUser(db, user), getClassTrackerUrl(db, id),
  ]);
  if (!c) notFound();
  const picker = pickerOptions(options.owners);
  const all = {
    events: c.eventCount, failedRollouts: c.failedRollouts, services: c.breakdown.byService.length, hosts: c.breakdown.byHost.length,
    firstSeen: c.firstSeen, lastSeen: c.lastSeen,
  };
  const peak = Math.max(1, ...c.timeline.map((d) => d.failures));
  const canEdit = hasRole(user, 'engineer');
  const counts = (title: string, rows: { key: string; n: number }[]) => (
    <div>
      <h3>{title}</h3>
      <table><tbody>{rows.slice(0, 8).map((r) => <tr key={r.key}><td>{r.key}</td><td className="num">{formatCount(r.n)}</td></tr>)}</tbody></table>
    </div>
  );
  return (
    <>
      <p><a href="/errors">← Error classes</a></p>
      <h1>{c.title}</h1>
      {c.mergedIntoId !== null && <p className="down">Merged into <a href={`/errors/${c.mergedIntoId}`}>class {c.mergedIntoId}</a>.</p>}
      {c.rule && (
        <p aria-label="Class rule">
          Defined by <a href={`/errors/rules/${c.rule.id}`}>class rule {c.rule.position + 1}</a>: {describeMatch(c.rule.match)}.
          {c.rule.trackerUrl && <> Tracked in <a href={c.rule.trackerUrl} rel="noreferrer noopener" target="_blank">{c.rule.trackerUrl}</a>.</>}
        </p>
      )}
      {c.status === 'retired' && <p className="subtle">The class rule that defined this class was deleted; its events went back to the miner&apos;s classes.</p>}
      {canEdit && c.mergedIntoId === null && c.status !== 'retired' && (
        <p><a href={`/errors/rules/new?class=${c.id}`}>Split this class</a> <span className="subtle">— a class rule that takes some of its events (preview first)</span></p>
      )}
      <TrackerLink id={c.id} url={trackerUrl} canEdit={canEdit && c.mergedIntoId === null} />
      <p className="mono" aria-label="Template">{c.template.map((s, i) => (s.param ? <span key={i} className="param">{s.text}</span> : <span key={i}>{s.text}</span>))}</p>
      <section className="tiles">
        <div className="tile"><div className="label">Status</div><div className="value">{c.status}</div><div className="detail">{formatCount(c.eventCount)} events; first {when(c.firstSeen)}, last {when(c.lastSeen)}</div></div>
        <div className="tile"><div className="label">Owner</div><div className="value">{c.owner?.name ?? '–'}</div><div className="detail">{c.assignee ? `assigned to ${c.assignee.name}; ` : ''}chosen by {c.ownerSource === 'manual' ? 'a person' : `rule “${c.ownerRule}”`}</div></div>
        <div className="tile"><div className="label">Category</div><div className="value">{c.category}</div><div className="detail">{c.categorySource === 'manual' ? 'set by a person' : c.categoryRule ? `rule “${c.categoryRule}”` : 'no rule matched'}</div></div>
      </section>
      {canEdit && c.mergedIntoId === null && (
        <RowActions id={c.id} status={c.status} mine={c.assignee !== null && mine.persons.includes(c.assignee.id)} inline />
      )}
      <ClassFigures data={ranked} all={all} />
      <ClassWeekPanel id={c.id} data={ranked} />
      {canEdit && c.mergedIntoId === null && (
        <TriageBar
          classIds={[c.id]}
          teams={picker.teams}
          people={picker.people}
          team={c.owner?.id}
          person={c.assignee?.id}
          categories={loadCategoryConfig(getSettings().categoriesFile).categories}
          mergeTargets={[]}
        />
      )}
      <section className="panel">
        <h2>Failures per day (30 days)</h2>
        <div style={{ display: 'flex', alignItems: 'end', gap: 2, height: 80 }} aria-label="Timeline">
          {c.timeline.map((d) => <div key={d.day} title={`${d.day}: ${d.failures}`} style={{ flex: 1, height: `${(d.failures / peak) * 100}%`, minHeight: d.failures ? 2 : 0, background: 'var(--bad)' }} />)}
        </div>
      </section>
      <section className="panel" style={{ display: 'grid', gridTemplateColumns: 'repeat(3, 1fr)', gap: 16 }}>
        {counts('By stage', c.breakdown.byStage)}{counts('By service', c.breakdown.byService)}{counts('By host', c.breakdown.byHost)}
      </section>
      <section className="panel">
        <h2>Latest events</h2>
        <table>
          <thead><tr><th>When</th><th>Rollout</th><th>Service</th><th>Stage</th><th>Host</th><th>Message</th><th>Why in this class</th></tr></thead>
          <tbody>
            {c.samples.map((e) => (
              <tr key={e.id} data-event={e.id}>
                <td>{when(e.occurredAt)}</td><td><RolloutLink id={e.rolloutId} /></td><td>{e.service}</td><td>{e.stageKey} #{e.attempt}</td><td>{e.host ?? '–'}</td>
                <td className="mono">{e.message}</td><td data-why-cell><WhyCell why={e.why} /></td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
      <section className="panel">
        <h2>History and notes</h2>
        {c.history.length === 0 ? <p className="subtle">No decisions yet.</p> : <ul>{c.history.map((h) => <li key={h.id}><span className="subtle">{when(h.createdAt)} · {h.actor} · {h.kind}:</span> {h.text}</li>)}</ul>}
      </section>
    </>
  );
}
