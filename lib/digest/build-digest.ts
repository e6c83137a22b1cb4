import { formatCount, formatPoints } from '../format';
import type { StageFigures } from '../rank/stage-figures';
import type { WeeklyClass } from '../rank/weekly-ranking';
import type { Block, Cell } from './blocks';
import { buildManagerEmail } from './manager-email';
import {
  classTable, fixTogetherList, signed, stageTable, toilTable, violationTable, type DigestDraft, type DigestInput, type DigestOwner, type OpenViolation,
} from './sections';

export type { DigestDraft, DigestInput } from './sections';

const TOP_OVERALL = 10;
const visible = (c: WeeklyClass) => c.status !== 'ignored' && c.status !== 'merged';

function footer(input: DigestInput): string {
  const r = input.ranking;
  return [
    `Week ${r.week} (${r.from} – ${r.to}, ${r.timeZone}).`,
    'Expected gain: points of end-to-end success a fix would gain (95% interval), from the rollouts the class blocked and the chance they pass the later stages;',
    'classes are listed in fix order (each adds the most to the ones above it; "with the ones above": the gain of fixing it and all above).',
    'Observed uplift: failed rollouts whose only failing class it was. Toil: failed attempts retries got past, their time, and the retries people started.',
    `Full ranking: ${input.baseUrl}/errors?week=${r.week}`,
  ].join(' ');
}

function ownerEmail(input: DigestInput, who: DigestOwner, classes: WeeklyClass[], stages: StageFigures[], violations: OpenViolation[]): DigestDraft {
  const week = input.ranking.week;
  const fresh = classes.filter((c) => c.badge === 'new' || c.badge === 'regressed').length;
  const blocks: Block[] = [
    { kind: 'heading', text: who.kind === 'team' ? 'Your error classes, by expected gain in fix order' : 'Error classes assigned to you, by expected gain in fix order' },
    classTable(input, classes, { empty: 'No error classes this week.' }),
  ];
  const together = fixTogetherList(input, classes);
  if (together) blocks.push({ kind: 'heading', text: 'Fixing the top classes of the week together (all teams)' }, together);
  blocks.push({ kind: 'heading', text: 'Toil: what retries past your classes cost' }, toilTable(input, classes, 'No retries got past your classes this week.'));
  if (stages.length) blocks.push({ kind: 'heading', text: 'Your stages' }, stageTable(input, stages));
  if (who.kind === 'team') blocks.push({ kind: 'heading', text: 'Open admission-rule violations' }, violationTable(violations));
  const gains = classes.flatMap((c) => (c.impact ? [c.impact.expectedGain] : []));
  const topGain = gains.length ? `, top expected gain ${formatPoints(Math.max(...gains))}` : '';
  return {
    kind: 'owner',
    recipient: who.email,
    ownerId: who.id,
    subject: `[Rollscope] ${week} · ${who.name}: ${classes.length} error class${classes.length === 1 ? '' : 'es'}${fresh ? ` (${fresh} new or regressed)` : ''}${topGain}`,
    email: {
      title: `${who.name} — week ${week}`,
      intro: `${classes.length} error class${classes.length === 1 ? '' : 'es'} owned by ${who.kind === 'team' ? 'your team' : 'you'} occurred this week, ranked by expected gain (how much fixing each would raise the end-to-end success rate) in fix order: each adds the most to the ones above it.`,
      blocks,
      footer: footer(input),
    },
  };
}

/** All the week's messages: one per owning team and assignee with something to report, one per team lead, one per manager. */
export function buildDigest(input: DigestInput): DigestDraft[] {
  const classes = input.ranking.classes.filter(visible);
  const drafts: DigestDraft[] = [];
  for (const owner of input.owners) {
    const mine = classes.filter((c) => (owner.kind === 'team' ? c.ownerId === owner.id : c.assigneeId === owner.id));
    const stageKeys = new Set(input.stages.filter((s) => s.ownerId === owner.id).map((s) => s.key));
    const stages = input.ranking.stages.filter((s) => stageKeys.has(s.key));
    const violations = owner.kind === 'team' ? input.violations.filter((v) => v.ownerId === owner.id) : [];
    if (mine.length === 0 && violations.length === 0) continue;
    drafts.push(ownerEmail(input, owner, mine, stages, violations));
  }
  for (const team of input.owners.filter((o) => o.kind === 'team' && o.leadEmail)) drafts.push(leadEmail(input, team, classes));
  for (const manager of input.managers) drafts.push(buildManagerEmail(input, manager, classes));
  return drafts;
}

function leadEmail(input: DigestInput, team: DigestOwner, classes: WeeklyClass[]): DigestDraft {
  const week = input.ranking.week;
  const mine = classes.filter((c) => c.ownerId === team.id);
  const members = input.owners.filter((o) => o.teamId === team.id);
  const load: Cell[][] = [...members.map((m) => ({ id: m.id, name: m.name })), { id: null, name: '(not assigned to a person)' }].map((m) => {
    const theirs = mine.filter((c) => c.assigneeId === m.id);
    return [{ text: m.name }, { text: formatCount(theirs.length), align: 'right' }, { text: formatCount(theirs.reduce((a, c) => a + c.failures, 0)), align: 'right' }];
  });
  const failures = mine.reduce((a, c) => a + c.failures, 0);
  const before = mine.reduce((a, c) => a + c.previousFailures, 0);
  const changed = (badge: string) => classes.filter((c) => c.badge === badge).map((c) => `${c.name ?? c.template} (${c.failures} failures, owner ${c.ownerId ?? '–'})`);
  const stageKeys = new Set(input.stages.filter((s) => s.ownerId === team.id).map((s) => s.key));
  const together = fixTogetherList(input, mine);
  return {
    kind: 'lead',
    recipient: team.leadEmail!,
    ownerId: team.id,
    subject: `[Rollscope] ${week} · ${team.name} lead summary: ${mine.length} class${mine.length === 1 ? '' : 'es'}, ${formatCount(failures)} failure${failures === 1 ? '' : 's'} (${signed(failures - before)} vs last week)`,
    email: {
      title: `${team.name} — team lead summary, week ${week}`,
      intro: `Your team owns ${mine.length} of the week's ${classes.length} error classes (${formatCount(failures)} of ${formatCount(input.ranking.totals.failures)} failures).`,
      blocks: [
        { kind: 'heading', text: "Your team's error classes" },
        classTable(input, mine, { empty: 'None this week.' }),
        { kind: 'heading', text: "Toil: what retries past your team's classes cost" },
        toilTable(input, mine, "No retries got past your team's classes this week."),
        { kind: 'heading', text: 'Load by member' },
        { kind: 'table', columns: ['Member', 'Classes', 'Failures'], rows: load, empty: 'No members.' },
        { kind: 'heading', text: `Top ${TOP_OVERALL} overall` },
        classTable(input, classes.slice(0, TOP_OVERALL), { owner: true, empty: 'No error classes this week.' }),
        ...(together ? [together] : []),
        { kind: 'heading', text: 'What changed since last week' },
        { kind: 'list', items: [...changed('new').map((c) => `New: ${c}`), ...changed('regressed').map((c) => `Regressed: ${c}`), ...changed('escalating').map((c) => `Escalating: ${c}`)].slice(0, 20) },
        stageTable(input, input.ranking.stages.filter((s) => stageKeys.has(s.key))),
      ],
      footer: footer(input),
    },
  };
}
