import { withClassifier } from '../classify/classifier-lease';
import { runClassification, type ClassificationResult } from '../classify/run-classification';
import { loadCategoryConfig, loadRoutingConfig } from '../classify/rules';
import type { Db } from '../db';
import type { Settings } from '../env';
import { weekOfInstant } from '../time/iso-week';
import { getRankingSnapshot, saveRankingSnapshot } from './snapshots';
import { computeWeeklyRanking, type WeeklyRanking } from './weekly-ranking';

const NOTHING_CLASSIFIED: ClassificationResult = { events: 0, classesCreated: 0, classesMerged: 0, classesUpdated: 0, reopened: 0, seconds: 0 };

/**
 * The weekly analysis the digest and `npm run classify` run: classify what is unclassified (every
 * class brought up to date), then rank week `week` (default: the week of `now` in the configured
 * time zone) and store its snapshot. Idempotent: a second run classifies nothing new and rewrites
 * the same snapshot. A week whose ranking was already sent in its digest (`frozenAt`) keeps it as
 * reported: its stored ranking is returned instead (`frozen`). `freeze` (the digest) marks the
 * ranking it returns as sent.
 */
export async function classifyAndRank(deps: {
  db: Db;
  settings: Pick<Settings, 'timeZone' | 'categoriesFile' | 'routingFile'>;
  week?: string;
  now?: Date;
  freeze?: boolean;
}): Promise<{ classification: ClassificationResult; ranking: WeeklyRanking; frozen: Date | null }> {
  const now = deps.now ?? new Date();
  const week = deps.week ?? weekOfInstant(now.getTime(), deps.settings.timeZone);
  const classify = () => runClassification({ db: deps.db, categories: loadCategoryConfig(deps.settings.categoriesFile), routing: loadRoutingConfig(deps.settings.routingFile), now, refresh: 'all' });
  const classification = (await withClassifier(deps.db, classify)) ?? NOTHING_CLASSIFIED;
  const stored = await deps.db.prisma.rankingSnapshot.findUnique({ where: { week }, select: { frozenAt: true } });
  if (stored?.frozenAt) return { classification, ranking: (await getRankingSnapshot(deps.db, week))!, frozen: stored.frozenAt };
  const ranking = await computeWeeklyRanking({ db: deps.db, week, timeZone: deps.settings.timeZone, now });
  await saveRankingSnapshot(deps.db, ranking, deps.freeze ? now : null);
  return { classification, ranking, frozen: deps.freeze ? now : null };
}
