import type { Db } from '../db';
import { formatPercent } from '../format';
import { alertId, type Alert, type AlertTrigger } from './alert';
import { channelsFor, type AlertsConfig } from './config';
import { deliverPendingAlerts, recordAlert, type DeliverOptions } from './deliver';
import { loadClassFigures, loadRuleViolations, loadStageFirstPass } from './figures';
import { describeActivation, nextState, type Figures, type Thresholds } from './hysteresis';

/**
 * One alerts pass: computes every subject's figures, moves its state with hysteresis, records one
 * alert per activation (before the state, so a crash in between records nothing twice: the
 * activation number is the same on the rerun), then sends what is not sent yet.
 */
export type AlertsSettings = { baseUrl: string; timeZone: string; targets: { stageSuccessRate: number } };
export type AlertsRunResult = { subjects: number; activated: number; deactivated: number; sent: number; failed: number; gaveUp: number };
type Subject = {
  trigger: AlertTrigger; subject: string; ownerId: string | null; figures: Figures; thresholds: Thresholds;
  title: string; url: string; labels: string[]; trackerUrl: string | null; labelsOf?: Record<string, string>;
};
const DAY_MS = 86_400_000;
const CLASS_LABELS = { day: 'failed rollouts in the last 24 hours', week: 'failed rollouts in the last 7 days' };

async function listSubjects(
  db: Db, config: AlertsConfig, settings: AlertsSettings, now: Date, activeClassIds: number[],
): Promise<Subject[]> {
  const t = config.thresholds;
  const classes = (await loadClassFigures(db, now, activeClassIds, settings.timeZone)).map((c): Subject => {
    const silenced = c.status === 'ignored' || c.status === 'merged';
    const labels = [
      c.firstSeen && now.getTime() - c.firstSeen.getTime() < t.newClassDays * DAY_MS ? 'new' : null,
      c.resolvedAt && c.day + c.week > 0 ? 'regressed after resolve' : null,
      c.previousWeek > 0 && c.week >= 2 * c.previousWeek ? 'escalating' : null,
    ].filter((l): l is string => l !== null);
    return {
      trigger: 'class-failures', subject: String(c.classId), ownerId: c.ownerId, thresholds: t.classFailures,
      figures: silenced ? { day: 0, week: 0 } : { day: c.day, week: c.week }, labelsOf: CLASS_LABELS,
      title: `Failure class #${c.classId}: ${c.title.slice(0, 120)}`, url: `${settings.baseUrl}/errors/${c.classId}`,
      labels, trackerUrl: c.trackerUrl,
    };
  });
  const target = settings.targets.stageSuccessRate;
  const stages = (await loadStageFirstPass(db, now, target, settings.timeZone, t.firstPassDays)).map((s): Subject => ({
    trigger: 'stage-first-pass', subject: s.stageKey, ownerId: s.ownerId,
    thresholds: { activate: { daysUnder: t.firstPassDays }, deactivate: { daysUnder: 1 } }, figures: { daysUnder: s.daysUnder },
    labelsOf: { daysUnder: `days in a row under the first-pass target ${formatPercent(target)} (latest ${formatPercent(s.lastRate)})` },
    title: `Stage ${s.name}: first-pass rate under target`, url: `${settings.baseUrl}/stages/${encodeURIComponent(s.stageKey)}`,
    labels: [], trackerUrl: null,
  }));
  const rules = (await loadRuleViolations(db)).map((r): Subject => ({
    trigger: 'admission-violations', subject: r.ruleId, ownerId: r.ownerId,
    thresholds: { activate: { open: 1 }, deactivate: { open: 1 } }, figures: { open: r.open }, labelsOf: { open: 'open violations' },
    title: `Admission rule ${r.title}: violations open`, url: `${settings.baseUrl}/admission/${encodeURIComponent(r.ruleId)}`,
    labels: [], trackerUrl: null,
  }));
  return [...classes, ...stages, ...rules];
}

export async function runAlerts(o: Omit<DeliverOptions, 'now'> & { now: Date; settings: AlertsSettings }): Promise<AlertsRunResult> {
  const { db, config, now } = o;
  const states = new Map((await db.prisma.alertState.findMany()).map((s) => [`${s.trigger} ${s.subject}`, s]));
  const activeClassIds = [...states.values()].filter((s) => s.active && s.trigger === 'class-failures').map((s) => Number(s.subject));
  const subjects = await listSubjects(db, config, o.settings, now, activeClassIds);
  const owners = new Map((await db.prisma.owner.findMany({ select: { id: true, name: true } })).map((w) => [w.id, w]));
  const result: AlertsRunResult = { subjects: subjects.length, activated: 0, deactivated: 0, sent: 0, failed: 0, gaveUp: 0 };
  for (const s of subjects) {
    const prev = states.get(`${s.trigger} ${s.subject}`);
    const next = nextState(prev?.active ?? false, s.figures, s.thresholds);
    // Inactive subjects that stay inactive write nothing: most classes, most of the time.
    if (next.transition === 'held' && !prev?.active) continue;
    const activation = (prev?.activation ?? 0) + (next.transition === 'activated' ? 1 : 0);
    if (next.transition === 'activated') {
      const owner = s.ownerId ? (owners.get(s.ownerId) ?? null) : null;
      const alert: Alert = {
        id: alertId(s.trigger, s.subject, activation), trigger: s.trigger, subject: s.subject, activation, labels: s.labels,
        title: s.title, reason: describeActivation(s.figures, s.thresholds, s.labelsOf), figures: s.figures, thresholds: s.thresholds,
        url: s.url, trackerUrl: s.trackerUrl, owner: owner ? { id: owner.id, name: owner.name } : null, activatedAt: now.toISOString(),
      };
      await recordAlert(db, alert, channelsFor(config, s.ownerId));
      result.activated += 1;
    }
    if (next.transition === 'deactivated') result.deactivated += 1;
    const changedAt = next.transition === 'held' ? prev!.changedAt : now;
    await db.prisma.alertState.upsert({
      where: { trigger_subject: { trigger: s.trigger, subject: s.subject } },
      create: { trigger: s.trigger, subject: s.subject, active: next.active, activation, changedAt, figures: s.figures },
      update: { active: next.active, activation, changedAt, figures: s.figures },
    });
  }
  for (const d of await deliverPendingAlerts(o)) result[d.status === 'sent' ? 'sent' : d.status === 'failed' ? 'failed' : 'gaveUp'] += 1;
  return result;
}
