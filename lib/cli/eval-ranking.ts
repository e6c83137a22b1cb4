// npm run eval:ranking -- [--seeds N | --seed S] [--rollouts 8000] [--json] — issue #15, part 3: a
// simulated week of rollouts per seed (lib/demo/ranking-world.ts), with causes of known worth,
// through the real ingestion, classification and weekly ranking in a fresh temp SQLite database;
// prints the gain of fixing the causes of the product's top 3 and 5 classes next to the oracle's.
import { parseArgs } from 'node:util';
import { evaluateRanking, type SeedEvaluation } from '../demo/ranking-eval';
import { formatRankingEvaluation, summarise, targetMet } from '../demo/ranking-world/report';

function count(name: string, value: string | undefined, fallback: number, max: number): number {
  if (value === undefined) return fallback;
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 1 || parsed > max) {
    throw new Error(`--${name}: expected a whole number from 1 to ${max}, got "${value}"`);
  }
  return parsed;
}

const OPTIONS = {
  seeds: { type: 'string' },
  seed: { type: 'string' },
  rollouts: { type: 'string' },
  json: { type: 'boolean', default: false },
} as const;

async function main(): Promise<number> {
  const { values } = parseArgs({ options: OPTIONS });
  if (values.seed !== undefined && values.seeds !== undefined) throw new Error('give --seeds N or --seed S, not both');
  const seeds = values.seed !== undefined
    ? [count('seed', values.seed, 1, 1_000_000)]
    : Array.from({ length: count('seeds', values.seeds, 3, 100) }, (_, i) => i + 1);
  const rollouts = count('rollouts', values.rollouts, 8000, 99_999);
  const started = performance.now();
  const results: SeedEvaluation[] = [];
  for (const seed of seeds) {
    if (!values.json) console.error(`seed ${seed}: simulating ${rollouts.toLocaleString('en-US')} rollouts and ranking them…`);
    results.push(await evaluateRanking({ seed, rollouts }));
  }
  const seconds = (performance.now() - started) / 1000;
  const summary = summarise(results);
  if (values.json) console.log(JSON.stringify({ rollouts, seeds, results, summary, targetMet: targetMet(summary), seconds }, null, 2));
  else console.log(formatRankingEvaluation(results, seconds));
  return 0;
}

// Not runCli: it would open (and create) the configured database only to close it; this command
// works in temp databases of its own.
try {
  process.exitCode = await main();
} catch (error) {
  const err = error as Error;
  console.error(process.env.ROLLSCOPE_DEBUG ? err.stack : `error: ${err.message}`);
  process.exitCode = 2;
}
