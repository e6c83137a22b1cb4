import { getDb } from '../../../lib/db';
import { getSettings } from '../../../lib/env';
import { formatTrendWeek } from '../../../lib/format-trend';
import { paramsOrThrow } from '../../../lib/http/params';
import { trendsPageSchema } from '../../../lib/http/trend-schemas';
import { getTrends, MAX_TREND_WEEKS } from '../../../lib/metrics/trends';
import { requireUser } from '../../_lib/auth';
import { KpiPanel, StageMultiples } from './trend-panels';

export const dynamic = 'force-dynamic';

// Offered in the picker; any other count from 1 to 52 works in the URL.
const WEEK_CHOICES = [4, 8, 12, 26, MAX_TREND_WEEKS];

type PageProps = { searchParams: Promise<Record<string, string | string[] | undefined>> };

export default async function TrendsPage({ searchParams }: PageProps) {
  await requireUser('viewer', '/trends');
  const input = paramsOrThrow(trendsPageSchema, await searchParams);
  const settings = getSettings();
  const opts = { weeks: input.weeks, current: input.current === 'show', timeZone: settings.timeZone, targets: settings.targets };
  const t = await getTrends(await getDb(), opts);
  const current = t.weeks.find((w) => w.inProgress);
  const period = `${input.weeks} week${input.weeks === 1 ? '' : 's'} to ${t.through}${current ? `, and ${formatTrendWeek(current)}` : ''}`;
  return (
    <>
      <h1>Trends · {period}</h1>
      <p className="subtle">
        Each KPI per ISO week ({settings.timeZone}), with its target as a dashed line; changes are vs the week before and vs the
        mean of the 4 weeks before. A week without data shows “–” (no data), not 0.
      </p>
      <form className="filters" method="get" aria-label="Period">
        <label>Weeks
          <select name="weeks" defaultValue={String(input.weeks)}>
            {[...new Set([...WEEK_CHOICES, input.weeks])].sort((a, b) => a - b).map((n) => (
              <option key={n} value={n}>{n}</option>
            ))}
          </select>
        </label>
        <label style={{ flexDirection: 'row', alignItems: 'center', gap: 6 }}>
          <input type="checkbox" name="current" value="show" defaultChecked={input.current === 'show'} /> with the week in progress
        </label>
        <button type="submit" className="secondary">Apply</button>
      </form>
      {!t.hasData ? (
        <section className="panel empty" data-empty="">
          <h2>No data in these weeks</h2>
          <p className="subtle">
            No rollouts were started in the weeks shown. Load stage runs (README, “Input format”), or pick more weeks.
          </p>
        </section>
      ) : (
        <>
          {t.kpis.map((s) => <KpiPanel key={s.key} series={s} scale={s.scale} />)}
          <StageMultiples stages={t.stages} scale={t.stageScale} target={settings.targets.stageSuccessRate} />
        </>
      )}
    </>
  );
}
