import { runClassification, type ClassificationResult } from '../classify/run-classification';
import { loadCategoryConfig, loadRoutingConfig } from '../classify/rules';
import type { Db } from '../db';
import type { Settings } from '../env';
import { weekOfInstant } from '../time/iso-week';
import { saveRankingSnapshot } from './snapshots';
import { computeWeeklyRanking, type WeeklyRanking } from './weekly-ranking';

/**
 * The weekly analysis the digest and `npm run classify` run: classify what is unclassified, then
 * rank week `week` (default: the week of `now` in the configured time zone) and store its snapshot.
 * Idempotent: a second run classifies nothing new and rewrites the same snapshot.
 */
export async function classifyAndRank(deps: {
  db: Db;
  settings: Pick<Settings, 'timeZone' | 'categoriesFile' | 'routingFile'>;
  week?: string;
  now?: Date;
}): Promise<{ classification: ClassificationResult; ranking: WeeklyRanking }> {
  const now = deps.now ?? new Date();
  const week = deps.week ?? weekOfInstant(now.getTime(), deps.settings.timeZone);
  const classification = await runClassification({ db: deps.db, categories: loadCategoryConfig(deps.settings.categoriesFile), routing: loadRoutingConfig(deps.settings.routingFile), now });
  const ranking = await computeWeeklyRanking({ db: deps.db, week, timeZone: deps.settings.timeZone, now });
  await saveRankingSnapshot(deps.db, ranking);
  return { classification, ranking };
}
