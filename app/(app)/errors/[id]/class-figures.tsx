import { formatCount, formatDay } from '../../../../lib/format';
import type { ClassWeeks } from '../../../../lib/triage/class-week';
import { weekDays } from '../../../../lib/time/iso-week';

/** The class's figures over all its events (the class page's "All time" column). */
export type AllTimeFigures = {
  events: number; failedRollouts: number; services: number; hosts: number; firstSeen: Date | null; lastSeen: Date | null;
};

const when = (d: Date | null) => (d ? `${d.toISOString().replace('T', ' ').slice(0, 16)} UTC` : '–');
const signed = (n: number) => `${n >= 0 ? '+' : '−'}${formatCount(Math.abs(n))}`;

/** "Week 2026-W47 (Mon 16 Nov – Sun 22 Nov)": the period a week column covers. */
export function weekPeriod(week: string): string {
  const days = weekDays(week);
  return `Week ${week} (${formatDay(days[0]!)} – ${formatDay(days[6]!)})`;
}

/**
 * The week's figures (its ranking entry) beside the same figures over all time, the period named in
 * the heading. Rank, expected gain, uplift and toil are weekly only: the panel below shows them.
 */
export function ClassFigures({ data, all }: { data: ClassWeeks; all: AllTimeFigures }) {
  const week = data.shown;
  const rows: { label: string; week: string; all: string }[] = [
    {
      label: 'Failures (events)', all: formatCount(all.events),
      week: week ? `${formatCount(week.failures)} (${signed(week.failures - week.previousFailures)} vs the week before)` : '–',
    },
    { label: 'Failed rollouts', week: week ? formatCount(week.failedRollouts) : '–', all: formatCount(all.failedRollouts) },
    { label: 'Services', week: week ? formatCount(week.services) : '–', all: formatCount(all.services) },
    { label: 'Hosts', week: week ? formatCount(week.hosts) : '–', all: formatCount(all.hosts) },
    { label: 'Seen', week: week ? `last ${when(week.lastSeen)}` : '–', all: `first ${when(all.firstSeen)}, last ${when(all.lastSeen)}` },
  ];
  return (
    <section className="panel" aria-label="Figures">
      <h2 data-period-heading>{week ? `${weekPeriod(week.week)} and all time` : 'All time (no ranked week lists this class)'}</h2>
      {data.missing && (
        <p className="down" data-week-missing>The ranking of {data.missing} does not list this class{week ? `; showing ${week.week}` : ''}.</p>
      )}
      <table data-table="class-figures">
        <thead>
          <tr><th>Figure</th>{week && <th className="num">Week {week.week}</th>}<th className="num">All time</th></tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.label} data-figure={r.label}>
              <td>{r.label}</td>
              {week && <td className="num" data-period="week">{r.week}</td>}
              <td className="num" data-period="all">{r.all}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
