import type { Db } from '../db';
import { weekOfInstant } from '../time/iso-week';
import { AdmissionConfigError, type AdmissionRuleConfig } from './config';
import type { Finding } from './kind';
import { RULE_KINDS } from './kinds';

export type CheckResult = { rules: number; findings: number; opened: number; updated: number; reopened: number; resolved: number };

const DAY_MS = 86_400_000;

/** Loads the rules into the database: upserted by id; rules no longer in the file become inactive. */
async function syncRules(db: Db, rules: AdmissionRuleConfig[]): Promise<void> {
  const teams = new Set((await db.prisma.owner.findMany({ select: { id: true } })).map((o) => o.id));
  rules.forEach((r, i) => {
    if (!teams.has(r.owner)) throw new AdmissionConfigError(`admission rules.${i}.owner: "${r.owner}" is not an owner of the chain config`);
  });
  for (const r of rules) {
    const data = { title: r.title, description: r.description, kind: r.kind, severity: r.severity, mode: r.mode, scope: r.scope, config: r.config as object, ownerId: r.owner, active: true };
    await db.prisma.admissionRule.upsert({ where: { id: r.id }, create: { id: r.id, ...data }, update: data });
  }
  await db.prisma.admissionRule.updateMany({ where: { id: { notIn: rules.map((r) => r.id) } }, data: { active: false } });
}

/**
 * Evaluates every rule now and keeps one violation per (rule, subject): a new breach opens one, the
 * same breach seen again updates it (last seen, count, evidence), a resolved one seen again is
 * reopened, and an open one not seen for the rule's window is resolved. Each sighting is also
 * counted in its ISO week, for the weekly history.
 */
export async function runAdmissionCheck(deps: { db: Db; rules: AdmissionRuleConfig[]; now?: Date; timeZone: string }): Promise<CheckResult> {
  const now = deps.now ?? new Date();
  const week = weekOfInstant(now.getTime(), deps.timeZone);
  await syncRules(deps.db, deps.rules);
  const result: CheckResult = { rules: deps.rules.length, findings: 0, opened: 0, updated: 0, reopened: 0, resolved: 0 };
  for (const rule of deps.rules) {
    const findings = await RULE_KINDS[rule.kind]!.evaluate({ db: deps.db, now, timeZone: deps.timeZone }, rule.config);
    result.findings += findings.length;
    for (const f of findings) result[await record(deps.db, rule.id, f, now, week)] += 1;
    const stale = new Date(now.getTime() - rule.windowDays * DAY_MS);
    const resolved = await deps.db.prisma.admissionViolation.updateMany({ where: { ruleId: rule.id, status: { in: ['open', 'acknowledged'] }, lastSeen: { lt: stale } }, data: { status: 'resolved', resolvedAt: now } });
    result.resolved += resolved.count;
  }
  return result;
}

async function record(db: Db, ruleId: string, f: Finding, now: Date, week: string): Promise<'opened' | 'updated' | 'reopened'> {
  const key = { ruleId_subjectType_subjectId: { ruleId, subjectType: f.subjectType, subjectId: f.subjectId } };
  const evidence = f.evidence as object;
  const existing = await db.prisma.admissionViolation.findUnique({ where: key });
  let outcome: 'opened' | 'updated' | 'reopened';
  let id: number;
  if (!existing) {
    id = (await db.prisma.admissionViolation.create({ data: { ruleId, subjectType: f.subjectType, subjectId: f.subjectId, firstSeen: now, lastSeen: now, evidence } })).id;
    outcome = 'opened';
  } else {
    const reopen = existing.status === 'resolved';
    await db.prisma.admissionViolation.update({ where: { id: existing.id }, data: { lastSeen: now, count: { increment: 1 }, evidence, ...(reopen ? { status: 'open', resolvedAt: null } : {}) } });
    id = existing.id;
    outcome = reopen ? 'reopened' : 'updated';
  }
  await db.prisma.admissionViolationWeek.upsert({ where: { violationId_week: { violationId: id, week } }, create: { violationId: id, week }, update: { checks: { increment: 1 } } });
  return outcome;
}

/** Violations per rule and per owner per ISO week, from the recorded sightings (newest week first). */
export async function getViolationHistory(db: Db): Promise<{ week: string; ruleId: string; ownerId: string | null; violations: number }[]> {
  const rows = await db.prisma.admissionViolationWeek.findMany({ include: { violation: { include: { rule: { select: { id: true, ownerId: true } } } } } });
  const counts = new Map<string, { week: string; ruleId: string; ownerId: string | null; violations: number }>();
  for (const r of rows) {
    const k = `${r.week}\u0000${r.violation.ruleId}`;
    const c = counts.get(k) ?? { week: r.week, ruleId: r.violation.ruleId, ownerId: r.violation.rule.ownerId, violations: 0 };
    c.violations += 1;
    counts.set(k, c);
  }
  return [...counts.values()].sort((a, b) => b.week.localeCompare(a.week) || a.ruleId.localeCompare(b.ruleId));
}
