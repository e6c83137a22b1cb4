import { runScript } from './scale-child';
import { formatMb, formatSeconds, logStep, percentile } from './scale-log';

export type ClassifyFigures = { weeks: number; min: number; median: number; max: number; peakRssBytes: number };

/**
 * Ranks every week with `npm run classify -- --week <w>`, one process per week as the weekly job
 * would, timing each (process start to exit). The first classifies what ingestion left unclassified.
 */
export async function rankEveryWeek(weeks: string[], env: Record<string, string>): Promise<ClassifyFigures> {
  const seconds: number[] = [];
  let peakRssBytes = 0;
  for (const [i, week] of weeks.entries()) {
    const run = await runScript('classify', ['--week', week], env);
    seconds.push(run.seconds);
    peakRssBytes = Math.max(peakRssBytes, run.peakRssBytes);
    logStep('classify', `${week} (${i + 1}/${weeks.length}) in ${formatSeconds(run.seconds)}, peak RSS ${formatMb(run.peakRssBytes)}`);
  }
  return { weeks: weeks.length, min: Math.min(...seconds), median: percentile(seconds, 50), max: Math.max(...seconds), peakRssBytes };
}
