import { formatCount, formatPercent, formatPointChange } from '../../lib/format';
import type { StageRow } from '../../lib/metrics/stages';

/**
 * Per-stage attempts, failures and success rate, in chain order, with the change vs the previous window. A
 * stage below `target` is drawn in red (one stage at 97% already costs 3% of all rollouts); the bar marks the target.
 */
export function StageTable({ stages, target }: { stages: StageRow[]; target: number }) {
  return (
    <table>
      <thead>
        <tr>
          <th>#</th>
          <th>Stage</th>
          <th className="num">Attempts</th>
          <th className="num">Failures</th>
          <th className="num">Success rate</th>
          <th><span className="subtle">bar 0–100%; mark: target {formatPercent(target)}</span></th>
          <th className="num">vs previous 7 days</th>
        </tr>
      </thead>
      <tbody>
        {stages.map((s, i) => {
          const change = s.successRate !== null && s.previousRate !== null ? s.successRate - s.previousRate : null;
          return (
            <tr key={s.key} data-stage={s.key}>
              <td className="subtle">{i + 1}</td>
              <td>{s.name}</td>
              <td className="num">{formatCount(s.attempts)}</td>
              <td className="num">{formatCount(s.failures)}</td>
              <td className="num" title={`${formatCount(s.successes)} of ${formatCount(s.successes + s.failures)}`}>{formatPercent(s.successRate, 2)}</td>
              <td>
                <div className={`bar${s.successRate !== null && s.successRate < target ? ' low' : ''}`} style={{ position: 'relative' }}>
                  <span style={{ width: `${(s.successRate ?? 0) * 100}%` }} />
                  <i aria-hidden style={{ position: 'absolute', top: 0, bottom: 0, left: `${target * 100}%`, width: 2, background: 'var(--warn)' }} />
                </div>
              </td>
              <td className={`num ${change === null ? '' : change >= 0 ? 'up' : 'down'}`}>{formatPointChange(change, 2)}</td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
