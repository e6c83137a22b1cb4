import { randomUUID } from 'node:crypto';
import type { Db } from '../db';
import { Prisma } from '../generated/sqlite/client';
import { ValidationError } from '../errors';
import { classRuleSchema, classRulesFileSchema, matchOf, type ClassRuleInput, type ClassRulesFile, type RuleMatch } from './class-rules';
import { withClassifier } from './classifier-lease';
import { applyRuleChange, type RuleChangeResult } from './rule-changes';
import type { CategoryConfig, RoutingConfig } from './rules';

/**
 * Class rules in the database: listing, creating, editing, moving and deleting them. Every change
 * is recorded in the rule's class's decision log and re-classifies the history (rule-changes.ts).
 */
export type ClassRuleView = {
  id: number;
  position: number;
  name: string;
  match: RuleMatch;
  category: string | null;
  ownerId: string | null;
  assigneeId: string | null;
  trackerUrl: string | null;
  classId: number;
  events: number;
  createdBy: string;
  createdAt: Date;
  updatedAt: Date;
};

export type RuleChangeDeps = { db: Db; actor: string; categories: CategoryConfig; routing: RoutingConfig; timeZone: string; now?: Date };

const ruleInclude = { errorClass: { select: { name: true, template: true, category: true, categorySource: true, ownerId: true, assigneeId: true, ownerSource: true, eventCount: true } } } as const;
type RuleRow = Awaited<ReturnType<typeof loadRules>>[number];

function loadRules(db: Db) {
  return db.prisma.classRule.findMany({ include: ruleInclude, orderBy: [{ position: 'asc' }, { id: 'asc' }] });
}

function toView(r: RuleRow): ClassRuleView {
  const c = r.errorClass;
  return {
    id: r.id, position: r.position, name: c.name ?? c.template, match: matchOf(r),
    category: c.categorySource === 'manual' ? c.category : null, ownerId: c.ownerSource === 'manual' ? c.ownerId : null, assigneeId: c.ownerSource === 'manual' ? c.assigneeId : null,
    trackerUrl: r.trackerUrl, classId: r.classId, events: c.eventCount, createdBy: r.createdBy, createdAt: r.createdAt, updatedAt: r.updatedAt,
  };
}

/** The rules in their order (first match wins), with their classes' event counts. */
export async function listClassRules(db: Db): Promise<ClassRuleView[]> {
  return (await loadRules(db)).map(toView);
}

export async function getClassRule(db: Db, id: number): Promise<ClassRuleView | null> {
  const row = await db.prisma.classRule.findUnique({ where: { id }, include: ruleInclude });
  return row ? toView(row) : null;
}

type RefIssue = { field: string; reason: string };

/** What the schema cannot check: the category is a known one, the owner a team, the assignee a person (every issue, not the first). */
async function referenceIssues(deps: RuleChangeDeps, input: ClassRuleInput, path = ''): Promise<RefIssue[]> {
  const issues: RefIssue[] = [];
  const kinds = new Map((await deps.db.prisma.owner.findMany({ select: { id: true, kind: true } })).map((o) => [o.id, o.kind]));
  if (input.category !== null && !deps.categories.categories.includes(input.category)) issues.push({ field: `${path}category`, reason: `"${input.category}" is not a category (${deps.categories.categories.join(', ')})` });
  if (input.ownerId !== null && kinds.get(input.ownerId) !== 'team') issues.push({ field: `${path}ownerId`, reason: `"${input.ownerId}" is not a team of the chain config` });
  if (input.assigneeId !== null && kinds.get(input.assigneeId) !== 'person') issues.push({ field: `${path}assigneeId`, reason: `"${input.assigneeId}" is not a person of the chain config` });
  if (input.assigneeId !== null && input.ownerId === null) issues.push({ field: `${path}assigneeId`, reason: 'an assignee needs an owning team (ownerId)' });
  return issues;
}

function throwIssues(issues: RefIssue[], prefix = ''): void {
  if (issues.length) throw new ValidationError(issues.map((i) => `${prefix}${i.field}: ${i.reason}`).join(prefix ? '\n' : '; '), issues);
}

async function checkReferences(deps: RuleChangeDeps, input: ClassRuleInput): Promise<void> {
  throwIssues(await referenceIssues(deps, input));
}

/** The class fields a rule sets (what it leaves out stays with the category and routing rules). */
function classData(input: ClassRuleInput) {
  return {
    name: input.name,
    template: input.match.kind === 'template' ? input.match.pattern : `/${input.match.pattern}/`,
    ...(input.category !== null ? { category: input.category, categoryRule: 'class-rule', categorySource: 'manual' } : { categorySource: 'auto' }),
    ...(input.ownerId !== null ? { ownerId: input.ownerId, assigneeId: input.assigneeId, ownerRule: 'class-rule', ownerSource: 'manual' } : { ownerSource: 'auto' }),
  };
}

function ruleData(input: ClassRuleInput) {
  const m = input.match;
  return { matchKind: m.kind, pattern: m.pattern, stage: m.stage, errorCode: m.errorCode, service: m.service, attrs: Object.keys(m.attrs).length ? m.attrs : Prisma.DbNull, trackerUrl: input.trackerUrl };
}

export function parseClassRule(value: unknown): ClassRuleInput {
  const parsed = classRuleSchema.safeParse(value);
  if (parsed.success) return parsed.data;
  const details = parsed.error.issues.map((i) => ({ field: i.path.join('.') || '(rule)', reason: i.message }));
  throw new ValidationError(details.map((d) => `${d.field}: ${d.reason}`).join('; '), details);
}

/** Renumbers the rules 0, 1, 2… in the given order (ids), in one transaction. */
async function renumber(db: Db, ids: readonly number[]): Promise<void> {
  await db.prisma.$transaction(ids.map((id, position) => db.prisma.classRule.update({ where: { id }, data: { position } })));
}

const record = (db: Db, classId: number, deps: RuleChangeDeps, value: object) =>
  db.prisma.classDecision.create({ data: { classId, kind: 'rule', value, actor: deps.actor, createdAt: deps.now ?? new Date() } });

/** Everything that changes rules runs under the classifier's lease, then re-classifies the history. */
async function changing<T>(deps: RuleChangeDeps, work: () => Promise<T>): Promise<{ value: T; change: RuleChangeResult }> {
  const ran = await withClassifier(deps.db, async () => {
    const value = await work();
    return { value, change: await applyRuleChange(deps) };
  });
  if (!ran) throw new ValidationError('classification is busy (another process held it for 10 minutes); try again later');
  return ran;
}

/** A new rule at `position` (default: last), its class, and the history re-classified. */
export async function createClassRule(deps: RuleChangeDeps, value: unknown, opts: { position?: number } = {}): Promise<{ rule: ClassRuleView; change: RuleChangeResult }> {
  const input = parseClassRule(value);
  await checkReferences(deps, input);
  const { value: id, change } = await changing(deps, async () => {
    const made = await deps.db.prisma.$transaction(async (tx) => {
      const cls = await tx.errorClass.create({ data: { key: `rule-new:${randomUUID()}`, ...classData(input) } });
      const rule = await tx.classRule.create({ data: { ...ruleData(input), position: 1_000_000, classId: cls.id, createdBy: deps.actor } });
      await tx.errorClass.update({ where: { id: cls.id }, data: { key: `rule:${rule.id}` } });
      return rule;
    });
    const order = (await loadRules(deps.db)).map((r) => r.id).filter((r) => r !== made.id);
    order.splice(Math.max(0, Math.min(order.length, opts.position ?? order.length)), 0, made.id);
    await renumber(deps.db, order);
    await record(deps.db, made.classId, deps, { action: 'create', rule: made.id, name: input.name, match: input.match });
    return made.id;
  });
  return { rule: (await getClassRule(deps.db, id))!, change };
}

async function existing(db: Db, id: number) {
  const row = await db.prisma.classRule.findUnique({ where: { id } });
  if (!row) throw new ValidationError(`class rule ${id} does not exist`);
  return row;
}

/** Edits a rule (its class keeps its id) and re-classifies the history. */
export async function updateClassRule(deps: RuleChangeDeps, id: number, value: unknown): Promise<{ rule: ClassRuleView; change: RuleChangeResult }> {
  const input = parseClassRule(value);
  await checkReferences(deps, input);
  const row = await existing(deps.db, id);
  const { change } = await changing(deps, async () => {
    await deps.db.prisma.$transaction([
      deps.db.prisma.classRule.update({ where: { id }, data: ruleData(input) }),
      deps.db.prisma.errorClass.update({ where: { id: row.classId }, data: classData(input) }),
    ]);
    await record(deps.db, row.classId, deps, { action: 'edit', rule: id, name: input.name, match: input.match });
  });
  return { rule: (await getClassRule(deps.db, id))!, change };
}

/** Moves a rule to `position` (0: first) and re-classifies the history. */
export async function moveClassRule(deps: RuleChangeDeps, id: number, position: number): Promise<{ rule: ClassRuleView; change: RuleChangeResult }> {
  const row = await existing(deps.db, id);
  const { change } = await changing(deps, async () => {
    const order = (await loadRules(deps.db)).map((r) => r.id).filter((r) => r !== id);
    const at = Math.max(0, Math.min(order.length, Math.trunc(position)));
    order.splice(at, 0, id);
    await renumber(deps.db, order);
    await record(deps.db, row.classId, deps, { action: 'move', rule: id, position: at });
  });
  return { rule: (await getClassRule(deps.db, id))!, change };
}

/** Deletes a rule: its events go back to the miner's classes; its class is retired (its history stays readable). */
export async function deleteClassRule(deps: RuleChangeDeps, id: number): Promise<{ change: RuleChangeResult }> {
  const row = await existing(deps.db, id);
  const { change } = await changing(deps, async () => {
    await deps.db.prisma.$transaction([
      deps.db.prisma.classRule.delete({ where: { id } }),
      deps.db.prisma.errorClass.update({ where: { id: row.classId }, data: { status: 'retired' } }),
    ]);
    await renumber(deps.db, (await loadRules(deps.db)).map((r) => r.id));
    await record(deps.db, row.classId, deps, { action: 'delete', rule: id });
  });
  return { change };
}

/** The rules as a file for config-as-code (`npm run rules:export`). */
export async function exportClassRules(db: Db): Promise<ClassRulesFile> {
  const rules = (await listClassRules(db)).map(({ name, match, category, ownerId, assigneeId, trackerUrl }) => ({ name, match, category, ownerId, assigneeId, trackerUrl }));
  return { version: 1, rules };
}

/** Parses a rules file; errors name the file, the rule (its index and name) and the field. */
export function parseClassRulesFile(value: unknown, source: string): ClassRulesFile {
  const parsed = classRulesFileSchema.safeParse(value);
  if (parsed.success) return parsed.data;
  const rules = (value as { rules?: { name?: unknown }[] } | null)?.rules;
  const lines = parsed.error.issues.map((i) => {
    const [top, index] = i.path;
    const name = top === 'rules' && typeof index === 'number' && typeof rules?.[index]?.name === 'string' ? ` ("${rules[index]!.name as string}")` : '';
    return `${source}: ${i.path.join('.') || '(file)'}${name}: ${i.message}`;
  });
  throw new ValidationError(lines.join('\n'));
}

/**
 * Makes the stored rules those of the file, in its order (`npm run rules:import`): a rule whose
 * name is already a rule's is updated in place (its class keeps its id), new names are created,
 * rules not in the file are deleted. One re-classification of the history at the end.
 */
export async function importClassRules(deps: RuleChangeDeps, value: unknown, source: string): Promise<{ created: number; updated: number; deleted: number; change: RuleChangeResult }> {
  const file = parseClassRulesFile(value, source);
  const names = new Set<string>();
  const issues: RefIssue[] = [];
  for (const [i, rule] of file.rules.entries()) {
    if (names.has(rule.name)) issues.push({ field: `rules.${i}.name`, reason: `"${rule.name}" is the name of an earlier rule; names must differ` });
    names.add(rule.name);
    issues.push(...(await referenceIssues(deps, rule, `rules.${i} ("${rule.name}").`)));
  }
  throwIssues(issues, `${source}: `);
  const counts = { created: 0, updated: 0, deleted: 0 };
  const { change } = await changing(deps, async () => {
    const stored = new Map((await loadRules(deps.db)).map((r) => [r.errorClass.name ?? '', r]));
    const order: number[] = [];
    for (const input of file.rules) {
      const found = stored.get(input.name);
      if (found) {
        stored.delete(input.name);
        await deps.db.prisma.classRule.update({ where: { id: found.id }, data: ruleData(input) });
        await deps.db.prisma.errorClass.update({ where: { id: found.classId }, data: classData(input) });
        await record(deps.db, found.classId, deps, { action: 'import', rule: found.id, source });
        order.push(found.id);
        counts.updated += 1;
      } else {
        const cls = await deps.db.prisma.errorClass.create({ data: { key: `rule-new:${randomUUID()}`, ...classData(input) } });
        const rule = await deps.db.prisma.classRule.create({ data: { ...ruleData(input), position: 1_000_000, classId: cls.id, createdBy: deps.actor } });
        await deps.db.prisma.errorClass.update({ where: { id: cls.id }, data: { key: `rule:${rule.id}` } });
        await record(deps.db, cls.id, deps, { action: 'import', rule: rule.id, source });
        order.push(rule.id);
        counts.created += 1;
      }
    }
    for (const gone of stored.values()) {
      await deps.db.prisma.classRule.delete({ where: { id: gone.id } });
      await deps.db.prisma.errorClass.update({ where: { id: gone.classId }, data: { status: 'retired' } });
      await record(deps.db, gone.classId, deps, { action: 'delete', rule: gone.id, source });
      counts.deleted += 1;
    }
    await renumber(deps.db, order);
  });
  return { ...counts, change };
}
