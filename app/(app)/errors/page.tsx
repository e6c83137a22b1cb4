import { hasRole } from '../../../lib/auth/roles';
import { listOwnersOfUser } from '../../../lib/auth/user-owners';
import { loadCategoryConfig } from '../../../lib/classify/rules';
import { getDb } from '../../../lib/db';
import { getSettings } from '../../../lib/env';
import { formatCount } from '../../../lib/format';
import { formatTrendWeek } from '../../../lib/format-trend';
import { paramsOrThrow } from '../../../lib/http/params';
import { dayInZone } from '../../../lib/time/day';
import { weekDays, weekJustEnding, weekOfInstant } from '../../../lib/time/iso-week';
import { listFilterOptions, pickerOptions } from '../../../lib/triage/filter-options';
import { classFiltersSchema, listErrorClasses, type ClassFilters, type ClassList } from '../../../lib/triage/list-classes';
import { unlinkedMessage } from '../../../lib/triage/row-triage';
import { requireUser } from '../../_lib/auth';
import { ClassTable, FixTogether, ToilTable } from './class-tables';
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
    const compared = list.comparedDays < 7 ? ` Changes compare its ${list.comparedDays} day${list.comparedDays === 1 ? '' : 's'} so far with the same days of the week before.` : '';
    return <p className="subtle" data-ranking="in-progress">Week in progress: the ranking updates as data arrives; computed {at(list.computedAt)}.{compared}</p>;
  }
  return <p className="subtle" data-ranking="unsent">Computed {at(list.computedAt)}; not sent in a digest, so class-rule changes recompute it.</p>;
}

/** A week as offered in the picker: the week in progress says how many of its days have passed. */
function weekLabel(week: string, now: number, timeZone: string): string {
  if (week !== weekOfInstant(now, timeZone)) return week;
  const today = dayInZone(now, timeZone);
  return formatTrendWeek({ week, days: weekDays(week).filter((d) => d <= today).length, inProgress: true });
}

/** What the list shows and how it is ordered. */
function describeList(list: ClassList, view: ClassFilters['view']): string {
  if (list.range) {
    return `Days ${list.range.from} – ${list.range.to}, by failures (change vs the as long period before). Expected gain, uplift, toil and badges are weekly: pick a week for them.`;
  }
  if (!list.hasImpact) {
    return `Week ${list.week}, ranked by observed uplift, then failures: this ranking was stored before expected gain and toil existed, so they show as –. ★ = among the classes making 80% of failures.`;
  }
  if (view === 'toil') return `Week ${list.week}, toil: the classes retries got past (or tried to), by manual retries, then attempts lost, then time lost.`;
  return `Week ${list.week}, ranked by expected gain in fix order: each class is the one whose fix adds the most to the classes above it. `
    + 'Expected gain: the points of end-to-end success fixing the class would gain (95% interval below it), from the rollouts it blocked and how often '
    + 'such rollouts pass the later stages; observed uplift: failed rollouts it alone failed. ★ = among the classes making 80% of failures.';
}

/** The two views of a week: the ranking by expected gain, and the toil. */
function Tabs({ filters }: { filters: ClassFilters }) {
  const tab = (view: ClassFilters['view'], label: string) => (
    <a href={`/errors?${query(filters, { view, page: undefined, sort: undefined })}`} aria-current={filters.view === view ? 'page' : undefined}>{label}</a>
  );
  return <nav className="tabs" aria-label="Views">{tab('classes', 'Ranked by expected gain')}{tab('toil', 'Toil')}</nav>;
}

const query = (f: ClassFilters, patch: Partial<ClassFilters>) => new URLSearchParams(Object.entries({ ...f, ...patch }).filter(([, v]) => v !== undefined && v !== '').map(([k, v]) => [k, String(v)])).toString();

function emptyText(list: ClassList, view: ClassFilters['view']): string {
  if (view !== 'toil') return 'No class matches these filters.';
  if (list.range) return 'Toil is a weekly figure: pick a week.';
  return list.hasImpact ? 'No retries got past a class that matches these filters.' : 'This week was ranked before toil existed: no toil figures.';
}

const SORT_LABELS: Record<ClassFilters['sort'], string> = { rank: 'rank', gain: 'expected gain', uplift: 'observed uplift', failures: 'failures', change: 'change', lastSeen: 'last seen' };
const SORT_OPTIONS = Object.entries(SORT_LABELS).map(([value, label]) => ({ value, label }));

export default async function ErrorsPage({ searchParams }: { searchParams: Search }) {
  const user = await requireUser('viewer', '/errors');
  const filters = paramsOrThrow(classFiltersSchema, await searchParams);
  const db = await getDb();
  const { timeZone } = getSettings();
  const now = Date.now();
  const mine = await listOwnersOfUser(db, user);
  const [list, options] = await Promise.all([
    listErrorClasses(db, filters, { defaultWeek: weekJustEnding(now, timeZone), mine }), listFilterOptions(db),
  ]);
  const canTriage = hasRole(user, 'engineer');
  const names = new Map(options.owners.map((o) => [o.id, o.name]));
  const picker = pickerOptions(options.owners);
  const pages = Math.max(1, Math.ceil(list.total / list.pageSize));
  const tableProps = { list, canTriage, names, myPersons: mine.persons };
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
      <p className="subtle" data-list-heading>{describeList(list, filters.view)}</p>
      <RankingState list={list} timeZone={getSettings().timeZone} />
      <form className="filters" method="get" aria-label="Filters">
        {select('week', 'Week', list.weeks.map((w) => ({ value: w, label: weekLabel(w, now, timeZone) })))}
        <label>or from<input type="date" name="from" defaultValue={filters.from ?? ''} /></label>
        <label>to<input type="date" name="to" defaultValue={filters.to ?? ''} /></label>
        {select('stage', 'Stage', options.stages.map((s) => ({ value: s.key, label: s.name })))}
        {select('service', 'Service', options.services.map((s) => ({ value: s, label: s })))}
        {select('owner', 'Owner', options.owners.map((o) => ({ value: o.id, label: o.name })))}
        {select('category', 'Category', options.categories.map((c) => ({ value: c, label: c })))}
        {select('status', 'Status', ['active', 'open', 'acknowledged', 'resolved', 'ignored'].map((s) => ({ value: s, label: s })))}
        {select('badge', 'Badge', ['new', 'regressed', 'escalating', 'ongoing'].map((s) => ({ value: s, label: s })))}
        <label title="classes assigned to me, or owned by my teams">
          Mine<span><input type="checkbox" name="mine" value="1" defaultChecked={filters.mine === '1'} /> assigned to me</span>
        </label>
        {filters.view === 'toil' ? <input type="hidden" name="view" value="toil" /> : select('sort', 'Sort', SORT_OPTIONS)}
        <button type="submit" className="secondary">Apply</button>
        <a href={`/api/errors/export?${query(filters, { page: undefined })}`}>Export CSV</a>
      </form>
      {canTriage && (
        <TriageBar
          teams={picker.teams}
          people={picker.people}
          team={picker.teams.some((t) => t.value === filters.owner) ? filters.owner : null}
          categories={loadCategoryConfig(getSettings().categoriesFile).categories}
          mergeTargets={list.rows.map((r) => ({ value: String(r.id), label: `#${r.rank} ${r.title.slice(0, 60)}` }))}
        />
      )}
      {!list.range && list.hasImpact && <Tabs filters={filters} />}
      {filters.view === 'classes' && <FixTogether list={list} />}
      <section className="panel">
        <p className="subtle">{formatCount(list.total)} classes match.</p>
        {filters.mine && mine.persons.length + mine.teams.length === 0 && (
          <p className="down" data-mine-unlinked>Nothing is yours: {unlinkedMessage(user.email)}.</p>
        )}
        {list.rows.length > 0 ? (
          filters.view === 'toil' ? <ToilTable {...tableProps} /> : <ClassTable {...tableProps} />
        ) : (
          <p className="subtle">{emptyText(list, filters.view)} <a href="/errors">Clear the filters</a>.</p>
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
