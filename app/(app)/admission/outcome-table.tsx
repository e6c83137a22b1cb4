import { formatCount, formatPercent } from '../../../lib/format';
import type { RuleOutcome } from '../../../lib/admission/outcomes';

const share = (s: RuleOutcome['violating']) => `${formatPercent(s.failShare)} of ${formatCount(s.rollouts)}`;

/** Violating vs compliant failure shares per rule, and the what-if of enforcing the rules that do not refuse. */
export function OutcomeTable({ rules }: { rules: RuleOutcome[] }) {
  return (
    <table>
      <thead>
        <tr><th>Rule</th><th>Mode</th><th className="num">Violating rollouts failed</th><th className="num">Compliant rollouts failed</th><th className="num">If enforced: refused</th><th className="num">failures prevented</th><th className="num">good rollouts blocked</th></tr>
      </thead>
      <tbody>
        {rules.map((r) => (
          <tr key={r.rule}>
            <td><a href={`/admission/${encodeURIComponent(r.rule)}`}>{r.title}</a></td>
            <td>{r.mode}</td>
            {r.joinsOutcomes ? (
              <>
                <td className="num">{share(r.violating)}</td>
                <td className="num">{share(r.compliant)}</td>
                <td className="num">{r.whatIf ? formatCount(r.whatIf.blocked) : '–'}</td>
                <td className="num">{r.whatIf ? `${formatCount(r.whatIf.failuresPrevented)} (${formatPercent(r.whatIf.shareOfAllFailures)} of all)` : '–'}</td>
                <td className="num">{r.whatIf ? formatCount(r.whatIf.goodBlocked) : '–'}</td>
              </>
            ) : (
              <td colSpan={5} className="subtle">skip: its violations are about stages or owners, not rollouts</td>
            )}
          </tr>
        ))}
      </tbody>
    </table>
  );
}
