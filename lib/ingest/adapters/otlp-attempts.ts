import type { Db } from '../../db';

/**
 * Attempt numbers of task runs that do not carry one: the order of start among the runs of the
 * same stage in the same rollout — those of this request and those already stored (a retry often
 * arrives in a later export than the first run). A re-sent span keeps the number it was stored
 * with. A run that arrives after a later run of its task was stored does not renumber that one (it
 * is stored already), so both may share a number. Ties in start time go by key.
 */
type Numbered = { record: { id?: string; rollout: string; stage: string; startedAt: string; attempt?: number }; explicitAttempt: boolean };
type Run = { key: string; startedAt: number; attempt?: number };

const groupOf = (r: { rollout: string; stage: string }) => `${r.rollout}\u0000${r.stage}`;
const byStart = (a: Run, b: Run) => a.startedAt - b.startedAt || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0);

/** Each run's place in its group by start (then key), counted once per group: runs started before it. */
function rankIn(ranks: Map<string, Map<string, number>>, name: string, group: Map<string, Run>): Map<string, number> {
  let rank = ranks.get(name);
  if (!rank) {
    const sorted = [...group.values()].filter((r) => !Number.isNaN(r.startedAt)).sort(byStart);
    rank = new Map(sorted.map((r, i) => [r.key, i]));
    ranks.set(name, rank);
  }
  return rank;
}
// Rollouts per lookup: far below either database's limit on bound parameters.
const LOOKUP_CHUNK = 500;

async function storedRuns(db: Db, rollouts: string[]): Promise<Map<string, Run[]>> {
  const byGroup = new Map<string, Run[]>();
  for (let i = 0; i < rollouts.length; i += LOOKUP_CHUNK) {
    const rows = await db.prisma.stageRun.findMany({
      where: { rolloutId: { in: rollouts.slice(i, i + LOOKUP_CHUNK) } },
      select: { key: true, rolloutId: true, stageKey: true, startedAt: true, attempt: true },
    });
    for (const row of rows) {
      const group = groupOf({ rollout: row.rolloutId, stage: row.stageKey });
      const list = byGroup.get(group) ?? [];
      list.push({ key: row.key, startedAt: row.startedAt.getTime(), attempt: row.attempt });
      byGroup.set(group, list);
    }
  }
  return byGroup;
}

/** Sets `attempt` on the records without an explicit one (in place). */
export async function numberAttempts(db: Db, items: readonly Numbered[]): Promise<void> {
  const open = items.filter((i) => !i.explicitAttempt);
  if (open.length === 0) return;
  const stored = await storedRuns(db, [...new Set(open.map((i) => i.record.rollout))]);
  const runs = new Map<string, Map<string, Run>>();
  const add = (group: string, run: Run) => {
    const known = runs.get(group) ?? new Map<string, Run>();
    known.set(run.key, run);
    runs.set(group, known);
  };
  for (const [group, list] of stored) for (const run of list) add(group, run);
  for (const item of items) {
    const group = groupOf(item.record);
    if (!runs.get(group)?.has(item.record.id!)) add(group, { key: item.record.id!, startedAt: Date.parse(item.record.startedAt) });
  }
  const ranks = new Map<string, Map<string, number>>();
  for (const item of open) {
    const group = runs.get(groupOf(item.record))!;
    const self = group.get(item.record.id!)!;
    // Stored already: the number it was stored with, so a re-send is a duplicate whatever arrived since.
    if (self.attempt !== undefined) {
      item.record.attempt = self.attempt;
      continue;
    }
    // A start time the record schema refuses is quarantined there; the number does not matter then.
    const earlier = Number.isNaN(self.startedAt) ? 0 : rankIn(ranks, groupOf(item.record), group).get(self.key)!;
    item.record.attempt = Math.min(earlier + 1, 1000);
  }
}
