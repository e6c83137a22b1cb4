/** Shapes shared by the digest e-mails: who is who, and the tables of classes, stages and violations. */
import { formatCount, formatPercent, formatPointChange } from '../format';
import type { StageFigures } from '../rank/stage-figures';
import type { WeeklyClass, WeeklyRanking } from '../rank/weekly-ranking';
import type { RuleOutcome } from '../admission/outcomes';
import type { Block, Cell, Email } from './blocks';

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
export const signed = (n: number) => (n > 0 ? `+${formatCount(n)}` : n < 0 ? `−${formatCount(-n)}` : '±0');
const clip = (s: string, n: number) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);

export function classLink(input: DigestInput, c: WeeklyClass): string {
  return `${input.baseUrl}/errors/${c.classId}?week=${input.ranking.week}`;
}

export function classTable(input: DigestInput, classes: WeeklyClass[], opts: { owner?: boolean; empty: string }): Block {
  const names = new Map(input.owners.map((o) => [o.id, o.name]));
  const columns = ['#', 'Error class (stage · category; example)', ...(opts.owner ? ['Owner'] : []), 'Failures (vs last week)', 'Failed rollouts', 'Uplift', 'Mark'];
  const rows: Cell[][] = classes.map((c) => [
    { text: String(c.rank), align: 'right' },
    { text: clip(c.name ?? c.template, 120), href: classLink(input, c), strong: true, note: `${c.dominantStage ?? '–'} · ${c.category}; e.g. ${clip(c.sample.message, EXAMPLE_CHARS)}` },
    ...(opts.owner ? [{ text: names.get(c.ownerId ?? '') ?? c.ownerId ?? '–' }] : []),
    { text: `${formatCount(c.failures)} (${signed(c.failures - c.previousFailures)})`, align: 'right', tone: c.failures > c.previousFailures ? 'bad' : undefined },
    { text: `${formatCount(c.failedRollouts)} (last week ${formatCount(c.previousFailedRollouts)})`, align: 'right' },
    { text: `${c.uplift.toFixed(2)} pt (${c.upliftRollouts} of ${formatCount(c.upliftOf)})`, align: 'right' },
    { text: c.badge === 'ongoing' ? (c.in80 ? '80%' : '') : `${c.badge}${c.in80 ? ', 80%' : ''}`, tone: c.badge === 'new' || c.badge === 'regressed' || c.badge === 'escalating' ? 'bad' : 'muted' },
  ]);
  return { kind: 'table', columns, rows, empty: opts.empty };
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
