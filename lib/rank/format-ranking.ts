import { formatCount, formatPercent, formatPointChange } from '../format';
import type { WeeklyRanking } from './weekly-ranking';

const signed = (n: number) => (n > 0 ? `+${n}` : n < 0 ? `−${-n}` : '±0');
const pad = (s: string, n: number) => (s.length > n ? `${s.slice(0, n - 1)}…` : s.padEnd(n));

/** A plain-text report of a week's ranking: chain figures, stages, and the top classes. */
export function formatRankingReport(r: WeeklyRanking, top = 15): string {
  const c = r.chain;
  const lines = [
    `Week ${r.week} (${r.from} – ${r.to}, ${r.timeZone})`,
    `Rollouts: ${formatCount(c.rollouts)} (${formatCount(c.finished)} finished, ${formatCount(c.inProgress)} in progress)`,
    `End-to-end success (yield): ${formatPercent(c.successRate)} = ${formatCount(c.succeeded)} of ${formatCount(c.finished)}, ${formatPointChange(c.successRateChange)} vs ${r.previousWeek}`,
    `First-pass yield: ${formatPercent(c.firstPassYield)} = ${formatCount(c.firstPassSucceeded)} of ${formatCount(c.finished)}; product of stage first-pass rates: ${formatPercent(c.stageRateProduct)}`,
    '',
    `${pad('Stage', 24)} ${'Attempts'.padStart(9)} ${'First pass'.padStart(22)} ${'vs last week'.padStart(12)}`,
    ...r.stages.map((s) => `${pad(s.name, 24)} ${formatCount(s.attempts).padStart(9)} ${`${formatPercent(s.firstPassRate, 2)} (${formatCount(s.firstSuccesses)}/${formatCount(s.firstAttempts)})`.padStart(22)} ${formatPointChange(s.firstPassChange, 2).padStart(12)}`),
    '',
    `${r.totals.classes} error classes, ${formatCount(r.totals.failures)} failures; ${r.totals.newClasses} new, ${r.totals.regressed} regressed. * = among the classes making 80% of failures.`,
    `${'#'.padStart(3)} ${'badge'.padEnd(10)} ${'failures'.padStart(13)} ${'failed ro.'.padStart(10)} ${'uplift'.padStart(18)}  ${pad('category', 18)} ${pad('owner', 9)} template`,
  ];
  for (const k of r.classes.slice(0, top)) {
    const uplift = `${k.uplift.toFixed(2)} pt (${k.upliftRollouts}/${k.upliftOf})`;
    lines.push(`${String(k.rank).padStart(3)} ${k.badge.padEnd(10)} ${`${k.failures} (${signed(k.failures - k.previousFailures)})`.padStart(13)} ${String(k.failedRollouts).padStart(10)} ${uplift.padStart(18)}${k.in80 ? '*' : ' '} ${pad(k.category, 18)} ${pad(k.ownerId ?? '-', 9)} ${k.name ?? k.template}`);
  }
  if (r.classes.length > top) lines.push(`… ${r.classes.length - top} more`);
  return lines.join('\n');
}
