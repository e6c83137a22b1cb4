import { computeWeeklyRanking } from '../rank/weekly-ranking';
import { saveRankingSnapshot } from '../rank/snapshots';
import type { Db } from '../db';
import { applyClassRules, gatherClassFacts, refreshClassStats } from './class-facts';
import { reclassifyHistory, type ReclassifyResult } from './reclassify';
import type { CategoryConfig, RoutingConfig } from './rules';

/**
 * What follows a change of the class rules (create, edit, move, delete, import): the history is
 * re-classified, the classes events moved to or from get their figures, category and owner brought
 * up to date, and the rankings not sent yet (snapshots without `frozenAt`) are computed again.
 * Rankings sent in a digest stay as they were reported. Runs under the classifier's lease.
 */
export type RuleChangeResult = Omit<ReclassifyResult, 'touched'> & { classes: number; weeks: string[]; rankingSeconds: number };

export async function applyRuleChange(deps: { db: Db; categories: CategoryConfig; routing: RoutingConfig; timeZone: string; now?: Date }): Promise<RuleChangeResult> {
  const { db } = deps;
  const now = deps.now ?? new Date();
  const moved = await reclassifyHistory(db);
  const ruleClasses = (await db.prisma.classRule.findMany({ select: { classId: true } })).map((r) => r.classId);
  const scope = [...new Set([...moved.touched, ...ruleClasses])];
  await db.prisma.$transaction(
    async (tx) => {
      const facts = await gatherClassFacts(tx, scope);
      await refreshClassStats(tx, facts, scope);
      await applyClassRules(tx, facts, { categories: deps.categories, routing: deps.routing, now }, scope);
    },
    { timeout: 600_000, maxWait: 600_000 },
  );
  const started = performance.now();
  const open = await db.prisma.rankingSnapshot.findMany({ where: { frozenAt: null }, select: { week: true }, orderBy: { week: 'asc' } });
  for (const { week } of open) await saveRankingSnapshot(db, await computeWeeklyRanking({ db, week, timeZone: deps.timeZone, now }));
  return { scanned: moved.scanned, moved: moved.moved, seconds: moved.seconds, classes: scope.length, weeks: open.map((w) => w.week), rankingSeconds: (performance.now() - started) / 1000 };
}
