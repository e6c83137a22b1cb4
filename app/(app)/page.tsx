import { getDb } from '../../lib/db';
import { getSettings } from '../../lib/env';
import { formatCount, formatDay, formatGainEvidence, formatInterval, formatPercent, formatPointChange, formatPoints } from '../../lib/format';
import { getKpis, type KpiClass, type KpiWeek } from '../../lib/metrics/kpis';
import { getOverview } from '../../lib/metrics/overview';
import { weekJustEnding } from '../../lib/time/iso-week';
import { StageTable } from '../_components/stage-table';
import { Sparkline } from '../_components/sparkline';
import { VolumeChart } from '../_components/volume-chart';
import { requireUser } from '../_lib/auth';

export const dynamic = 'force-dynamic';

type Tile = { label: string; value: string; detail: string; trend?: { label: string; value: number | null }[]; unit?: string; bad?: boolean };

function kpiTile(label: string, weeks: KpiWeek[], pick: (w: KpiWeek) => number | null, target: number): Tile {
  const current = weeks.at(-1);
  const value = current ? pick(current) : null;
  const before = weeks.at(-2);
  const change = value !== null && before && pick(before) !== null ? value - pick(before)! : null;
  return {
    label: `${label}${current ? ` · ${current.week}` : ''}`,
    value: formatPercent(value),
    detail: `target ${formatPercent(target)}; ${formatPointChange(change)} vs last week`,
    trend: weeks.map((w) => ({ label: w.week, value: pick(w) === null ? null : Math.round(pick(w)! * 1000) / 10 })),
    unit: '%',
    bad: value !== null && value < target,
  };
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
    kpiTile('Chain yield (first pass)', k.weeks, (w) => w.firstPassYield, k.targets.yield),
    kpiTile('Unattended', k.weeks, (w) => w.unattendedRate, k.targets.unattendedRate),
    {
      label: 'Rollouts per day · 7 days',
      value: formatCount(Math.round(o.rollouts.total / 7)),
      detail: `${formatCount(o.rollouts.total)} in ${formatDay(o.window.from)} – ${formatDay(o.window.to)}${k.targets.rolloutsPerWeek ? `; target ${formatCount(Math.round(k.targets.rolloutsPerWeek / 7))}/day` : ''}${reported ? `; ${reported.week} ${formatCount(Math.round(reported.rollouts / reported.days))}/day` : ''}`,
      trend: k.weeks.map((w) => ({ label: w.days < 7 ? `${w.week} (${w.days} of 7 days)` : w.week, value: Math.round(w.rollouts / w.days) })),
    },
    { label: 'Open error classes', value: formatCount(k.openClasses), detail: 'open or acknowledged' },
    { label: 'Open violations', value: formatCount(k.openViolations), detail: 'admission rules' },
  ];
  const red = o.stages.filter((s) => s.successRate !== null && s.successRate < settings.targets.stageSuccessRate);
  return (
    <>
      <h1>Overview</h1>
      <p className="subtle">Weekly KPIs from the ranked weeks; volume and stages over the last 7 days ({settings.timeZone}).</p>
      <section className="tiles">
        {tiles.map((t) => (
          <div className="tile" key={t.label} data-kpi={t.label}>
            <div className="label">{t.label}</div>
            <div className={`value${t.bad ? ' down' : ''}`}>{t.value}</div>
            <div className="detail">{t.detail}</div>
            {t.trend && <Sparkline points={t.trend} unit={t.unit} width={180} />}
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
        <VolumeChart data={o.volume} />
      </section>
      <section className="panel">
        <h2>Success rate per stage, in chain order{red.length ? ` — ${red.length} below the ${formatPercent(settings.targets.stageSuccessRate)} target` : ''}</h2>
        <StageTable stages={o.stages} />
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
