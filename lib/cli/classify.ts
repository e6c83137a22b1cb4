// npm run classify -- [--week 2026-W47] — classifies the unclassified error events, ranks the week
// (default: the current week in ROLLSCOPE_TIMEZONE), stores its snapshot and prints the report (a week
// whose digest was sent keeps the ranking it was sent with).
import { parseArgs } from 'node:util';
import { getDb } from '../db';
import { getSettings } from '../env';
import { classifyAndRank } from '../rank/classify-and-rank';
import { formatRankingReport } from '../rank/format-ranking';
import { runCli } from './run-cli';

await runCli(async () => {
  const { values } = parseArgs({ options: { week: { type: 'string' }, top: { type: 'string', default: '15' } } });
  const { classification: c, ranking, frozen } = await classifyAndRank({ db: await getDb(), settings: getSettings(), week: values.week });
  console.log(`Classified ${c.events} new error events in ${c.seconds.toFixed(1)} s: ${c.classesCreated} new classes, ${c.classesMerged} merged, ${c.classesUpdated} updated, ${c.reopened} reopened.\n`);
  if (frozen) console.log(`${ranking.week} was reported in its digest on ${frozen.toISOString()}: its ranking stays as it was sent.\n`);
  console.log(formatRankingReport(ranking, Number(values.top)));
});
