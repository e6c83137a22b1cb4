import type { RuleMatch } from '../classify/class-rules';
import type { RuleChangeResult } from '../classify/rule-changes';

/**
 * Class rules in words, for the dashboard, the class page's decision log and the CLI: what a rule
 * matches, what a change moved, and what a `rule` decision was. Pure: plain data in, text out.
 */

/** "message matches the template “pull <*>”, stage image-*, service user-*". */
export function describeMatch(match: RuleMatch): string {
  const message = match.kind === 'template' ? `message matches the template “${match.pattern}”` : `message contains /${match.pattern}/ (RE2, any case)`;
  const parts = [message];
  if (match.stage !== null) parts.push(`stage ${match.stage}`);
  if (match.errorCode !== null) parts.push(`error code ${match.errorCode}`);
  if (match.service !== null) parts.push(`service ${match.service}`);
  for (const [name, glob] of Object.entries(match.attrs)) parts.push(`attribute ${name} = ${glob}`);
  return parts.join(', ');
}

const seconds = (s: number) => (s < 0.1 ? `${Math.round(s * 1000)} ms` : `${s < 10 ? s.toFixed(1) : Math.round(s)} s`);
const count = (n: number, one: string, many = `${one}s`) => `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;

/**
 * What a rule change did to the history and the rankings:
 * "42 events re-classified in 1.3 s (10,000 scanned); rankings of 2026-W48 updated".
 */
export function describeChange(change: RuleChangeResult): string {
  const moved = `${count(change.moved, 'event')} re-classified in ${seconds(change.seconds)} (${count(change.scanned, 'event')} scanned)`;
  const weeks = change.weeks.length === 0
    ? 'no ranking to update (rankings sent in a digest stay as reported)'
    : `rankings of ${change.weeks.join(', ')} updated in ${seconds(change.rankingSeconds)}`;
  return `${moved}; ${weeks}`;
}

/**
 * What an import did, by rule name (names identify rules across an import):
 * "rules.json: created “OOM kills”; updated “Pull timeouts”; deleted nothing."
 */
export function describeImport(source: string, before: readonly string[], after: readonly string[]): string {
  const had = new Set(before);
  const has = new Set(after);
  const names = (list: readonly string[]) => (list.length === 0 ? 'nothing' : `${list.length} (${list.map((n) => `“${n}”`).join(', ')})`);
  const created = after.filter((n) => !had.has(n));
  const updated = after.filter((n) => had.has(n));
  const deleted = before.filter((n) => !has.has(n));
  return `${source}: ${after.length} rules in order; created ${names(created)}; updated ${names(updated)}; deleted ${names(deleted)}`;
}

type RuleDecision = { action?: unknown; rule?: unknown; name?: unknown; match?: unknown; position?: unknown; source?: unknown };

function matchText(value: unknown): string {
  const m = value as Partial<RuleMatch> | undefined;
  if (!m || typeof m.pattern !== 'string') return '';
  const kind = m.kind === 'regex' ? 'regex' : 'template';
  const { pattern, stage = null, errorCode = null, service = null, attrs = {} } = m;
  return `: ${describeMatch({ kind, pattern, stage, errorCode, service, attrs })}`;
}

/** A `rule` decision of the class log in words ("rule 3 created as “Mirror timeouts”: message matches …"). */
export function describeRuleDecision(value: unknown): string {
  const v = (value ?? {}) as RuleDecision;
  const rule = `rule ${String(v.rule ?? '?')}`;
  const from = typeof v.source === 'string' ? ` from ${v.source}` : '';
  switch (v.action) {
    case 'create':
      return `${rule} created as “${String(v.name ?? '')}”${matchText(v.match)}`;
    case 'edit':
      return `${rule} edited (“${String(v.name ?? '')}”)${matchText(v.match)}`;
    case 'move':
      return `${rule} moved to position ${typeof v.position === 'number' ? v.position + 1 : '?'}`;
    case 'delete':
      return `${rule} deleted${from}: its events went back to the miner's classes`;
    case 'import':
      return `${rule} imported${from}`;
    default:
      return `${rule}: ${JSON.stringify(value)}`;
  }
}
