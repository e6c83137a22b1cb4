import {
  formatCount, formatDuration, formatFixTogether, formatGainEvidence, formatHiddenEvidence, formatInterval, formatPoints, formatWithAbove,
} from '../../../lib/format';
import type { ClassList, ClassRow } from '../../../lib/triage/list-classes';
import { Sparkline } from '../../_components/sparkline';
import { RowActions } from './row-actions';

/** `myPersons`: the person owners the signed-in user acts for (their rows say "yours"). */
type TableProps = { list: ClassList; canTriage: boolean; names: Map<string, string>; myPersons: string[] };

/** Why a row has no expected gain: a date range, a ranking stored before it existed, or nothing blocked. */
function noGainReason(list: ClassList): string {
  if (list.range) return 'a weekly figure: pick a week';
  return list.hasImpact ? 'it blocked no finished rollout this week' : 'this week was ranked before expected gain existed';
}

function GainCell({ row, list }: { row: ClassRow; list: ClassList }) {
  const i = row.impact;
  if (!i) return <td className="num" data-gain="" title={noGainReason(list)}>–</td>;
  const title = [`95% interval ${formatInterval(i.low, i.high)} pt`, formatGainEvidence(i), formatWithAbove(i)]
    .filter(Boolean).join('; ');
  return (
    <td className="num" data-gain={i.expectedGain.toFixed(4)} title={title}>
      {formatPoints(i.expectedGain)}<span className="note">{formatInterval(i.low, i.high)}</span>
    </td>
  );
}

function Select({ row }: { row: ClassRow }) {
  return <td><input type="checkbox" name="ids" value={row.id} form="triage" aria-label={`select class ${row.id}`} /></td>;
}

/** The class's status and, for those who triage, the row's own buttons under it. */
function StatusCell({ row, canTriage, myPersons }: { row: ClassRow; canTriage: boolean; myPersons: string[] }) {
  const mine = row.assigneeId !== null && myPersons.includes(row.assigneeId);
  return <td><span data-status>{row.status}</span>{canTriage && <RowActions id={row.id} status={row.status} mine={mine} />}</td>;
}

/** The class's link (to the listed week; the class page's default is the newest), its badge and what fixing it may reveal. */
function ClassCell({ row, list }: { row: ClassRow; list: ClassList }) {
  const week = list.week;
  return (
    <td>
      <a href={`/errors/${row.id}${week && week !== list.weeks[0] ? `?week=${week}` : ''}`}>{row.title}</a>{' '}
      {row.badge && row.badge !== 'ongoing' && <span className={`badge ${row.badge}`}>{row.badge}</span>}
      {row.trackerUrl && <a className="note" href={row.trackerUrl} rel="noreferrer" data-tracker>tracker issue ↗</a>}
      {row.reveals.map((h) => (
        <span key={h.classId} className="note" data-reveals={h.classId}>
          fixing it may reveal <a href={`/errors/${h.classId}?week=${week}`}>{h.title}</a>: {formatHiddenEvidence(h)}
        </span>
      ))}
    </td>
  );
}

const owner = (r: ClassRow, names: Map<string, string>) =>
  `${names.get(r.ownerId ?? '') ?? '–'}${r.assigneeId ? ` · ${names.get(r.assigneeId) ?? r.assigneeId}` : ''}`;
const change = (r: ClassRow) => `${formatCount(r.failures)} (${r.failures - r.previousFailures >= 0 ? '+' : ''}${r.failures - r.previousFailures})`;

/** The week's classes in rank order (the fix order), with each one's expected gain and observed uplift. */
export function ClassTable({ list, canTriage, names, myPersons }: TableProps) {
  return (
    <table data-table="classes">
      <thead>
        <tr>
          {canTriage && <th aria-label="Select" />}
          <th className="num">#</th><th>Class</th><th>Stage</th><th>Category</th><th>Owner</th><th>Status</th>
          <th className="num">Failures</th><th className="num">{list.range ? 'Rollouts hit' : 'Failed rollouts'}</th>
          <th className="num" title="points of end-to-end success a fix would gain, with its 95% interval">Expected gain</th>
          <th className="num" title="failed rollouts whose only failing class it was, of the finished rollouts">Observed uplift</th><th>Trend</th>
        </tr>
      </thead>
      <tbody>
        {list.rows.map((r) => (
          <tr key={r.id} data-class={r.id}>
            {canTriage && <Select row={r} />}
            <td className="num">{r.rank}{r.in80 ? ' ★' : ''}</td>
            <ClassCell row={r} list={list} />
            <td>{r.stage ?? '–'}</td>
            <td>{r.category}</td>
            <td data-owner>{owner(r, names)}</td>
            <StatusCell row={r} canTriage={canTriage} myPersons={myPersons} />
            <td className="num" title={`last week ${r.previousFailures}`}>{change(r)}</td>
            <td className="num">{formatCount(r.failedRollouts)}</td>
            <GainCell row={r} list={list} />
            <td className="num" data-uplift="" title={`${r.upliftRollouts} of ${r.upliftOf} rollouts`}>
              {list.range ? '–' : formatPoints(r.uplift)}
            </td>
            <td><Sparkline points={r.trend.map((p) => ({ label: p.week, value: p.failures }))} /></td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** The week's toil: classes retries got past, by manual retries, then attempts lost, then time lost. */
export function ToilTable({ list, canTriage, names, myPersons }: TableProps) {
  return (
    <table data-table="toil">
      <thead>
        <tr>
          {canTriage && <th aria-label="Select" />}
          <th className="num">#</th><th>Class</th><th>Stage</th><th>Owner</th><th>Status</th>
          <th className="num">Manual retries</th><th className="num">Attempts lost</th>
          <th className="num" title="duration of the failed attempts that were retried">Time lost</th>
          <th className="num">Rollouts</th><th className="num">Gain rank</th>
        </tr>
      </thead>
      <tbody>
        {list.rows.map((r) => (
          <tr key={r.id} data-class={r.id}>
            {canTriage && <Select row={r} />}
            <td className="num">{r.toilRank ?? '–'}</td>
            <ClassCell row={r} list={list} />
            <td>{r.stage ?? '–'}</td>
            <td data-owner>{owner(r, names)}</td>
            <StatusCell row={r} canTriage={canTriage} myPersons={myPersons} />
            <td className="num">{r.toil ? formatCount(r.toil.manual) : '–'}</td>
            <td className="num">{r.toil ? formatCount(r.toil.attemptsLost) : '–'}</td>
            <td className="num" title={r.toil ? `${formatCount(r.toil.timeLostMs)} ms` : undefined}>{formatDuration(r.toil?.timeLostMs)}</td>
            <td className="num">{r.toil ? formatCount(r.toil.rollouts) : '–'}</td>
            <td className="num">{r.rank}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** "Fixing the top 3 together: +4.10 pt (…)", for the top 3 and top 5 of the week. */
export function FixTogether({ list }: { list: ClassList }) {
  if (list.fixTogether.length === 0) return null;
  return (
    <ul className="subtle" aria-label="Fix together">
      {list.fixTogether.map((j) => <li key={j.k} data-fix-together={j.k}>{formatFixTogether(j)}</li>)}
    </ul>
  );
}
