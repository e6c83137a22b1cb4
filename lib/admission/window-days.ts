import { createHash } from 'node:crypto';
import type { Db } from '../db';
import { queryRows } from '../sql';
import { addDays, dayInZone, dayNumber, dayOfNumber, daysBetween } from '../time/day';
import { isoWeekOfDay, previousWeek, weekDays } from '../time/iso-week';
import type { AdmissionRuleConfig, ImageSettings } from './config';
import type { DayRange, RuleKind } from './kind';
import { keepOnlyInWeeks, recordFinding, type Outcome } from './violations';

/**
 * Window rules (stage success floor, stage duration, mixed hosts) judged day by day, so that every
 * breach is counted in the week it happened whenever the check runs or the data arrives: each check
 * judges again every whole ISO week holding a day since its last check, or a day whose window got
 * runs stored since then (history ingested late), and the rule's history of those weeks becomes that
 * judgement. A rule seen for the first time (or with another config) is judged over all stored days.
 */
export type WindowResult = { findings: number } & Record<Outcome, number>;
type Deps = { db: Db; rule: AdmissionRuleConfig; kind: RuleKind<unknown>; now: Date; timeZone: string; images: ImageSettings; horizon: number };

/** Weeks judged per call of a kind: a call reads its days' stage runs at once (bounded memory). */
const WEEKS_PER_RANGE = 2;
/** Days around a run's day whose judgement it can change: a mixed-host pair across midnight (see mixed-host.ts). */
const DAYS_AROUND = 2;

/** The cursors of one rule and config: the last day judged (a day number) and the StageRun id read up to. */
function cursorNames(rule: AdmissionRuleConfig) {
  const config = createHash('sha256').update(JSON.stringify(rule.config)).digest('hex').slice(0, 12);
  return { days: `days:${rule.id}:${config}`, runs: `days-runs:${rule.id}:${config}` };
}

/** Whole ISO weeks holding `days`, as ranges of consecutive weeks (newest first), none past `today`. */
export function weekRanges(days: Iterable<string>, today: string, perRange = WEEKS_PER_RANGE): DayRange[] {
  const weeks = [...new Set([...days].filter((d) => d <= today).map(isoWeekOfDay))].sort().reverse();
  const ranges: DayRange[] = [];
  let span: string[] = [];
  const close = () => span.length && ranges.push({ from: weekDays(span.at(-1)!)[0]!, to: [weekDays(span[0]!)[6]!, today].sort()[0]! });
  for (const week of weeks) {
    if (span.length === perRange || (span.length && previousWeek(span.at(-1)!) !== week)) {
      close();
      span = [];
    }
    span.push(week);
  }
  close();
  return ranges;
}

/** The days whose judgement a day's runs can change: the windows after it, the host pairs around it. */
function reach(day: string, rule: AdmissionRuleConfig, today: string): string[] {
  const last = [addDays(day, Math.max(rule.windowDays - 1, DAYS_AROUND)), today].sort()[0]!;
  const first = addDays(day, -DAYS_AROUND);
  return first <= last ? daysBetween(first, last, Number.MAX_SAFE_INTEGER) : [];
}

/** Days holding stored runs, from the per-(day, stage) rollups (keyed by day), optionally from a day on. */
async function storedDays(db: Db, from?: string): Promise<string[]> {
  const rows = await db.prisma.dailyStageRollup.findMany({ where: from ? { day: { gte: from } } : {}, distinct: ['day'], select: { day: true } });
  return rows.map((r) => r.day);
}

/**
 * The days to judge: every day near stored runs the first time; then the days since the last check
 * near stored runs, and the days near runs stored since the last check (whatever their day).
 */
async function daysToJudge(deps: Deps, names: ReturnType<typeof cursorNames>, today: string): Promise<Set<string>> {
  const { db, rule } = deps;
  const cursors = new Map((await db.prisma.admissionCursor.findMany({ where: { name: { in: [names.days, names.runs] } } })).map((c) => [c.name, c.lastRunId]));
  const lastDay = cursors.get(names.days);
  const days = new Set<string>();
  if (lastDay === undefined) {
    // The history is rebuilt from the data: an older method's or config's weeks go.
    await db.prisma.admissionCursor.deleteMany({ where: { OR: [{ name: { startsWith: `days:${rule.id}:` } }, { name: { startsWith: `days-runs:${rule.id}:` } }] } });
    await db.prisma.admissionViolationWeek.deleteMany({ where: { violation: { ruleId: rule.id } } });
    for (const day of await storedDays(db)) for (const d of reach(day, rule, today)) days.add(d);
    return days;
  }
  // The last check judged its own day with the runs stored by then; the days after it were not judged.
  const since = dayOfNumber(Math.min(lastDay, dayNumber(today)));
  for (const day of await storedDays(db, addDays(since, -Math.max(rule.windowDays, DAYS_AROUND)))) {
    for (const d of reach(day, rule, today)) if (d >= since) days.add(d);
  }
  const p = db.kind === 'sqlite' ? ['?', '?'] : ['$1', '$2'];
  const touched = await queryRows<{ day: string }>(
    await db.bulk(),
    `SELECT DISTINCT "day" FROM "StageRun" WHERE "id" > ${p[0]} AND "id" <= ${p[1]}`,
    [cursors.get(names.runs) ?? 0, deps.horizon],
  );
  for (const { day } of touched) for (const d of reach(day, rule, today)) days.add(d);
  return days;
}

/** Judges a window rule on the days that need it and records what it found; see the module comment. */
export async function checkWindowRule(deps: Deps): Promise<WindowResult> {
  const { db, rule, now, timeZone } = deps;
  const result: WindowResult = { findings: 0, opened: 0, updated: 0, reopened: 0, resolved: 0 };
  const today = dayInZone(now.getTime(), timeZone);
  const names = cursorNames(rule);
  // Newest weeks first: a violation is opened (or not) by its latest breach, and keeps that evidence.
  for (const range of weekRanges(await daysToJudge(deps, names, today), today)) {
    const findings = await deps.kind.evaluateDays!({ db, now, timeZone, images: deps.images }, rule.config, range);
    const found = new Map([...new Set(daysBetween(range.from, range.to).map(isoWeekOfDay))].map((w) => [w, [] as number[]]));
    result.findings += findings.length;
    for (const f of findings) {
      const recorded = await recordFinding(db, rule, f, { now, timeZone, perDay: true });
      result[recorded.outcome] += 1;
      for (const week of recorded.weeks) found.get(week)?.push(recorded.id);
    }
    await keepOnlyInWeeks(db, rule.id, found);
  }
  for (const [name, value] of [[names.days, dayNumber(today)], [names.runs, deps.horizon]] as const) {
    await db.prisma.admissionCursor.upsert({ where: { name }, create: { name, lastRunId: value }, update: { lastRunId: value } });
  }
  return result;
}
