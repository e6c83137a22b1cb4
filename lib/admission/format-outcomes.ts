import { formatCount, formatPercent } from '../format';
import type { OutcomeReport, Split } from './outcomes';

const share = (s: Split) => `${formatPercent(s.failShare)} of ${formatCount(s.rollouts)}`;

/** The outcome report as plain text (`npm run admission:report`). */
export function formatOutcomeReport(r: OutcomeReport): string {
  const period = r.days ? `${r.week ?? 'days'} (${r.days.from} to ${r.days.to})` : 'all stored rollouts';
  const lines = [`Admission rules and outcomes — ${period}: ${formatCount(r.rollouts)} finished rollouts, ${formatCount(r.failed)} failed.`, ''];
  if (r.rules.length === 0) lines.push('No admission rules are loaded yet: run `npm run admission:check`.');
  for (const rule of r.rules) {
    lines.push(`${rule.rule} [${rule.mode}] ${rule.title}`);
    if (!rule.joinsOutcomes) {
      lines.push('  skip: its violations are about stages or owners, not rollouts', '');
      continue;
    }
    lines.push(`  failed: violating ${share(rule.violating)} · compliant ${share(rule.compliant)}`);
    if (rule.whatIf) {
      const w = rule.whatIf;
      lines.push(`  if enforced: ${formatCount(w.blocked)} rollouts refused, ${formatCount(w.failuresPrevented)} failures prevented (${formatPercent(w.shareOfAllFailures)} of all failures), ${formatCount(w.goodBlocked)} good rollouts blocked`);
    }
    lines.push('');
  }
  return lines.join('\n').trimEnd();
}
