import { formatCount } from '../../../lib/format';
import { formatTrendChange, formatTrendValue, formatTrendWeek } from '../../../lib/format-trend';
import type { TrendPoint, TrendSeries } from '../../../lib/metrics/trend-series';

/** "W48", or "W49 (3 of 7 days)" for the week in progress: a chart tick and a table column. */
export const weekTick = (p: Pick<TrendPoint, 'week' | 'days' | 'inProgress'>) =>
  (p.inProgress ? `${p.week.slice(5)} (${p.days}/7)` : p.week.slice(5));

// Green for better, red for worse: more open classes or violations is worse.
const ROW_HEAD = { whiteSpace: 'nowrap' } as const;
const tone = (delta: number | null, unit: TrendSeries['unit']) => {
  if (delta === null || Math.abs(delta) < 1e-9) return '';
  return (delta > 0) !== (unit === 'classes' || unit === 'violations') ? 'up' : 'down';
};

/** What a change of a point compares with: the week before, or (a partial count) the same days of it. */
function changeTitle(p: TrendPoint, against: 'week' | 'mean'): string {
  const what = against === 'week' ? 'the week before' : 'the mean of the 4 weeks before (of those with data)';
  return p.partial ? `${p.days} days so far vs the same ${p.days} days of ${what}` : `vs ${what}`;
}

/**
 * The numbers of a trend chart, weeks as columns: the value (and the counts behind a rate), the change vs
 * the week before and vs the 4-week average. A screen reader or a copy-paste gets what the chart shows.
 */
export function TrendTable({ series, valueLabel }: { series: TrendSeries; valueLabel: string }) {
  const { points, unit } = series;
  const rates = unit === 'percent';
  return (
    <div style={{ overflowX: 'auto' }}>
      <table data-trend-table={series.key}>
        <caption className="subtle" style={{ textAlign: 'left', captionSide: 'bottom', paddingTop: 4 }}>
          {series.label} per ISO week{series.target !== null ? `; target ${formatTrendValue(series.target, unit)}` : ''}.
          {' – = no data that week.'}
          {points.some((p) => p.partial) && ' The week in progress counts its days so far, compared with the same days of earlier weeks.'}
        </caption>
        <thead>
          <tr>
            <th scope="col" style={ROW_HEAD}>Week</th>
            {points.map((p) => <th key={p.week} scope="col" className="num" title={formatTrendWeek(p)}>{weekTick(p)}</th>)}
          </tr>
        </thead>
        <tbody>
          <Row name={valueLabel} kind="value" points={points} cell={(p) => ({
            text: `${formatTrendValue(p.value, unit)}${p.partial && p.value !== null ? ' so far' : ''}`,
          })} />
          {rates && <Row name="of" kind="counts" points={points} cell={(p) => ({
            text: p.counts ? `${formatCount(p.counts.n)} of ${formatCount(p.counts.of)}` : '–', className: 'subtle',
          })} />}
          <Row name="vs last week" kind="change" points={points} cell={(p) => ({
            text: formatTrendChange(p.change, unit), className: tone(p.change, unit), title: changeTitle(p, 'week'),
          })} />
          <Row name="vs 4-week average" kind="change4" points={points} cell={(p) => ({
            text: formatTrendChange(p.changeVs4Weeks, unit), className: tone(p.changeVs4Weeks, unit), title: changeTitle(p, 'mean'),
          })} />
        </tbody>
      </table>
    </div>
  );
}

type CellText = { text: string; className?: string; title?: string };

/** One row of the table: a header, then a cell per week. */
function Row({ name, kind, points, cell }: { name: string; kind: string; points: TrendPoint[]; cell: (p: TrendPoint) => CellText }) {
  return (
    <tr data-row={kind}>
      <th scope="row" style={ROW_HEAD}>{name}</th>
      {points.map((p) => {
        const c = cell(p);
        return <td key={p.week} className={`num ${c.className ?? ''}`.trim()} title={c.title}>{c.text}</td>;
      })}
    </tr>
  );
}
