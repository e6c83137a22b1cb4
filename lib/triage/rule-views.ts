import { listClassRules, getClassRule, type ClassRuleView } from '../classify/class-rule-store';
import type { RuleMatch } from '../classify/class-rules';
import type { Db } from '../db';

/**
 * What the class-rule pages show: the rules with their classes' category and owner as they stand,
 * the form's starting values (a rule being edited, or a class being split) and the form's choices.
 */
export type RuleRow = ClassRuleView & { classCategory: string; ownerName: string | null; assigneeName: string | null };

/** The rules in their order, each with its class's current category and owner (set by the rule or by the rules files). */
export async function listRuleRows(db: Db): Promise<RuleRow[]> {
  const rules = await listClassRules(db);
  const classes = await db.prisma.errorClass.findMany({
    where: { id: { in: rules.map((r) => r.classId) } },
    select: { id: true, category: true, owner: { select: { name: true } }, assignee: { select: { name: true } } },
  });
  const byId = new Map(classes.map((c) => [c.id, c]));
  return rules.map((r) => {
    const c = byId.get(r.classId);
    return { ...r, classCategory: c?.category ?? 'unknown', ownerName: c?.owner?.name ?? null, assigneeName: c?.assignee?.name ?? null };
  });
}

/** The form's values: a stored rule's, or a new rule's (from a class when splitting it). */
export type RuleDraft = {
  id: number | null;
  name: string;
  match: RuleMatch;
  category: string | null;
  ownerId: string | null;
  assigneeId: string | null;
  trackerUrl: string | null;
  /** The class a new rule is split from. */
  fromClass: { id: number; title: string; events: number } | null;
};

const EMPTY_MATCH: RuleMatch = { kind: 'template', pattern: '', stage: null, errorCode: null, service: null, attrs: {} };

export function emptyRuleDraft(): RuleDraft {
  return { id: null, name: '', match: EMPTY_MATCH, category: null, ownerId: null, assigneeId: null, trackerUrl: null, fromClass: null };
}

export async function getRuleDraft(db: Db, id: number): Promise<RuleDraft | null> {
  const rule = await getClassRule(db, id);
  if (!rule) return null;
  const { name, match, category, ownerId, assigneeId, trackerUrl } = rule;
  return { id, name, match, category, ownerId, assigneeId, trackerUrl, fromClass: null };
}

/**
 * "Split this class": a new rule starting from the class's template (as a template pattern) and its
 * dominant stage — or, for a class a rule defined, from that rule's match. Null when the class does not exist.
 */
export async function ruleDraftFromClass(db: Db, classId: number): Promise<RuleDraft | null> {
  const c = await db.prisma.errorClass.findUnique({ where: { id: classId }, include: { rule: true } });
  if (!c) return null;
  const fromClass = { id: c.id, title: c.name ?? c.template, events: c.eventCount };
  if (c.rule) {
    const ruled = (await getRuleDraft(db, c.rule.id))!;
    return { ...emptyRuleDraft(), match: ruled.match, fromClass };
  }
  return { ...emptyRuleDraft(), match: { ...EMPTY_MATCH, pattern: c.template, stage: c.dominantStage }, fromClass };
}

export type Option = { value: string; label: string };
export type RuleFormOptions = { stages: Option[]; categories: string[]; teams: Option[]; people: Option[]; rules: number };

/** The form's choices: the chain's stages in order, the categories, teams and people of the chain config. */
export async function getRuleFormOptions(db: Db, categories: readonly string[]): Promise<RuleFormOptions> {
  const [stages, owners, rules] = await Promise.all([
    db.prisma.stage.findMany({ orderBy: { position: 'asc' }, select: { key: true, name: true } }),
    db.prisma.owner.findMany({ orderBy: { name: 'asc' }, select: { id: true, name: true, kind: true } }),
    db.prisma.classRule.count(),
  ]);
  const of = (kind: string) => owners.filter((o) => o.kind === kind).map((o) => ({ value: o.id, label: o.name }));
  return { stages: stages.map((s) => ({ value: s.key, label: s.name })), categories: [...categories], teams: of('team'), people: of('person'), rules };
}
