import { createHash } from 'node:crypto';

/**
 * One alert as built at activation: what every channel renders (pure). Its `id` is stable per
 * (trigger, subject, activation), so a resend after a crash carries the same id and receivers can drop it.
 */
export type AlertTrigger = 'class-failures' | 'stage-first-pass' | 'admission-violations';
export type Alert = {
  id: string;
  trigger: AlertTrigger;
  subject: string;
  activation: number;
  /** e.g. "new", "escalating", "regressed after resolve": why this activation matters. */
  labels: string[];
  title: string;
  /** The figures that reached their thresholds, with the thresholds, in words. */
  reason: string;
  figures: Record<string, number>;
  thresholds: { activate: Record<string, number>; deactivate: Record<string, number> };
  /** The Rollscope page of the subject. */
  url: string;
  /** The tracker issue, for a class (null: none linked, which the alert says). */
  trackerUrl: string | null;
  owner: { id: string; name: string } | null;
  activatedAt: string;
};

export function alertId(trigger: string, subject: string, activation: number): string {
  const hash = createHash('sha256').update(`${trigger}\u0000${subject}\u0000${activation}`).digest('hex').slice(0, 16);
  return `rollscope-alert-${hash}`;
}

/** The tracker line: the issue, or a note that an active class has none. */
export function trackerLine(a: Alert): string | null {
  if (a.trigger !== 'class-failures') return null;
  return a.trackerUrl ? `Tracker issue: ${a.trackerUrl}` : 'No tracker issue is linked to this class yet: please file one and link it.';
}
