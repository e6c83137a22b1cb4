import type { Db } from '../db';

/** The admission rules and their violations as stored (the rules engine fills these tables). */
export async function getAdmissionOverview(db: Db) {
  const [rules, violations] = await Promise.all([
    db.prisma.admissionRule.findMany({ orderBy: { id: 'asc' }, include: { owner: { select: { name: true } }, _count: { select: { violations: { where: { status: 'open' } } } } } }),
    db.prisma.admissionViolation.findMany({ orderBy: { lastSeen: 'desc' }, take: 200, include: { rule: { select: { title: true, severity: true } } } }),
  ]);
  return {
    rules: rules.map((r) => ({ id: r.id, title: r.title, severity: r.severity, mode: r.mode, scope: r.scope, owner: r.owner?.name ?? null, open: r._count.violations })),
    violations: violations.map((v) => ({ id: v.id, ruleId: v.ruleId, rule: v.rule.title, severity: v.rule.severity, subject: `${v.subjectType} ${v.subjectId}`, status: v.status, firstSeen: v.firstSeen, lastSeen: v.lastSeen, count: v.count })),
  };
}

/** One rule with all its violations and their evidence, for the rule's page. */
export async function getAdmissionRule(db: Db, id: string) {
  return db.prisma.admissionRule.findUnique({ where: { id }, include: { owner: { select: { name: true } }, violations: { orderBy: { lastSeen: 'desc' } } } });
}
