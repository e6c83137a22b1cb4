import { getDb } from '../../lib/db';
import { getSettings } from '../../lib/env';
import { formatCount, formatDay, formatPercent } from '../../lib/format';
import { getOverview } from '../../lib/metrics/overview';
import { StageTable } from '../_components/stage-table';
import { VolumeChart } from '../_components/volume-chart';
import { requireUser } from '../_lib/auth';

export const dynamic = 'force-dynamic';

export default async function OverviewPage() {
  await requireUser('viewer', '/');
  const settings = getSettings();
  const o = await getOverview(await getDb(), { timeZone: settings.timeZone });
  const range = `${formatDay(o.window.from)} – ${formatDay(o.window.to)}`;
  if (o.volume.every((v) => v.succeeded + v.failed + v.inProgress === 0)) return <EmptyState />;
  return (
    <>
      <h1>Overview</h1>
      <p className="subtle">Last 7 days ({range}, {settings.timeZone})</p>
      <section className="tiles">
        <Tile label="Rollouts" value={formatCount(o.rollouts.total)} detail={`${formatCount(Math.round(o.rollouts.total / 7))} per day`} />
        <Tile label="End-to-end success" value={formatPercent(o.rollouts.successRate)} detail={`${formatCount(o.rollouts.succeeded)} of ${formatCount(o.rollouts.succeeded + o.rollouts.failed)} finished rollouts`} />
        <Tile label="Product of stage rates" value={formatPercent(o.stageRateProduct)} detail={`${o.stages.length} stages in the chain`} />
        <Tile label="Stage failures" value={formatCount(o.stages.reduce((a, s) => a + s.failures, 0))} detail={`of ${formatCount(o.stages.reduce((a, s) => a + s.attempts, 0))} attempts`} />
      </section>
      <section className="panel">
        <h2>Rollouts per day (30 days)</h2>
        <VolumeChart data={o.volume} />
      </section>
      <section className="panel">
        <h2>Success rate per stage, in chain order</h2>
        <StageTable stages={o.stages} />
      </section>
    </>
  );
}

function Tile({ label, value, detail }: { label: string; value: string; detail: string }) {
  return (
    <div className="tile">
      <div className="label">{label}</div>
      <div className="value">{value}</div>
      <div className="detail">{detail}</div>
    </div>
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
