import { getDb } from '../../../lib/db';
import { getSettings } from '../../../lib/env';
import { formatCount, formatPercent, formatPointChange } from '../../../lib/format';
import { getStagesView, rangeSchema, resolveRange } from '../../../lib/metrics/stages';
import { StageRateChart } from '../../_components/stage-rate-chart';
import { requireUser } from '../../_lib/auth';

export const dynamic = 'force-dynamic';

export default async function StagesPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  await requireUser('viewer', '/stages');
  const range = resolveRange(rangeSchema.parse(await searchParams), getSettings().timeZone);
  const stages = await getStagesView(await getDb(), range);
  const q = `from=${range.from}&to=${range.to}`;
  return (
    <>
      <h1>Stages</h1>
      <form className="filters" method="get" aria-label="Range">
        <label>From<input type="date" name="from" defaultValue={range.from} /></label>
        <label>To<input type="date" name="to" defaultValue={range.to} /></label>
        <button type="submit" className="secondary">Apply</button>
      </form>
      <section className="panel">
        <h2>The chain, in order: where rollouts are lost</h2>
        <p className="subtle">Cumulative yield = product of the first-pass rates up to each stage: the share of rollouts still on track after it.</p>
        <table>
          <thead><tr><th>#</th><th>Stage</th><th className="num">Attempts</th><th className="num">Failures</th><th className="num">Success rate</th><th className="num">vs previous period</th><th className="num">First pass</th><th className="num">Cumulative yield</th></tr></thead>
          <tbody>
            {stages.map((s, i) => (
              <tr key={s.key}>
                <td className="subtle">{i + 1}</td>
                <td><a href={`/stages/${s.key}?${q}`}>{s.name}</a></td>
                <td className="num">{formatCount(s.attempts)}</td>
                <td className="num">{formatCount(s.failures)}</td>
                <td className="num" title={`${s.successes} of ${s.successes + s.failures}`}>{formatPercent(s.successRate, 2)}</td>
                <td className="num">{formatPointChange(s.successRate !== null && s.previousRate !== null ? s.successRate - s.previousRate : null, 2)}</td>
                <td className="num">{formatPercent(s.firstPassRate, 2)}</td>
                <td className="num">{formatPercent(s.cumulativeYield, 1)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
      <section className="panel" style={{ display: 'grid', gridTemplateColumns: 'repeat(auto-fill, minmax(360px, 1fr))', gap: 16 }}>
        {stages.map((s) => (
          <div key={s.key}>
            <h3>{s.name}</h3>
            <StageRateChart points={s.daily} />
          </div>
        ))}
      </section>
    </>
  );
}
