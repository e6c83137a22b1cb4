import { hasRole } from '../../../lib/auth/roles';
import { loadCategoryConfig } from '../../../lib/classify/rules';
import { getDb } from '../../../lib/db';
import { getSettings } from '../../../lib/env';
import { formatCount } from '../../../lib/format';
import { paramsOrThrow } from '../../../lib/http/params';
import { weekOfInstant } from '../../../lib/time/iso-week';
import { classFiltersSchema, listErrorClasses, listFilterOptions, type ClassFilters, type ClassList } from '../../../lib/triage/list-classes';
import { Sparkline } from '../../_components/sparkline';
import { requireUser } from '../../_lib/auth';
import { TriageBar } from './triage-bar';

export const dynamic = 'force-dynamic';

type Search = Promise<Record<string, string | string[] | undefined>>;
const at = (d: Date) => `${d.toISOString().replace('T', ' ').slice(0, 16)} UTC`;

/** Whether the week's ranking is as sent in its digest, the week in progress, or a week not sent yet. */
function RankingState({ list, timeZone }: { list: ClassList; timeZone: string }) {
  if (!list.week || !list.computedAt) return null;
  if (list.frozenAt) {
    return <p className="subtle" data-ranking="reported">Ranking as reported in the digest on {at(list.frozenAt)}: it stays as it was sent (later class-rule changes do not alter it).</p>;
  }
  if (list.week === weekOfInstant(Date.now(), timeZone)) {
    return <p className="subtle" data-ranking="in-progress">Week in progress: the ranking updates as data arrives; computed {at(list.computedAt)}.</p>;
  }
  return <p className="subtle" data-ranking="unsent">Computed {at(list.computedAt)}; not sent in a digest, so class-rule changes recompute it.</p>;
}
const query = (f: ClassFilters, patch: Partial<ClassFilters>) => new URLSearchParams(Object.entries({ ...f, ...patch }).filter(([, v]) => v !== undefined && v !== '').map(([k, v]) => [k, String(v)])).toString();

export default async function ErrorsPage({ searchParams }: { searchParams: Search }) {
  const user = await requireUser('viewer', '/errors');
  const filters = paramsOrThrow(classFiltersSchema, await searchParams);
  const db = await getDb();
  const [list, options] = await Promise.all([listErrorClasses(db, filters), listFilterOptions(db)]);
  const canTriage = hasRole(user, 'engineer');
  const names = new Map(options.owners.map((o) => [o.id, o.name]));
  const pages = Math.max(1, Math.ceil(list.total / list.pageSize));
  if (!list.week && !list.range) {
    return (
      <section className="panel empty">
        <h1>No ranked week yet</h1>
        <p className="subtle">Error classes appear once failures are ingested and classified. Run <code>npm run classify</code>, or wait for the Friday digest. <a href="/errors/rules">Class rules</a> can be set up meanwhile.</p>
      </section>
    );
  }
  const select = (name: keyof ClassFilters, label: string, values: { value: string; label: string }[]) => (
    <label>
      {label}
      <select name={name} defaultValue={String((name === 'week' ? (list.week ?? '') : filters[name]) ?? '')}>
        {name !== 'week' && name !== 'sort' && <option value="">All</option>}
        {values.map((v) => <option key={v.value} value={v.value}>{v.label}</option>)}
      </select>
    </label>
  );
  return (
    <>
      <h1>Error classes</h1>
      <p><a href="/errors/rules">Class rules</a> <span className="subtle">— classes people define, which win over the template miner</span></p>
      <p className="subtle">
        {list.range
          ? `Days ${list.range.from} – ${list.range.to}, by failures (change vs the as long period before). Uplift and badges are weekly: pick a week for them.`
          : `Week ${list.week}, ranked by uplift (points of end-to-end success rate fixing the class would win), then failures. ★ = among the classes making 80% of failures.`}
      </p>
      <RankingState list={list} timeZone={getSettings().timeZone} />
      <form className="filters" method="get" aria-label="Filters">
        {select('week', 'Week', list.weeks.map((w) => ({ value: w, label: w })))}
        <label>or from<input type="date" name="from" defaultValue={filters.from ?? ''} /></label>
        <label>to<input type="date" name="to" defaultValue={filters.to ?? ''} /></label>
        {select('stage', 'Stage', options.stages.map((s) => ({ value: s.key, label: s.name })))}
        {select('service', 'Service', options.services.map((s) => ({ value: s, label: s })))}
        {select('owner', 'Owner', options.owners.map((o) => ({ value: o.id, label: o.name })))}
        {select('category', 'Category', options.categories.map((c) => ({ value: c, label: c })))}
        {select('status', 'Status', ['active', 'open', 'acknowledged', 'resolved', 'ignored'].map((s) => ({ value: s, label: s })))}
        {select('badge', 'Badge', ['new', 'regressed', 'escalating', 'ongoing'].map((s) => ({ value: s, label: s })))}
        {select('sort', 'Sort', [{ value: 'rank', label: 'rank' }, { value: 'failures', label: 'failures' }, { value: 'change', label: 'change' }, { value: 'lastSeen', label: 'last seen' }])}
        <button type="submit" className="secondary">Apply</button>
        <a href={`/api/errors/export?${query(filters, { page: undefined })}`}>Export CSV</a>
      </form>
      {canTriage && (
        <TriageBar
          owners={options.owners.filter((o) => o.kind === 'team').map((o) => ({ value: o.id, label: o.name }))}
          people={options.owners.filter((o) => o.kind === 'person').map((o) => ({ value: o.id, label: o.name }))}
          categories={loadCategoryConfig(getSettings().categoriesFile).categories}
          mergeTargets={list.rows.map((r) => ({ value: String(r.id), label: `#${r.rank} ${r.title.slice(0, 60)}` }))}
        />
      )}
      <section className="panel">
        <p className="subtle">{formatCount(list.total)} classes match.</p>
        {list.rows.length === 0 ? (
          <p className="subtle">No class matches these filters. <a href="/errors">Clear the filters</a>.</p>
        ) : (
          <table>
            <thead>
              <tr>
                {canTriage && <th aria-label="Select" />}
                <th className="num">#</th><th>Class</th><th>Stage</th><th>Category</th><th>Owner</th><th>Status</th>
                <th className="num">Failures</th><th className="num">{list.range ? "Rollouts hit" : "Failed rollouts"}</th><th className="num">Uplift</th><th>Trend</th>
              </tr>
            </thead>
            <tbody>
              {list.rows.map((r) => (
                <tr key={r.id} data-class={r.id}>
                  {canTriage && <td><input type="checkbox" name="ids" value={r.id} form="triage" aria-label={`select class ${r.id}`} /></td>}
                  <td className="num">{r.rank}{r.in80 ? ' ★' : ''}</td>
                  <td>
                    <a href={`/errors/${r.id}`}>{r.title}</a>{' '}
                    {r.badge && r.badge !== 'ongoing' && <span className={`badge ${r.badge}`}>{r.badge}</span>}
                  </td>
                  <td>{r.stage ?? '–'}</td>
                  <td>{r.category}</td>
                  <td>{names.get(r.ownerId ?? '') ?? '–'}{r.assigneeId ? ` · ${names.get(r.assigneeId) ?? r.assigneeId}` : ''}</td>
                  <td>{r.status}</td>
                  <td className="num" title={`last week ${r.previousFailures}`}>{formatCount(r.failures)} ({r.failures - r.previousFailures >= 0 ? '+' : ''}{r.failures - r.previousFailures})</td>
                  <td className="num">{formatCount(r.failedRollouts)}</td>
                  <td className="num" title={`${r.upliftRollouts} of ${r.upliftOf} rollouts`}>{list.range ? '–' : `${r.uplift.toFixed(2)} pt`}</td>
                  <td><Sparkline points={r.trend.map((p) => ({ label: p.week, value: p.failures }))} /></td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        <div className="pager">
          {filters.page > 1 && <a href={`/errors?${query(filters, { page: filters.page - 1 })}`}>← Previous</a>}
          <span className="subtle">Page {filters.page} of {pages}</span>
          {filters.page < pages && <a href={`/errors?${query(filters, { page: filters.page + 1 })}`}>Next →</a>}
        </div>
      </section>
    </>
  );
}
