import type { Db } from '../db';
import { inList, queryRows } from '../sql';
import { addDays, dayInZone } from '../time/day';
import { compileRule, firstMatch, type CompiledRule, type EventFacts } from './class-rules';
import { parseClassRule } from './class-rule-store';
import { attrsOf, loadCompiledRules } from './reclassify';

/**
 * What a rule would take before it is saved: over the error events of the last `weeks` weeks, the
 * events it would be the first rule to match (rules before it keep theirs), the failed rollouts
 * among theirs, the classes they would leave, and examples — so that splitting a class is safe.
 */
export type RulePreview = {
  from: string;
  to: string;
  scanned: number;
  events: number;
  failedRollouts: number;
  fromClasses: { classId: number | null; title: string; events: number }[];
  examples: { eventId: number; occurredAt: Date; stageKey: string; service: string; message: string; classId: number | null }[];
};

const PAGE = 20_000;
const EXAMPLES = 10;
const CANDIDATE = -1;

type Row = { id: number; message: string; stageKey: string; code: string | null; service: string; errorClassId: number | null; rolloutId: string; occurredAt: string | Date; attrs?: unknown };

function pageSql(kind: Db['kind'], withAttrs: boolean): string {
  const p = kind === 'sqlite' ? ['?', '?', '?'] : ['$1', '$2', '$3'];
  const from = withAttrs ? `"ErrorEvent" e JOIN "StageRun" s ON s."id" = e."stageRunId"` : '"ErrorEvent" e';
  return `SELECT e."id", e."message", e."stageKey", e."code", e."service", e."errorClassId", e."rolloutId", e."occurredAt"${withAttrs ? ', s."attrs"' : ''}
          FROM ${from} WHERE e."day" >= ${p[0]} AND e."id" > ${p[1]} ORDER BY e."id" LIMIT ${p[2]}`;
}

/**
 * `position`: where the rule would stand (default: last); `ruleId`: the rule being edited (left out
 * of the order, its place taken by the candidate).
 */
export async function previewClassRule(db: Db, value: unknown, opts: { weeks: number; timeZone: string; now?: Date; position?: number; ruleId?: number }): Promise<RulePreview> {
  const input = parseClassRule(value);
  const candidate = compileRule({ id: CANDIDATE, classId: CANDIDATE, match: input.match });
  const rules: CompiledRule[] = (await loadCompiledRules(db)).filter((r) => r.id !== opts.ruleId);
  rules.splice(Math.max(0, Math.min(rules.length, opts.position ?? rules.length)), 0, candidate);
  const to = dayInZone((opts.now ?? new Date()).getTime(), opts.timeZone);
  const from = addDays(to, -(7 * opts.weeks - 1));
  const withAttrs = rules.some((r) => r.needsAttrs);
  const taken: Row[] = [];
  let scanned = 0;
  for (let after = 0; ; ) {
    const page = await queryRows<Row>(await db.bulk(), pageSql(db.kind, withAttrs), [from, after, PAGE]);
    for (const e of page) {
      const facts: EventFacts = { message: e.message, stageKey: e.stageKey, code: e.code, service: e.service, attrs: withAttrs ? attrsOf(e.attrs) : null };
      if (firstMatch(rules, facts)?.id === CANDIDATE) taken.push(e);
    }
    scanned += page.length;
    if (page.length < PAGE) break;
    after = page.at(-1)!.id;
  }
  return { from, to, scanned, events: taken.length, failedRollouts: await countFailed(db, taken), fromClasses: await classesOf(db, taken), examples: examplesOf(taken) };
}

async function countFailed(db: Db, rows: readonly Row[]): Promise<number> {
  const ids = [...new Set(rows.map((r) => r.rolloutId))];
  let failed = 0;
  for (let i = 0; i < ids.length; i += 500) {
    const chunk = ids.slice(i, i + 500);
    const found = await queryRows<{ n: number }>(await db.bulk(), `SELECT COUNT(*) AS "n" FROM "Rollout" WHERE "outcome" = 'failed' AND "id" IN (${inList(db.kind, chunk.length)})`, chunk);
    failed += Number(found[0]?.n ?? 0);
  }
  return failed;
}

async function classesOf(db: Db, rows: readonly Row[]): Promise<RulePreview['fromClasses']> {
  const counts = new Map<number | null, number>();
  for (const r of rows) counts.set(r.errorClassId, (counts.get(r.errorClassId) ?? 0) + 1);
  const ids = [...counts.keys()].filter((id): id is number => id !== null);
  const titles = new Map((await db.prisma.errorClass.findMany({ where: { id: { in: ids.slice(0, 500) } }, select: { id: true, name: true, template: true } })).map((c) => [c.id, c.name ?? c.template]));
  return [...counts]
    .map(([classId, events]) => ({ classId, title: classId === null ? '(not classified yet)' : (titles.get(classId) ?? `class ${classId}`), events }))
    .sort((a, b) => b.events - a.events);
}

function examplesOf(rows: readonly Row[]): RulePreview['examples'] {
  return rows
    .slice(-EXAMPLES)
    .reverse()
    .map((r) => ({ eventId: r.id, occurredAt: new Date(r.occurredAt), stageKey: r.stageKey, service: r.service, message: r.message, classId: r.errorClassId }));
}
