import { getClassBreakdown, type Breakdown } from '../classify/class-breakdown';
import { matchOf, type RuleMatch } from '../classify/class-rules';
import { WILDCARD } from '../classify/tokenize';
import type { Db } from '../db';
import { addDays, daysBetween } from '../time/day';
import { describeRuleDecision } from './rule-text';
import { explainByTemplate, type Segment } from './why';

/** Everything the class page shows: template with its parameters, samples, timeline, breakdown, owner and history. */
export type ClassDetail = {
  id: number;
  key: string;
  title: string;
  template: Segment[];
  /** For a class a person defined: its rule (null for the miner's classes and for a retired rule class). */
  rule: { id: number; position: number; match: RuleMatch; trackerUrl: string | null } | null;
  category: string;
  categoryRule: string | null;
  categorySource: string;
  owner: { id: string; name: string } | null;
  assignee: { id: string; name: string } | null;
  ownerRule: string | null;
  ownerSource: string;
  status: string;
  mergedIntoId: number | null;
  mergedFrom: { id: number; title: string }[];
  firstSeen: Date | null;
  lastSeen: Date | null;
  eventCount: number;
  /** All time: distinct rollouts with an event of the class that ended failed. */
  failedRollouts: number;
  samples: Sample[];
  timeline: { day: string; failures: number }[];
  breakdown: Breakdown;
  history: { id: number; kind: string; actor: string; createdAt: Date; text: string }[];
};

/** Why an event is in its class: the rule that put it there, or the class template with this event's values. */
export type Why = { kind: 'rule'; ruleId: number; name: string } | { kind: 'template'; segments: Segment[] };
export type Sample = {
  id: number; occurredAt: Date; rolloutId: string; service: string; stageKey: string; host: string | null; attempt: number; message: string; code: string | null;
  why: Why;
};

const SAMPLES = 20;
const TIMELINE_DAYS = 30;

/** The template split into constant text and parameter slots, for highlighting. */
export function templateSegments(template: string): Segment[] {
  return template.split(' ').map((token, i, all) => ({ text: token + (i < all.length - 1 ? ' ' : ''), param: token.includes(WILDCARD) }));
}

function describeDecision(kind: string, value: unknown): string {
  const v = (value ?? {}) as Record<string, unknown>;
  switch (kind) {
    case 'status':
      return v.reason === 'regressed' ? `reopened: seen again ${String(v.seenAt ?? '')} after its resolution` : `status → ${String(v.status)}`;
    case 'owner':
      if (v.self === true) return `took it: assignee ${String(v.assigneeId)}${v.ownerId ? `, team ${String(v.ownerId)}` : ''}`;
      return v.ownerId === null ? 'owner handed back to the routing rules' : `owner → ${String(v.ownerId)}${v.assigneeId ? `, assignee ${String(v.assigneeId)}` : ''}`;
    case 'category':
      return v.category === null ? 'category handed back to the rules' : `category → ${String(v.category)}`;
    case 'rename':
      return v.name ? `renamed to “${String(v.name)}”` : 'name cleared';
    case 'merge':
      return v.into !== undefined ? `merged into class ${String(v.into)}${v.by === 'template' ? ' (templates widened)' : ''}` : `absorbed classes ${(v.from as number[] | undefined)?.join(', ') ?? ''}`;
    case 'note':
      return String(v.text ?? '');
    case 'rule':
      return describeRuleDecision(value);
    case 'tracker':
      return typeof v.trackerUrl === 'string' ? `tracker issue → ${v.trackerUrl}` : 'tracker issue link removed';
    default:
      return JSON.stringify(value);
  }
}

const sampleSelect = {
  id: true, occurredAt: true, rolloutId: true, service: true, stageKey: true, host: true, attempt: true, message: true, code: true, ruleId: true,
} as const;

/** Each sample's "why": rule ids are joined to their rules' names (a class rule's name is its class's). */
async function explainSamples(db: Db, template: string, rows: (Omit<Sample, 'why'> & { ruleId: number | null })[]): Promise<Sample[]> {
  const ruleIds = [...new Set(rows.flatMap((r) => (r.ruleId === null ? [] : [r.ruleId])))];
  const rules = await db.prisma.classRule.findMany({
    where: { id: { in: ruleIds } },
    select: { id: true, errorClass: { select: { name: true, template: true } } },
  });
  const names = new Map(rules.map((r) => [r.id, r.errorClass.name ?? r.errorClass.template]));
  return rows.map(({ ruleId, ...e }) => ({
    ...e,
    why: ruleId !== null
      ? { kind: 'rule', ruleId, name: names.get(ruleId) ?? `rule ${ruleId}` }
      : { kind: 'template', segments: explainByTemplate(template, e.message) },
  }));
}

/**
 * Rollouts that failed with an event of the class, all time: one COUNT(DISTINCT) over the range of
 * the class's events of failed rollouts in the (errorClassId, rolloutFailed, rolloutId) index alone,
 * no join to Rollout (ingestion keeps rolloutFailed equal to the rollout's outcome being failed).
 */
async function countFailedRollouts(db: Db, classId: number): Promise<number> {
  const [row] = await db.prisma.$queryRaw<{ n: bigint | number }[]>`
    SELECT COUNT(DISTINCT "rolloutId") AS n FROM "ErrorEvent" WHERE "errorClassId" = ${classId} AND "rolloutFailed" = true`;
  return Number(row?.n ?? 0);
}

export async function getClassDetail(db: Db, id: number, now = new Date()): Promise<ClassDetail | null> {
  const c = await db.prisma.errorClass.findUnique({ where: { id }, include: { owner: true, assignee: true, rule: true, mergedFrom: { select: { id: true, name: true, template: true } } } });
  if (!c) return null;
  const to = now.toISOString().slice(0, 10);
  const from = addDays(to, -(TIMELINE_DAYS - 1));
  const [rows, perDay, breakdown, failedRollouts, decisions] = await Promise.all([
    db.prisma.errorEvent.findMany({ where: { errorClassId: id }, orderBy: [{ occurredAt: 'desc' }, { id: 'desc' }], take: SAMPLES, select: sampleSelect }),
    // From the per-class-per-day rollup (lib/classify/class-days.ts): a row per day, not the events.
    db.prisma.errorClassDay.findMany({ where: { errorClassId: id, day: { gte: from, lte: to } }, select: { day: true, events: true } }),
    getClassBreakdown(db, id),
    countFailedRollouts(db, id),
    db.prisma.classDecision.findMany({ where: { classId: id }, orderBy: [{ createdAt: 'desc' }, { id: 'desc' }] }),
  ]);
  const counts = new Map(perDay.map((d) => [d.day, d.events]));
  const rule = c.rule ? { id: c.rule.id, position: c.rule.position, match: matchOf(c.rule), trackerUrl: c.rule.trackerUrl } : null;
  return {
    id: c.id, key: c.key, title: c.name ?? c.template, template: templateSegments(c.template), rule, category: c.category, categoryRule: c.categoryRule, categorySource: c.categorySource,
    owner: c.owner ? { id: c.owner.id, name: c.owner.name } : null, assignee: c.assignee ? { id: c.assignee.id, name: c.assignee.name } : null,
    ownerRule: c.ownerRule, ownerSource: c.ownerSource, status: c.status, mergedIntoId: c.mergedIntoId,
    mergedFrom: c.mergedFrom.map((m) => ({ id: m.id, title: m.name ?? m.template })), firstSeen: c.firstSeen, lastSeen: c.lastSeen, eventCount: c.eventCount, failedRollouts,
    samples: await explainSamples(db, c.template, rows), timeline: daysBetween(from, to).map((day) => ({ day, failures: counts.get(day) ?? 0 })), breakdown,
    history: decisions.map((d) => ({ id: d.id, kind: d.kind, actor: d.actor, createdAt: d.createdAt, text: describeDecision(d.kind, d.value) })),
  };
}
