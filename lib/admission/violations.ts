import type { Db } from '../db';
import { ValidationError } from '../errors';
import { execute, inTransaction, queryRows } from '../sql';
import { dayInZone } from '../time/day';
import { isoWeekOfDay } from '../time/iso-week';
import type { AdmissionRuleConfig } from './config';
import type { Finding } from './kind';

export type Outcome = 'opened' | 'updated' | 'reopened' | 'resolved';
export type RecordOptions = { now: Date; timeZone: string; throughRunId?: number; perDay?: boolean };
const DAY_MS = 86_400_000;

/**
 * Keeps one violation per (rule, subject): a new breach opens one, the same breach seen again
 * updates it (first and last seen, count, evidence), a resolved one breached again within the
 * rule's window is reopened. A breach older than the window (history ingested late) is recorded
 * as already resolved. Each sighting is counted in the ISO week of each day the breach happened
 * on (`days`, default the day of `at`) — never the week of the check — and the rollouts involved
 * are linked for the outcome report. `throughRunId`, for findings of the pass after ingestion, is
 * the end of the StageRun range they come from: a range replayed after a crash (before its cursor
 * was saved) updates the violation but does not count it again. With `perDay` (window rules, whose
 * weeks are judged whole), a week's `checks` are its breach days and the count their sum.
 */
export async function recordFinding(db: Db, rule: AdmissionRuleConfig, f: Finding, opts: RecordOptions): Promise<{ outcome: Outcome; id: number; weeks: string[] }> {
  const { now, timeZone, throughRunId } = opts;
  const at = f.at ?? now;
  const since = f.since ?? at;
  const recent = at.getTime() >= now.getTime() - rule.windowDays * DAY_MS;
  const key = { ruleId_subjectType_subjectId: { ruleId: rule.id, subjectType: f.subjectType, subjectId: f.subjectId } };
  const evidence = f.evidence as object;
  const existing = await db.prisma.admissionViolation.findUnique({ where: key });
  let outcome: Outcome;
  let id: number;
  let counted = true;
  if (!existing) {
    const status = recent ? { status: 'open' } : { status: 'resolved', resolvedAt: now };
    id = (await db.prisma.admissionViolation.create({ data: { ruleId: rule.id, subjectType: f.subjectType, subjectId: f.subjectId, firstSeen: since, lastSeen: at, evidence, countedThrough: throughRunId ?? null, ...status } })).id;
    outcome = recent ? 'opened' : 'resolved';
  } else {
    const reopen = existing.status === 'resolved' && recent && at >= existing.lastSeen;
    const lastSeen = at > existing.lastSeen ? at : existing.lastSeen;
    const firstSeen = since < existing.firstSeen ? since : existing.firstSeen;
    counted = throughRunId === undefined || existing.countedThrough === null || existing.countedThrough < throughRunId;
    const count = counted ? { count: { increment: 1 }, ...(throughRunId !== undefined ? { countedThrough: throughRunId } : {}) } : {};
    await db.prisma.admissionViolation.update({
      where: { id: existing.id },
      // The evidence is the latest breach's: a late-seen older one (or a replayed range) keeps it.
      data: {
        firstSeen, lastSeen, ...count, ...(at >= existing.lastSeen ? { evidence } : {}),
        ...(reopen ? { status: 'open', resolvedAt: null, acknowledgedBy: null, acknowledgedAt: null } : {}),
      },
    });
    id = existing.id;
    outcome = reopen ? 'reopened' : 'updated';
  }
  const weeks = breachWeeks(f, at, timeZone);
  for (const week of weeks) {
    const days = opts.perDay ? (f.days ?? []).filter((d) => isoWeekOfDay(d) === week).length : 0;
    const checks = opts.perDay ? { checks: days } : counted ? { checks: { increment: 1 } } : {};
    await db.prisma.admissionViolationWeek.upsert({
      where: { violationId_week: { violationId: id, week } },
      create: { violationId: id, week, ...(opts.perDay ? { checks: days } : {}) },
      update: checks,
    });
  }
  if (opts.perDay) {
    const sum = await db.prisma.admissionViolationWeek.aggregate({ where: { violationId: id }, _sum: { checks: true } });
    await db.prisma.admissionViolation.update({ where: { id }, data: { count: sum._sum.checks ?? 0 } });
  }
  if (f.rollouts?.length) await linkRollouts(db, id, rule.id, [...new Set(f.rollouts)]);
  return { outcome, id, weeks };
}

/** Rollouts linked per statement: far below either database's limit on bound parameters. */
const LINK_CHUNK = 500;

/**
 * Links the stored rollouts among `rollouts` to violation `id`, each with the rule and the rollout's
 * day and outcome as stored now (the outcome report counts from the links alone). Under the store
 * lock: a store transaction refreshing one of these rollouts commits either before (its new state is
 * read here) or after (it updates the link, lib/ingest/store.ts). A link made before keeps its values.
 */
async function linkRollouts(db: Db, id: number, ruleId: string, rollouts: readonly string[]): Promise<void> {
  await inTransaction(db, async (tx) => {
    for (let i = 0; i < rollouts.length; i += LINK_CHUNK) {
      const chunk = rollouts.slice(i, i + LINK_CHUNK);
      const at = (n: number) => (db.kind === 'sqlite' ? '?' : `$${n}`);
      const ids = chunk.map((_, k) => at(k + 3)).join(',');
      await execute(tx, `INSERT INTO "AdmissionViolationRollout" ("violationId","rolloutId","ruleId","day","outcome")
        SELECT ${db.kind === 'sqlite' ? '?' : '$1::integer'}, r."id", ${at(2)}, r."day", r."outcome" FROM "Rollout" r WHERE r."id" IN (${ids})
        ON CONFLICT DO NOTHING`, [id, ruleId, ...chunk]);
    }
  }, { serialize: true });
}

/** The ISO weeks of the days a finding's breach happened on. */
export function breachWeeks(f: Pick<Finding, 'days'>, at: Date, timeZone: string): string[] {
  return [...new Set((f.days?.length ? f.days : [dayInZone(at.getTime(), timeZone)]).map(isoWeekOfDay))].sort();
}

/**
 * Makes a rule's history of whole weeks judged again equal that judgement: the violations not
 * breaking it in such a week (the data changed since, e.g. history ingested late) leave that week,
 * and their count (breach days) follows.
 */
export async function keepOnlyInWeeks(db: Db, ruleId: string, found: Map<string, number[]>): Promise<void> {
  for (const [week, ids] of found) {
    const where = { week, violation: { ruleId }, violationId: { notIn: ids } };
    const gone = await db.prisma.admissionViolationWeek.findMany({ where, select: { violationId: true } });
    if (gone.length === 0) continue;
    await db.prisma.admissionViolationWeek.deleteMany({ where });
    for (const { violationId } of gone) {
      const sum = await db.prisma.admissionViolationWeek.aggregate({ where: { violationId }, _sum: { checks: true } });
      await db.prisma.admissionViolation.update({ where: { id: violationId }, data: { count: sum._sum.checks ?? 0 } });
    }
  }
}

/**
 * Acknowledges an open violation (someone owns the fix; it stays visible and still resolves by
 * itself), or takes the acknowledgement back. A new breach after it resolved opens it again.
 */
export async function acknowledgeViolation(db: Db, opts: { id: number; acknowledged: boolean; actor: string; now?: Date }): Promise<void> {
  const v = await db.prisma.admissionViolation.findUnique({ where: { id: opts.id } });
  if (!v) throw new ValidationError(`violation ${opts.id} does not exist`);
  if (v.status === 'resolved') throw new ValidationError(`violation ${opts.id} is resolved: there is nothing to acknowledge`);
  const data = opts.acknowledged ? { status: 'acknowledged', acknowledgedBy: opts.actor, acknowledgedAt: opts.now ?? new Date() } : { status: 'open', acknowledgedBy: null, acknowledgedAt: null };
  await db.prisma.admissionViolation.update({ where: { id: opts.id }, data });
}

/** Resolves a rule's open and acknowledged violations not seen for its window; returns how many. */
export async function resolveStale(db: Db, rule: AdmissionRuleConfig, now: Date): Promise<number> {
  const stale = new Date(now.getTime() - rule.windowDays * DAY_MS);
  const r = await db.prisma.admissionViolation.updateMany({ where: { ruleId: rule.id, status: { in: ['open', 'acknowledged'] }, lastSeen: { lt: stale } }, data: { status: 'resolved', resolvedAt: now } });
  return r.count;
}

/** Violations per rule and per owner per ISO week, from the recorded sightings (newest week first); optionally of some weeks or one rule. */
export async function getViolationHistory(db: Db, opts: { weeks?: string[]; ruleId?: string } = {}): Promise<{ week: string; ruleId: string; ownerId: string | null; violations: number }[]> {
  if (opts.weeks?.length === 0) return [];
  // Counted by the database (a violation has one row per week): the page shows the counts, not the rows.
  const args: unknown[] = [];
  const bind = (value: unknown) => (args.push(value), db.kind === 'sqlite' ? '?' : `$${args.length}`);
  const where = [
    ...(opts.weeks ? [`w."week" IN (${opts.weeks.map(bind).join(',')})`] : []),
    ...(opts.ruleId ? [`v."ruleId" = ${bind(opts.ruleId)}`] : []),
  ];
  const sql = `SELECT w."week" AS "week", v."ruleId" AS "ruleId", r."ownerId" AS "ownerId", COUNT(*) AS "violations"
    FROM "AdmissionViolationWeek" w JOIN "AdmissionViolation" v ON v."id" = w."violationId" JOIN "AdmissionRule" r ON r."id" = v."ruleId"
    ${where.length ? `WHERE ${where.join(' AND ')}` : ''} GROUP BY w."week", v."ruleId", r."ownerId"`;
  const rows = await queryRows<{ week: string; ruleId: string; ownerId: string | null; violations: number | string }>(await db.bulk(), sql, args);
  return rows
    .map((r) => ({ week: r.week, ruleId: r.ruleId, ownerId: r.ownerId, violations: Number(r.violations) }))
    .sort((a, b) => b.week.localeCompare(a.week) || a.ruleId.localeCompare(b.ruleId));
}
