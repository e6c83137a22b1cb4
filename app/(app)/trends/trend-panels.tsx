import { formatPercent } from '../../../lib/format';
import { formatTrendChange, formatTrendValue, formatTrendWeek } from '../../../lib/format-trend';
import type { ChartScale } from '../../../lib/metrics/chart-scale';
import type { TrendSeries } from '../../../lib/metrics/trend-series';
import type { StageTrend } from '../../../lib/metrics/trends';
import { TrendChart, type TrendChartPoint } from '../../_components/trend-chart';
import { TrendTable, weekTick } from './trend-table';

// What each KPI counts, under its heading (README, "Metric definitions").
const MEANING: Record<string, string> = {
  successRate: 'Rollouts that succeeded ÷ finished rollouts (retries allowed).',
  firstPassYield: 'Rollouts that succeeded with no failed attempt ÷ finished rollouts.',
  unattendedRate: 'Finished rollouts with no manual intervention ÷ finished rollouts.',
  rollouts: 'Rollouts started in the week.',
  openClasses: 'Error classes open or acknowledged at the end of each week (the week in progress: now).',
  openViolations: 'Admission-rule violations open (not acknowledged or resolved) at the end of each week (the week in progress: now).',
};

const chartPoints = (s: TrendSeries): TrendChartPoint[] =>
  s.points.map((p) => ({ label: formatTrendWeek(p), tick: weekTick(p), value: p.value, partial: p.partial }));

/** One KPI: the latest week against target and its changes, the chart, and the table of the same numbers. */
export function KpiPanel({ series, scale }: { series: TrendSeries; scale: ChartScale }) {
  const last = series.points.at(-1);
  const u = series.unit;
  return (
    <section className="panel" data-kpi-trend={series.key} aria-labelledby={`kpi-${series.key}`}>
      <h2 id={`kpi-${series.key}`}>{series.label}</h2>
      <p className="subtle">
        {MEANING[series.key]}{' '}
        {last && <>{formatTrendWeek(last)}: <strong>{formatTrendValue(last.value, u)}</strong>{last.partial ? ' so far' : ''}; </>}
        {last && `${formatTrendChange(last.change, u)} vs last week, ${formatTrendChange(last.changeVs4Weeks, u)} vs the 4-week average`}
        {series.target !== null ? `; target ${formatTrendValue(series.target, u)}.` : '; no target set.'}
      </p>
      <TrendChart points={chartPoints(series)} unit={u} target={series.target} scale={scale} />
      <TrendTable series={series} valueLabel={series.label} />
    </section>
  );
}

/** Per-stage first-pass success as small multiples on one scale (heights compare), and one table of them all. */
export function StageMultiples({ stages, scale, target }: { stages: StageTrend[]; scale: ChartScale; target: number }) {
  const weeks = stages[0]?.points ?? [];
  return (
    <section className="panel" data-stage-trends="">
      <h2>First-pass success per stage (target {formatPercent(target)})</h2>
      <p className="subtle">
        First attempts that succeeded ÷ first attempts that succeeded or failed, per week; every chart has the same scale,{' '}
        {scale.domain[0]}% to {scale.domain[1]}%.
      </p>
      <div style={{ display: 'grid', gridTemplateColumns: 'repeat(auto-fill, minmax(260px, 1fr))', gap: 16 }}>
        {stages.map((s) => (
          <figure key={s.key} data-stage-trend={s.key} style={{ margin: 0 }}>
            <figcaption><strong>{s.name}</strong> <span className="subtle">{formatTrendValue(s.points.at(-1)?.value ?? null, 'percent')}</span></figcaption>
            <TrendChart points={chartPoints(s)} unit="percent" target={s.target} scale={scale} height={150} yLabel="% of first attempts" />
          </figure>
        ))}
      </div>
      <div style={{ overflowX: 'auto' }}>
        <table data-stage-trend-table="">
          <caption className="subtle" style={{ textAlign: 'left', captionSide: 'bottom', paddingTop: 4 }}>
            First-pass success per stage and ISO week; changes of the last week shown. – = the stage did not run.
          </caption>
          <thead>
            <tr>
              <th scope="col">Stage</th>
              {weeks.map((p) => <th key={p.week} scope="col" className="num" title={formatTrendWeek(p)}>{weekTick(p)}</th>)}
              <th scope="col" className="num">vs last week</th>
              <th scope="col" className="num">vs 4-week average</th>
            </tr>
          </thead>
          <tbody>
            {stages.map((s) => {
              const last = s.points.at(-1);
              return (
                <tr key={s.key} data-stage={s.key}>
                  <th scope="row" style={{ whiteSpace: 'nowrap' }}>{s.name}</th>
                  {s.points.map((p) => (
                    <td key={p.week} className={`num${p.value !== null && p.value < target ? ' down' : ''}`}
                      title={p.counts ? `${p.counts.n} of ${p.counts.of} first attempts` : 'no first attempts'}>
                      {formatTrendValue(p.value, 'percent')}
                    </td>
                  ))}
                  <td className="num">{formatTrendChange(last?.change ?? null, 'percent')}</td>
                  <td className="num">{formatTrendChange(last?.changeVs4Weeks ?? null, 'percent')}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
    </section>
  );
}
