import type { z } from 'zod';
import type { Db } from '../db';
import type { Settings } from '../env';
import { getKpis } from '../metrics/kpis';
import { getStagesView, resolveRange } from '../metrics/stages';
import { listRankedWeeks } from '../rank/snapshots';
import { addDays, dayInZone } from '../time/day';
import { weekJustEnding } from '../time/iso-week';
import { readEntryFigures } from '../triage/entry-detail';
import {
  paged, skipTake, type classesQuerySchema, type kpisQuerySchema, type rolloutsQuerySchema, type stagesQuerySchema,
  type violationsQuerySchema,
} from './params';

/** The data of the /api/v1 endpoints, read from rollups and rankings (lib/http/openapi.ts describes each answer). */
type Ctx = { db: Db; timeZone: string; now?: Date };
const iso = (d: Date | null) => (d ? d.toISOString() : null);
const round = (n: number) => Number(n.toFixed(6));

export async function getApiStages({ db, timeZone, now }: Ctx, q: z.infer<typeof stagesQuerySchema>) {
  const range = resolveRange(q, timeZone, now);
  const stages = await getStagesView(db, range, q.grain);
  return { from: range.from, to: range.to, grain: q.grain, data: stages };
}

export async function getApiKpis({ db }: Ctx, targets: Settings['targets'], q: z.infer<typeof kpisQuerySchema>) {
  const k = await getKpis(db, targets, { throughWeek: q.throughWeek });
  return { data: k.weeks, targets: k.targets, openClasses: k.openClasses, openViolations: k.openViolations };
}

/**
 * The error classes of one ranked week in rank order, with the week's figures. Without `week`:
 * the week the digest reports (or the newest ranked before it). A week never ranked: no rows.
 */
export async function listApiClasses({ db, timeZone, now }: Ctx, q: z.infer<typeof classesQuerySchema>) {
  const weeks = await listRankedWeeks(db);
  const current = weekJustEnding((now ?? new Date()).getTime(), timeZone);
  const week = q.week ?? weeks.find((w) => w <= current) ?? weeks[0] ?? null;
  const snapshot = week ? await db.prisma.rankingSnapshot.findUnique({ where: { week }, select: { id: true } }) : null;
  if (!snapshot) return { week, weeks, ...paged([], q, 0) };
  const where = { snapshotId: snapshot.id };
  const [total, entries] = await Promise.all([
    db.prisma.rankingEntry.count({ where }),
    db.prisma.rankingEntry.findMany({
      where, orderBy: [{ rank: 'asc' }, { classId: 'asc' }], ...skipTake(q), include: { errorClass: true },
    }),
  ]);
  const data = entries.map((e) => {
    const { upliftOf, impact, toil } = readEntryFigures(e.detail);
    const c = e.errorClass;
    return {
      id: c.id, rank: e.rank, title: c.name ?? c.template, template: c.template, category: c.category, stage: c.dominantStage,
      ownerId: c.ownerId, assigneeId: c.assigneeId, status: c.status, badge: e.badge, in80: e.in80,
      failures: e.failures, previousFailures: e.prevFailures, failedRollouts: e.failedRollouts, services: e.services, hosts: e.hosts,
      uplift: round(e.uplift), upliftRollouts: e.upliftRollouts, upliftOf,
      expectedGain: impact ? { value: round(impact.expectedGain), low: round(impact.low), high: round(impact.high) } : null,
      toil: toil ? { attemptsLost: toil.attemptsLost, timeLostMs: toil.timeLostMs, manualRetries: toil.manual } : null,
      firstSeen: iso(e.firstSeen), lastSeen: iso(e.lastSeen),
    };
  });
  return { week, weeks, ...paged(data, q, total) };
}

/** Rollouts started in a day range (default: the last 7 days), newest day first, then by id. */
export async function listApiRollouts({ db, timeZone, now }: Ctx, q: z.infer<typeof rolloutsQuerySchema>) {
  const today = dayInZone((now ?? new Date()).getTime(), timeZone);
  const to = q.to ?? (q.from && q.from > today ? q.from : today);
  const from = q.from ?? addDays(to, -6);
  const where = {
    day: { gte: from, lte: to }, ...(q.outcome ? { outcome: q.outcome } : {}), ...(q.service ? { service: q.service } : {}),
  };
  const [total, rows] = await Promise.all([
    db.prisma.rollout.count({ where }),
    db.prisma.rollout.findMany({ where, orderBy: [{ day: 'desc' }, { id: 'asc' }], ...skipTake(q) }),
  ]);
  const data = rows.map((r) => ({
    id: r.id, service: r.service, env: r.env, day: r.day, outcome: r.outcome,
    startedAt: r.startedAt.toISOString(), finishedAt: iso(r.finishedAt),
    stageRuns: r.stageRuns, failedRuns: r.failedRuns, manualRetries: r.manualCount, steps: r.steps,
  }));
  return { from, to, ...paged(data, q, total) };
}

const RULE_FIELDS = { title: true, severity: true, mode: true, ownerId: true } as const;

/** Admission violations, by id (stable while new ones are added at the end). */
export async function listApiViolations({ db }: Ctx, q: z.infer<typeof violationsQuerySchema>) {
  const where = { ...(q.status ? { status: q.status } : {}), ...(q.rule ? { ruleId: q.rule } : {}) };
  const [total, rows] = await Promise.all([
    db.prisma.admissionViolation.count({ where }),
    db.prisma.admissionViolation.findMany({ where, orderBy: { id: 'asc' }, ...skipTake(q), include: { rule: { select: RULE_FIELDS } } }),
  ]);
  const data = rows.map((v) => ({
    id: v.id, ruleId: v.ruleId, rule: v.rule.title, severity: v.rule.severity, mode: v.rule.mode, ownerId: v.rule.ownerId,
    subjectType: v.subjectType, subjectId: v.subjectId, status: v.status, count: v.count,
    firstSeen: v.firstSeen.toISOString(), lastSeen: v.lastSeen.toISOString(),
    resolvedAt: iso(v.resolvedAt), acknowledgedAt: iso(v.acknowledgedAt),
  }));
  return paged(data, q, total);
}
