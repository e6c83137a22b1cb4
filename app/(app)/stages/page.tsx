import { getDb } from '../../../lib/db';
import { getSettings } from '../../../lib/env';
import { formatCount, formatPercent, formatPointChange } from '../../../lib/format';
import { paramsOrThrow } from '../../../lib/http/params';
import { stagesPageSchema } from '../../../lib/http/page-schemas';
import { percentScale } from '../../../lib/metrics/chart-scale';
import { getStagesView, resolveRange } from '../../../lib/metrics/stages';
import { DataTable } from '../../_components/data-table';
import { StageRateChart } from '../../_components/stage-rate-chart';
import { requireUser } from '../../_lib/auth';

export const dynamic = 'force-dynamic';

export default async function StagesPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  await requireUser('viewer', '/stages');
  const input = paramsOrThrow(stagesPageSchema, await searchParams);
  const settings = getSettings();
  const range = resolveRange(input, settings.timeZone);
  const stages = await getStagesView(await getDb(), range, input.grain);
  const target = settings.targets.stageSuccessRate;
  // One y scale for every stage's chart, so a low stage looks low next to the others.
  const scale = percentScale(stages.flatMap((s) => s.daily.map((d) => d.rate)), target);
  const q = `from=${range.from}&to=${range.to}`;
  return (
    <>
      <h1>Stages · {input.week ? `week ${input.week}, ` : ''}{range.from} – {range.to}</h1>
      <form className="filters" method="get" aria-label="Range">
        <label>From<input type="date" name="from" defaultValue={range.from} /></label>
        <label>To<input type="date" name="to" defaultValue={range.to} /></label>
        <label>Chart by<select name="grain" defaultValue={input.grain}><option value="day">day</option><option value="week">week</option></select></label>
        <button type="submit" className="secondary">Apply</button>
      </form>
      <section className="panel">
        <h2>The chain, in order: where rollouts are lost</h2>
        <p className="subtle">
          Product of stage rates so far = the product of the stages&apos; first-pass rates up to each stage: the share of rollouts that would
          still be on track after it if stages failed independently.
        </p>
        <DataTable
          id="stages"
          csvName={`stages-${range.from}-${range.to}`}
          columns={[
            { key: 'position', label: '#', numeric: true }, { key: 'stage', label: 'Stage' }, { key: 'attempts', label: 'Attempts', numeric: true },
            { key: 'failures', label: 'Failures', numeric: true }, { key: 'rate', label: 'Success rate', numeric: true }, { key: 'change', label: 'vs previous period', numeric: true },
            { key: 'firstPass', label: 'First-pass success', numeric: true }, { key: 'product', label: 'Product of stage rates so far', numeric: true },
          ]}
          rows={stages.map((s, i) => {
            const change = s.successRate !== null && s.previousRate !== null ? s.successRate - s.previousRate : null;
            return {
              id: s.key,
              cells: {
                position: { text: String(i + 1), sort: i },
                stage: { text: s.name, href: `/stages/${s.key}?${q}` },
                attempts: { text: formatCount(s.attempts), sort: s.attempts },
                failures: { text: formatCount(s.failures), sort: s.failures },
                rate: { text: formatPercent(s.successRate, 2), sort: s.successRate, title: `${s.successes} of ${s.successes + s.failures}` },
                change: { text: formatPointChange(change, 2), sort: change, className: change === null ? '' : change < 0 ? 'down' : 'up' },
                firstPass: { text: formatPercent(s.firstPassRate, 2), sort: s.firstPassRate },
                product: { text: formatPercent(s.cumulativeYield, 1), sort: s.cumulativeYield },
              },
            };
          })}
        />
      </section>
      <section className="panel">
        <h2>Success rate per {input.grain === 'week' ? 'ISO week' : 'day'}, every stage on one scale ({scale.domain[0]}–100%; dashed: target {formatPercent(target)})</h2>
        <div style={{ display: 'grid', gridTemplateColumns: 'repeat(auto-fill, minmax(360px, 1fr))', gap: 16 }}>
          {stages.map((s) => (
            <div key={s.key} data-stage-chart={s.key}>
              <h3>{s.name}</h3>
              <StageRateChart points={s.daily} scale={scale} target={target} />
            </div>
          ))}
        </div>
      </section>
    </>
  );
}
