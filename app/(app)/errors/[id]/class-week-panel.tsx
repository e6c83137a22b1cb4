import {
  formatCount, formatDuration, formatGainEvidence, formatHiddenEvidence, formatInterval, formatPoints, formatWithAbove,
} from '../../../../lib/format';
import type { ClassWeek, ClassWeeks } from '../../../../lib/triage/class-week';

function gainDetail(w: ClassWeek): string {
  const i = w.impact;
  if (i) return [`95% interval ${formatInterval(i.low, i.high)} pt`, formatGainEvidence(i), formatWithAbove(i)].filter(Boolean).join('; ');
  return w.hasImpact ? 'it blocked no finished rollout this week' : 'this week was ranked before expected gain existed';
}

function toilDetail(w: ClassWeek): string {
  if (!w.toil) return w.hasImpact ? 'no retry got past it this week' : 'this week was ranked before toil existed';
  const t = w.toil;
  const rank = w.toilRank ? `; #${w.toilRank} by toil` : '';
  return `${formatCount(t.attemptsLost)} attempts lost, ${formatDuration(t.timeLostMs)}, in ${formatCount(t.rollouts)} rollouts${rank}`;
}

/** The class in one ranked week: rank, expected gain, observed uplift, toil, and what fixing it may reveal. */
export function ClassWeekPanel({ id, data }: { id: number; data: ClassWeeks }) {
  const w = data.shown;
  if (!w) return null;
  const by = w.hasImpact ? 'expected gain, in fix order' : 'observed uplift (ranked before expected gain existed)';
  const manual = w.toil && `${formatCount(w.toil.manual)} manual retr${w.toil.manual === 1 ? 'y' : 'ies'}`;
  const tiles = [
    { label: 'Rank', value: `#${w.rank} of ${formatCount(w.classes)}`, detail: `by ${by}; ${w.badge}` },
    { label: 'Expected gain', value: formatPoints(w.impact?.expectedGain), detail: gainDetail(w) },
    { label: 'Observed uplift', value: formatPoints(w.uplift), detail: `${formatCount(w.upliftRollouts)} of ${formatCount(w.upliftOf)} finished rollouts failed with it alone` },
    { label: 'Toil', value: manual ?? '–', detail: toilDetail(w) },
  ];
  const others = data.weeks.filter((k) => k !== w.week);
  return (
    <section className="panel" aria-label="Weekly ranking">
      <h2>Week {w.week} in the ranking</h2>
      {others.length > 0 && (
        <p className="subtle">Other weeks: {others.map((k, i) => <span key={k}>{i > 0 && ' · '}<a href={`/errors/${id}?week=${k}`}>{k}</a></span>)}</p>
      )}
      <div className="tiles">
        {tiles.map((t) => (
          <div className="tile" key={t.label} data-week-figure={t.label}>
            <div className="label">{t.label}</div>
            <div className="value">{t.value}</div>
            <div className="detail">{t.detail}</div>
          </div>
        ))}
      </div>
      {w.reveals.length > 0 && (
        <ul aria-label="May reveal">
          {w.reveals.map((h) => (
            <li key={h.classId} data-reveals={h.classId}>
              Fixing it may reveal <a href={`/errors/${h.classId}?week=${w.week}`}>{h.title}</a>: {formatHiddenEvidence(h)}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
