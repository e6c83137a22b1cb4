import { formatCount, formatPercent, formatPointChange } from '../format';
import type { WeeklyRanking } from './weekly-ranking';

const signed = (n: number) => (n > 0 ? `+${n}` : n < 0 ? `−${-n}` : '±0');
const formatMinutes = (ms: number) => `${(ms / 60_000).toFixed(1)} min`;
const pad = (s: string, n: number) => (s.length > n ? `${s.slice(0, n - 1)}…` : s.padEnd(n));

/** A plain-text report of a week's ranking: chain figures, stages, and the top classes. */
export function formatRankingReport(r: WeeklyRanking, top = 15): string {
  const c = r.chain;
  const lines = [
    `Week ${r.week} (${r.from} – ${r.to}, ${r.timeZone})`,
    `Rollouts: ${formatCount(c.rollouts)} (${formatCount(c.finished)} finished, ${formatCount(c.inProgress)} in progress)`,
    `End-to-end success: ${formatPercent(c.successRate)} = ${formatCount(c.succeeded)} of ${formatCount(c.finished)}, ${formatPointChange(c.successRateChange)} vs ${r.previousWeek}`,
    `First-pass yield: ${formatPercent(c.firstPassYield)} = ${formatCount(c.firstPassSucceeded)} of ${formatCount(c.finished)}; product of stage first-pass rates: ${formatPercent(c.stageRateProduct)}`,
    '',
    `${pad('Stage', 24)} ${'Attempts'.padStart(9)} ${'First pass'.padStart(22)} ${'vs last week'.padStart(12)}`,
    ...r.stages.map((s) => `${pad(s.name, 24)} ${formatCount(s.attempts).padStart(9)} ${`${formatPercent(s.firstPassRate, 2)} (${formatCount(s.firstSuccesses)}/${formatCount(s.firstAttempts)})`.padStart(22)} ${formatPointChange(s.firstPassChange, 2).padStart(12)}`),
    '',
    `${r.totals.classes} error classes, ${formatCount(r.totals.failures)} failures; ${r.totals.newClasses} new, ${r.totals.regressed} regressed. * = among the classes making 80% of failures.`,
    'Ranked by expected gain (points of end-to-end success a fix would gain, 95% interval); observed uplift for comparison.',
    ...r.fixTogether.map((j) => `Fixing the top ${j.k} together: +${j.gain.toFixed(2)} pt (their separate gains add up to ${j.sumOfGains.toFixed(2)} pt).`),
    `${'#'.padStart(3)} ${'badge'.padEnd(10)} ${'failures'.padStart(13)} ${'failed ro.'.padStart(10)} ${'expected gain'.padStart(24)} ${'uplift'.padStart(18)}  ${pad('category', 18)} ${pad('owner', 9)} template`,
  ];
  const title = (id: number) => {
    const c = r.classes.find((k) => k.classId === id);
    return c ? (c.name ?? c.template) : `class ${id}`;
  };
  for (const k of r.classes.slice(0, top)) {
    const uplift = `${k.uplift.toFixed(2)} pt (${k.upliftRollouts}/${k.upliftOf})`;
    const gain = k.impact ? `${k.impact.expectedGain.toFixed(2)} pt (${k.impact.low.toFixed(2)}–${k.impact.high.toFixed(2)})` : '–';
    lines.push(`${String(k.rank).padStart(3)} ${k.badge.padEnd(10)} ${`${k.failures} (${signed(k.failures - k.previousFailures)})`.padStart(13)} ${String(k.failedRollouts).padStart(10)} ${gain.padStart(24)} ${uplift.padStart(18)}${k.in80 ? '*' : ' '} ${pad(k.category, 18)} ${pad(k.ownerId ?? '-', 9)} ${k.name ?? k.template}`);
    for (const h of k.impact?.hiddenBehind ?? []) lines.push(`${' '.repeat(15)}fixing it may reveal: ${title(h.classId)} (${h.rollouts} of ${h.of} rollouts of ${h.group} that passed its stage failed with it at ${h.stageKey})`);
  }
  if (r.classes.length > top) lines.push(`… ${r.classes.length - top} more`);
  const toil = r.classes.filter((k) => k.toilRank !== null).sort((a, b) => a.toilRank! - b.toilRank!).slice(0, 5);
  if (toil.length) {
    lines.push('', 'Toil: classes retries got past or tried to (manual retries, attempts lost, time of the failed attempts)');
    for (const k of toil) lines.push(`${String(k.toilRank).padStart(3)} ${String(k.toil!.manual).padStart(6)} manual ${String(k.toil!.attemptsLost).padStart(6)} attempts ${formatMinutes(k.toil!.timeLostMs).padStart(10)}  ${k.name ?? k.template}`);
  }
  return lines.join('\n');
}
