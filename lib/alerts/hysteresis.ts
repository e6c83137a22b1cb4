import { z } from 'zod';

/**
 * Activation and deactivation with hysteresis (as LUCI Analysis does for its bugs): a subject
 * becomes active when any figure reaches its activation threshold, and stops being active only
 * when every figure is under its (lower) deactivation threshold. Between the two the state holds,
 * so a subject hovering around one threshold never flaps. Pure.
 */
export type Figures = Record<string, number>;
export type Thresholds = { activate: Figures; deactivate: Figures };
export type AlertTransition = 'activated' | 'deactivated' | 'held';

const counts = z.record(z.string().min(1), z.number().int().min(0).max(1_000_000));

/** Deactivation thresholds must not exceed activation ones: otherwise both could hold at once and the state would flap. */
export const thresholdsSchema = z
  .object({ activate: counts, deactivate: counts })
  .superRefine((t, ctx) => {
    for (const [name, at] of Object.entries(t.activate)) {
      const below = t.deactivate[name];
      if (below === undefined) ctx.addIssue({ code: 'custom', path: ['deactivate', name], message: `missing (activate has ${name})` });
      else if (below > at) ctx.addIssue({ code: 'custom', path: ['deactivate', name], message: `must be ≤ activate.${name} (${at})` });
    }
    for (const name of Object.keys(t.deactivate)) {
      if (!(name in t.activate)) ctx.addIssue({ code: 'custom', path: ['activate', name], message: `missing (deactivate has ${name})` });
    }
  });

export function shouldActivate(figures: Figures, t: Thresholds): boolean {
  return Object.entries(t.activate).some(([name, at]) => (figures[name] ?? 0) >= at);
}

export function shouldDeactivate(figures: Figures, t: Thresholds): boolean {
  return Object.entries(t.deactivate).every(([name, below]) => (figures[name] ?? 0) < below);
}

/** The next state of a subject that was `prev` (true: active) given today's figures. */
export function nextState(prev: boolean, figures: Figures, t: Thresholds): { active: boolean; transition: AlertTransition } {
  if (!prev && shouldActivate(figures, t)) return { active: true, transition: 'activated' };
  if (prev && shouldDeactivate(figures, t)) return { active: false, transition: 'deactivated' };
  return { active: prev, transition: 'held' };
}

/** Why a subject is active, for the alert: the figures that reached their threshold. */
export function describeActivation(figures: Figures, t: Thresholds, labels: Record<string, string> = {}): string {
  const reached = Object.entries(t.activate).filter(([name, at]) => (figures[name] ?? 0) >= at);
  return reached.map(([name, at]) => `${labels[name] ?? name}: ${figures[name] ?? 0} (threshold ${at})`).join('; ');
}
