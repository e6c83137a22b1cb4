/**
 * How many error classes and admission violations were open at given instants (the ends of weeks),
 * rebuilt from what the database keeps (pure; lib/metrics/trends.ts reads the rows).
 */

/** From `from` on, open unless a change says otherwise; `changes` sorted by time. */
export type OpenSpan = { from: number; changes: { at: number; open: boolean }[] };

export type ClassRow = {
  id: number; firstSeen: Date | null; createdAt: Date; updatedAt: Date; status: string; resolvedAt: Date | null;
  mergedIntoId: number | null;
};
export type DecisionRow = { classId: number; kind: string; value: unknown; createdAt: Date };
export type ViolationRow = { firstSeen: Date; status: string; resolvedAt: Date | null; acknowledgedAt: Date | null };

// A class counts as open while it is open or acknowledged, as on the overview.
const OPEN_CLASS = new Set(['open', 'acknowledged']);

function statusOf(d: DecisionRow): boolean | null {
  const v = d.value && typeof d.value === 'object' ? (d.value as Record<string, unknown>) : {};
  if (d.kind === 'merge') return typeof v.into === 'number' ? false : null;
  if (d.kind === 'status' && typeof v.status === 'string') return OPEN_CLASS.has(v.status);
  return null;
}

/**
 * A class's open spans: from its first event (its creation when it has none), changed by each status
 * decision and merge (triage, regressions and the miner record one each). A class whose present status
 * no decision explains (e.g. resolved before decisions were kept) takes it at its resolution, or at
 * its last update.
 */
export function classSpans(classes: readonly ClassRow[], decisions: readonly DecisionRow[]): OpenSpan[] {
  const byClass = new Map<number, { at: number; open: boolean }[]>();
  for (const d of [...decisions].sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime())) {
    const open = statusOf(d);
    if (open === null) continue;
    const list = byClass.get(d.classId) ?? [];
    list.push({ at: d.createdAt.getTime(), open });
    byClass.set(d.classId, list);
  }
  return classes.map((c) => {
    const changes = byClass.get(c.id) ?? [];
    const openNow = c.mergedIntoId === null && OPEN_CLASS.has(c.status);
    if ((changes.at(-1)?.open ?? true) !== openNow) {
      const at = (!openNow && c.status === 'resolved' && c.resolvedAt ? c.resolvedAt : c.updatedAt).getTime();
      changes.push({ at: Math.max(at, changes.at(-1)?.at ?? at), open: openNow });
    }
    return { from: (c.firstSeen ?? c.createdAt).getTime(), changes };
  });
}

/**
 * A violation's open span: from its first sighting until it was acknowledged or resolved (a reopened
 * violation has both cleared, so it counts as open since its first sighting).
 */
export function violationSpans(violations: readonly ViolationRow[]): OpenSpan[] {
  return violations.map((v) => {
    const ends = [v.resolvedAt, v.acknowledgedAt].filter((d): d is Date => d !== null).map((d) => d.getTime());
    // Resolved or acknowledged without a time: closed all along.
    if (ends.length === 0 && v.status !== 'open') ends.push(v.firstSeen.getTime());
    return { from: v.firstSeen.getTime(), changes: ends.length ? [{ at: Math.min(...ends), open: false }] : [] };
  });
}

/** How many spans are open just before `at` (an exclusive end: the start of the next week, or now). */
export function countOpenAt(spans: readonly OpenSpan[], at: number): number {
  let n = 0;
  for (const s of spans) {
    if (s.from >= at) continue;
    let open = true;
    for (const c of s.changes) {
      if (c.at >= at) break;
      open = c.open;
    }
    if (open) n += 1;
  }
  return n;
}
