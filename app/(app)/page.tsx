import { getDb } from '../../lib/db';
import { getSettings } from '../../lib/env';
import { formatCount, formatDay, formatGainEvidence, formatInterval, formatPercent, formatPointChange, formatPoints } from '../../lib/format';
import { formatTrendWeek } from '../../lib/format-trend';
import { countScale, percentScale, type ChartScale } from '../../lib/metrics/chart-scale';
import { getKpis, type KpiClass, type KpiWeek } from '../../lib/metrics/kpis';
import { getOverview } from '../../lib/metrics/overview';
import type { TrendUnit } from '../../lib/metrics/trend-series';
import { weekJustEnding } from '../../lib/time/iso-week';
import { StageTable } from '../_components/stage-table';
import { TrendChart, type TrendChartPoint } from '../_components/trend-chart';
import { VolumeChart } from '../_components/volume-chart';
import { requireUser } from '../_lib/auth';

export const dynamic = 'force-dynamic';

/** A tile's weekly chart: its points (rates as ratios), unit, target and y scale. */
type TileTrend = { points: TrendChartPoint[]; unit: TrendUnit; target: number | null; scale: ChartScale; yLabel: string };
type Tile = { label: string; value: string; detail: string; trend?: TileTrend; bad?: boolean };

const weekLabel = (w: KpiWeek) => formatTrendWeek({ week: w.week, days: w.days, inProgress: w.days < 7 });

function kpiTile(label: string, weeks: KpiWeek[], pick: (w: KpiWeek) => number | null, target: number): Tile {
  const current = weeks.at(-1);
  const value = current ? pick(current) : null;
  const before = weeks.at(-2);
  const change = value !== null && before && pick(before) !== null ? value - pick(before)! : null;
  const points = weeks.map((w) => ({ label: weekLabel(w), tick: w.week.slice(5), value: pick(w) }));
  return {
    label: `${label}${current ? ` · ${current.week}` : ''}`,
    value: formatPercent(value),
    detail: `target ${formatPercent(target)}; ${formatPointChange(change)} vs last week`,
    trend: { points, unit: 'percent', target, scale: percentScale(points.map((p) => p.value), target), yLabel: label },
    bad: value !== null && value < target,
  };
}

function volumeTrend(weeks: KpiWeek[], perWeekTarget: number | null): TileTrend {
  const points = weeks.map((w) => ({ label: weekLabel(w), tick: w.week.slice(5), value: Math.round(w.rollouts / w.days) }));
  const target = perWeekTarget ? Math.round(perWeekTarget / 7) : null;
  return { points, unit: 'rollouts', target, scale: countScale(points.map((p) => p.value), target), yLabel: 'rollouts per day' };
}

export default async function OverviewPage() {
  await requireUser('viewer', '/');
  const settings = getSettings();
  const db = await getDb();
  const [o, k] = await Promise.all([getOverview(db, { timeZone: settings.timeZone }), getKpis(db, settings.targets, { throughWeek: weekJustEnding(Date.now(), settings.timeZone) })]);
  const reported = k.weeks.at(-1);
  if (o.volume.every((v) => v.succeeded + v.failed + v.inProgress === 0)) return <EmptyState />;
  const tiles: Tile[] = [
    kpiTile('End-to-end success', k.weeks, (w) => w.successRate, k.targets.successRate),
    kpiTile('First-pass yield', k.weeks, (w) => w.firstPassYield, k.targets.yield),
    kpiTile('Unattended rate', k.weeks, (w) => w.unattendedRate, k.targets.unattendedRate),
    {
      label: 'Rollouts per day · 7 days',
      value: formatCount(Math.round(o.rollouts.total / 7)),
      detail: `${formatCount(o.rollouts.total)} in ${formatDay(o.window.from)} – ${formatDay(o.window.to)}${k.targets.rolloutsPerWeek ? `; target ${formatCount(Math.round(k.targets.rolloutsPerWeek / 7))}/day` : ''}${reported ? `; ${reported.week} ${formatCount(Math.round(reported.rollouts / reported.days))}/day` : ''}`,
      trend: volumeTrend(k.weeks, k.targets.rolloutsPerWeek),
    },
    { label: 'Open error classes', value: formatCount(k.openClasses), detail: 'open or acknowledged' },
    { label: 'Open violations', value: formatCount(k.openViolations), detail: 'admission rules' },
  ];
  const red = o.stages.filter((s) => s.successRate !== null && s.successRate < settings.targets.stageSuccessRate);
  return (
    <>
      <h1>Overview · {reported ? `week ${weekLabel(reported)}` : 'no ranked week yet'}</h1>
      <p className="subtle">
        KPIs of the week the Friday digest reports, with the weeks before it (dashed line: target); volume and stages over
        the last 7 days, {formatDay(o.window.from)} – {formatDay(o.window.to)} ({settings.timeZone}).{' '}
        <a href="/trends" data-trends-link="">Trends: each KPI per week over 12 weeks →</a>
      </p>
      <section className="tiles">
        {tiles.map((t) => (
          <div className="tile" key={t.label} data-kpi={t.label}>
            <div className="label">{t.label}</div>
            <div className={`value${t.bad ? ' down' : ''}`}>{t.value}</div>
            <div className="detail">{t.detail}</div>
            {t.trend && t.trend.points.length > 1 && <TrendChart {...t.trend} height={96} compact />}
          </div>
        ))}
      </section>
      <section className="panel" data-top-classes>
        <h2>Top 5 error classes by {k.rankedBy === 'gain' ? 'expected gain, in fix order' : 'observed uplift (ranked before expected gain existed)'}{k.week ? ` · ${k.week}` : ''}</h2>
        {k.top.length === 0 ? <p className="subtle">No ranked week yet: run <code>npm run classify</code>.</p> : (
          <table>
            <thead><tr><th>Class</th><th>Owner</th><th className="num">Expected gain</th><th className="num">Observed uplift</th></tr></thead>
            <tbody>{k.top.map((c) => <TopClass key={c.id} c={c} week={k.week} />)}</tbody>
          </table>
        )}
      </section>
      <section className="panel">
        <h2>Rollouts per day (30 days)</h2>
        <VolumeChart data={o.volume} target={k.targets.rolloutsPerWeek ? Math.round(k.targets.rolloutsPerWeek / 7) : null} />
      </section>
      <section className="panel">
        <h2>Success rate per stage, in chain order{red.length ? ` — ${red.length} below the ${formatPercent(settings.targets.stageSuccessRate)} target` : ''}</h2>
        <StageTable stages={o.stages} target={settings.targets.stageSuccessRate} />
      </section>
    </>
  );
}

function TopClass({ c, week }: { c: KpiClass; week: string | null }) {
  const i = c.impact;
  return (
    <tr>
      <td><a href={`/errors/${c.id}?week=${week}`}>{c.title}</a>{c.badge !== 'ongoing' && <> <span className={`badge ${c.badge}`}>{c.badge}</span></>}</td>
      <td>{c.ownerId ?? '–'}</td>
      <td className="num" data-gain="" title={i ? `95% interval ${formatInterval(i.low, i.high)} pt; ${formatGainEvidence(i)}` : 'no expected gain this week'}>
        {formatPoints(i?.expectedGain)}{i && <span className="note">{formatInterval(i.low, i.high)}</span>}
      </td>
      <td className="num" title={`${c.upliftRollouts} of ${c.upliftOf} rollouts`}>{formatPoints(c.uplift)}</td>
    </tr>
  );
}

function EmptyState() {
  return (
    <section className="panel empty">
      <h1>No rollouts yet</h1>
      <p className="subtle">Rollscope shows figures once stage runs are ingested. Load a file, or push records over HTTP:</p>
      <pre>{'npm run ingest -- path/to/records.ndjson\n\ncurl -H "Authorization: Bearer <ingest token>" \\\n     --data-binary @records.ndjson http://localhost:3000/api/ingest'}</pre>
      <p className="subtle">The input format is described in the README, section “Input format”.</p>
    </section>
  );
}
