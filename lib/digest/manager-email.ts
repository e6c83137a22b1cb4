import { formatCount, formatPercent, formatPointChange, formatPoints } from '../format';
import type { RuleOutcome } from '../admission/outcomes';
import type { WeeklyClass } from '../rank/weekly-ranking';
import type { Block, Cell } from './blocks';
import { hasImpactFigures, stageTable, type DigestDraft, type DigestInput } from './sections';

type Tone = Cell['tone'];
const toneFor = (value: number | null, target: number): Tone => (value === null ? 'muted' : value >= target ? 'good' : 'bad');

/** The managers' KPIs: each against its target and last week, and what is open, by team. */
export function buildManagerEmail(input: DigestInput, recipient: string, classes: WeeklyClass[]): DigestDraft {
  const { ranking: r, targets: t } = input;
  const c = r.chain;
  const volumeChange = c.rollouts - c.previous.rollouts;
  const open = classes.filter((k) => k.status === 'open' || k.status === 'acknowledged');
  const kpis: Block = {
    kind: 'kpis',
    items: [
      { label: 'End-to-end success', value: formatPercent(c.successRate), detail: `${formatCount(c.succeeded)} of ${formatCount(c.finished)}; ${formatPointChange(c.successRateChange)}; target ${formatPercent(t.successRate)}`, tone: toneFor(c.successRate, t.successRate) },
      { label: 'First-pass yield', value: formatPercent(c.firstPassYield), detail: `${formatCount(c.firstPassSucceeded)} of ${formatCount(c.finished)}; product of stage rates ${formatPercent(c.stageRateProduct)}; target ${formatPercent(t.yield)}`, tone: toneFor(c.firstPassYield, t.yield) },
      { label: 'Unattended rate', value: formatPercent(c.unattendedRate), detail: `${formatCount(c.unattended)} of ${formatCount(c.finished)} without a manual step; last week ${formatPercent(c.previous.unattendedRate)}; target ${formatPercent(t.unattendedRate)}`, tone: toneFor(c.unattendedRate, t.unattendedRate) },
      { label: 'Rollouts', value: formatCount(c.rollouts), detail: `${volumeChange >= 0 ? '+' : '−'}${formatCount(Math.abs(volumeChange))} vs last week${t.rolloutsPerWeek ? `; target ${formatCount(t.rolloutsPerWeek)}` : ''}`, tone: t.rolloutsPerWeek ? toneFor(c.rollouts, t.rolloutsPerWeek) : undefined },
      { label: 'Open error classes', value: formatCount(open.length), detail: `${r.totals.newClasses} new, ${r.totals.regressed} regressed; ${formatCount(input.violations.length)} open violations` },
    ],
  };
  const teams = input.owners.filter((o) => o.kind === 'team');
  // Separate gains overlap (classes share rollouts): their sum is labelled as such, not as the gain of fixing them all.
  const gains = hasImpactFigures(r);
  const byTeam: Cell[][] = teams.map((team) => {
    const theirs = open.filter((k) => k.ownerId === team.id);
    return [
      { text: team.name },
      { text: formatCount(theirs.length), align: 'right' },
      { text: formatCount(theirs.reduce((a, k) => a + k.failures, 0)), align: 'right' },
      { text: gains ? formatPoints(theirs.reduce((a, k) => a + (k.impact?.expectedGain ?? 0), 0)) : '–', align: 'right' },
      { text: formatCount(input.violations.filter((v) => v.ownerId === team.id).length), align: 'right' },
    ];
  });
  const rules: Cell[][] = input.admission.map((rule) => {
    const share = (s: RuleOutcome['violating']) => `${formatPercent(s.failShare)} of ${formatCount(s.rollouts)}`;
    const w = rule.whatIf;
    return [
      { text: rule.title, strong: true },
      { text: rule.mode },
      { text: formatCount(input.violations.filter((v) => v.ruleId === rule.rule).length), align: 'right' },
      { text: rule.joinsOutcomes ? share(rule.violating) : '–', align: 'right' },
      { text: rule.joinsOutcomes ? share(rule.compliant) : '–', align: 'right' },
      { text: w ? `${formatCount(w.failuresPrevented)} prevented, ${formatCount(w.goodBlocked)} good blocked` : '–' },
    ];
  });
  const subject = `[Rollscope] ${r.week} KPIs: success ${formatPercent(c.successRate)} (${formatPointChange(c.successRateChange)}), unattended ${formatPercent(c.unattendedRate)}, ${r.totals.newClasses} new error class${r.totals.newClasses === 1 ? '' : 'es'}`;
  return {
    kind: 'manager',
    recipient,
    ownerId: null,
    subject,
    email: {
      title: `Pipeline KPIs — week ${r.week}`,
      intro: `${formatCount(c.rollouts)} rollouts this week; ${formatPercent(c.successRate)} succeeded end to end (target ${formatPercent(t.successRate)}).`,
      blocks: [
        kpis,
        { kind: 'heading', text: 'Stages: first-pass success against target' },
        stageTable(input, r.stages),
        { kind: 'heading', text: 'Open error classes and violations by team' },
        { kind: 'table', columns: ['Team', 'Open classes', 'Failures', 'Expected gain (sum of separate gains)', 'Open violations'], rows: byTeam, empty: 'No teams.' },
        { kind: 'heading', text: 'Admission rules: failed rollouts, violating vs compliant' },
        { kind: 'table', columns: ['Rule', 'Mode', 'Open violations', 'Violating failed', 'Compliant failed', 'If enforced'], rows: rules, empty: 'No admission rules are loaded.' },
      ],
      footer: `Week ${r.week} (${r.from} – ${r.to}, ${r.timeZone}). Dashboard: ${input.baseUrl}/`,
    },
  };
}
