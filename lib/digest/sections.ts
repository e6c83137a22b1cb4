/** Shapes shared by the digest e-mails: who is who, and the tables of classes, stages and violations. */
import {
  formatCount, formatDuration, formatFixTogether, formatGain, formatGainEvidence, formatHiddenEvidence, formatPercent, formatPointChange, formatPoints,
  formatWithAbove,
} from '../format';
import type { StageFigures } from '../rank/stage-figures';
import type { WeeklyClass, WeeklyRanking } from '../rank/weekly-ranking';
import type { RuleOutcome } from '../admission/outcomes';
import type { Block, Cell, Email, Hint } from './blocks';
import { clipTitle } from '../format-title';

/** Who gets which e-mail of a week's digest, and what it says (rendered by blocks.ts). */
export type DigestOwner = { id: string; name: string; kind: string; email: string; teamId: string | null; leadEmail: string | null };
export type OpenViolation = { ruleId: string; title: string; subject: string; severity: string; ownerId: string | null; lastSeen: Date };
export type DigestInput = {
  ranking: WeeklyRanking;
  owners: DigestOwner[];
  stages: { key: string; name: string; ownerId: string | null }[];
  violations: OpenViolation[];
  /** The admission rules joined to the week's outcomes (managers' summary). */
  admission: RuleOutcome[];
  managers: string[];
  baseUrl: string;
  targets: { successRate: number; stageSuccessRate: number; yield: number; unattendedRate: number; rolloutsPerWeek: number | null };
};
export type DigestKind = 'owner' | 'lead' | 'manager';
export type DigestDraft = { kind: DigestKind; recipient: string; ownerId: string | null; subject: string; email: Email };

const EXAMPLE_CHARS = 160;
/** Classes in an e-mail's toil table. */
const TOIL_SHOWN = 5;
export const signed = (n: number) => (n > 0 ? `+${formatCount(n)}` : n < 0 ? `−${formatCount(-n)}` : '±0');

/** "Tracker issue: <link>" under a class that is linked to one. */
function trackerHint(c: WeeklyClass): Hint[] {
  return c.trackerUrl ? [{ before: 'Tracker issue: ', link: { text: clipTitle(c.trackerUrl, 80), href: c.trackerUrl }, after: '' }] : [];
}

export function classLink(input: DigestInput, c: WeeklyClass): string {
  return `${input.baseUrl}/errors/${c.classId}?week=${input.ranking.week}`;
}

/**
 * Whether the ranking has expected gain and toil: rankings stored before they existed have none
 * (every class null, no "fix together"), and their e-mails show "–" instead.
 */
export function hasImpactFigures(ranking: WeeklyRanking): boolean {
  return ranking.fixTogether.length > 0 || ranking.classes.some((c) => c.impact !== null || c.toil !== null);
}

/** "fixing it may reveal <class>: 12 of the 15 rollouts of …", linked to the revealed class. */
function revealHints(input: DigestInput, c: WeeklyClass): Hint[] {
  return (c.impact?.hiddenBehind ?? []).map((h) => {
    const b = input.ranking.classes.find((k) => k.classId === h.classId);
    const href = `${input.baseUrl}/errors/${h.classId}?week=${input.ranking.week}`;
    const link = { text: b ? clipTitle(b.name ?? b.template, 120) : `class ${h.classId}`, href };
    return { before: 'fixing it may reveal ', link, after: `: ${formatHiddenEvidence(h)}` };
  });
}

export function classTable(input: DigestInput, classes: WeeklyClass[], opts: { owner?: boolean; empty: string }): Block {
  const names = new Map(input.owners.map((o) => [o.id, o.name]));
  const columns = [
    '#', 'Error class (stage · category; example)', ...(opts.owner ? ['Owner'] : []), 'Failures (vs last week)', 'Failed rollouts',
    'Expected gain (95% interval)', 'Observed uplift', 'Mark',
  ];
  const gainNote = (c: WeeklyClass) => (c.impact ? [formatGainEvidence(c.impact), formatWithAbove(c.impact)].filter(Boolean).join('; ') : undefined);
  const rows: Cell[][] = classes.map((c) => [
    { text: String(c.rank), align: 'right' },
    {
      text: clipTitle(c.name ?? c.template, 120), href: classLink(input, c), strong: true, note: `${c.dominantStage ?? '–'} · ${c.category}; e.g. ${clipTitle(c.sample.message, EXAMPLE_CHARS)}`,
      hints: [...revealHints(input, c), ...trackerHint(c)],
    },
    ...(opts.owner ? [{ text: names.get(c.ownerId ?? '') ?? c.ownerId ?? '–' }] : []),
    { text: `${formatCount(c.failures)} (${signed(c.failures - c.previousFailures)})`, align: 'right', tone: c.failures > c.previousFailures ? 'bad' : undefined },
    { text: `${formatCount(c.failedRollouts)} (last week ${formatCount(c.previousFailedRollouts)})`, align: 'right' },
    { text: formatGain(c.impact), align: 'right', note: gainNote(c) },
    { text: `${formatPoints(c.uplift)} (${c.upliftRollouts} of ${formatCount(c.upliftOf)})`, align: 'right' },
    { text: c.badge === 'ongoing' ? (c.in80 ? '80%' : '') : `${c.badge}${c.in80 ? ', 80%' : ''}`, tone: c.badge === 'new' || c.badge === 'regressed' || c.badge === 'escalating' ? 'bad' : 'muted' },
  ]);
  return { kind: 'table', columns, rows, empty: opts.empty };
}

/** The toil of `classes` (an owner's, a team's): the first of them in the week's toil order. */
export function toilTable(input: DigestInput, classes: WeeklyClass[], empty: string): Block {
  const costly = classes.filter((c) => c.toilRank !== null && c.toil !== null).sort((a, b) => a.toilRank! - b.toilRank!)
    .slice(0, TOIL_SHOWN);
  const rows: Cell[][] = costly.map((c) => [
    { text: String(c.toilRank), align: 'right' },
    { text: clipTitle(c.name ?? c.template, 120), href: classLink(input, c), strong: true },
    { text: formatCount(c.toil!.manual), align: 'right', tone: c.toil!.manual > 0 ? 'bad' : undefined },
    { text: formatCount(c.toil!.attemptsLost), align: 'right' },
    { text: formatDuration(c.toil!.timeLostMs), align: 'right' },
    { text: formatCount(c.toil!.rollouts), align: 'right' },
  ]);
  const none = hasImpactFigures(input.ranking) ? empty : 'No toil figures: this week was ranked before they existed (–).';
  const columns = ['Toil #', 'Error class', 'Manual retries', 'Attempts lost', 'Time lost', 'Rollouts'];
  return { kind: 'table', columns, rows, empty: none };
}

/** "Fixing the top 3 together: +4.10 pt (…)" for the week's top 3 and top 5; `mine`: say how many of them are these. */
export function fixTogetherList(input: DigestInput, mine?: WeeklyClass[]): Block | null {
  if (input.ranking.fixTogether.length === 0) return null;
  const ids = new Set(mine?.map((c) => c.classId));
  const yours = (classIds: number[]) => (mine ? `; ${classIds.filter((id) => ids.has(id)).length} of them yours` : '');
  return { kind: 'list', items: input.ranking.fixTogether.map((j) => `${formatFixTogether(j)}${yours(j.classIds)}`) };
}

export function stageTable(input: DigestInput, stages: StageFigures[]): Block {
  const rows: Cell[][] = stages.map((s) => [
    { text: s.name, href: `${input.baseUrl}/stages/${s.key}?week=${input.ranking.week}` },
    { text: `${formatPercent(s.firstPassRate, 2)} (${formatCount(s.firstSuccesses)} of ${formatCount(s.firstAttempts)})`, align: 'right', tone: s.firstPassRate !== null && s.firstPassRate < input.targets.stageSuccessRate ? 'bad' : 'good' },
    { text: formatPointChange(s.firstPassChange, 2), align: 'right', tone: s.firstPassChange === null ? 'muted' : s.firstPassChange < 0 ? 'bad' : 'good' },
    { text: formatPercent(input.targets.stageSuccessRate, 1), align: 'right', tone: 'muted' },
  ]);
  return { kind: 'table', columns: ['Stage', 'First-pass success', 'vs last week', 'Target'], rows, empty: 'No stages.' };
}

export function violationTable(violations: OpenViolation[]): Block {
  const rows: Cell[][] = violations.map((v) => [{ text: v.title, strong: true }, { text: v.subject }, { text: v.severity, tone: v.severity === 'critical' ? 'bad' : undefined }, { text: v.lastSeen.toISOString().slice(0, 10) }]);
  return { kind: 'table', columns: ['Rule', 'Subject', 'Severity', 'Last seen'], rows, empty: 'No open admission-rule violations.' };
}
