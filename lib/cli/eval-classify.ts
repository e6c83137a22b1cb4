// npm run eval:classify -- [loghub-2k path] [--loghub2 path] [--no-memory] — measures the template
// miner on the Loghub development data (default ../shared/data/loghub-2k and loghub-2.0), read in
// place, never copied: GA per system (original and corrected labels), GA/PA/FGA/FTA on the
// Loghub-2.0 labels, full-size logs, leave-one-out validation of the miner's choices, memory per
// million distinct messages and lines/s on one core (learning included).
import path from 'node:path';
import { formatEvaluation } from '../classify/eval-report';
import { runEvaluation } from '../classify/evaluation';
import { runCli } from './run-cli';

const SHARED = path.resolve(import.meta.dirname, '..', '..', '..', 'shared', 'data');

function option(args: string[], name: string): string | undefined {
  const i = args.indexOf(name);
  if (i === -1) return undefined;
  const value = args[i + 1];
  if (value === undefined || value.startsWith('--')) throw new Error(`${name} needs a path`);
  args.splice(i, 2);
  return value;
}

await runCli(async () => {
  const args = process.argv.slice(2);
  const memory = !args.includes('--no-memory');
  const rest = args.filter((a) => a !== '--no-memory');
  const root2 = path.resolve(option(rest, '--loghub2') ?? path.join(SHARED, 'loghub-2.0'));
  const unknown = rest.find((a) => a.startsWith('--'));
  if (unknown) throw new Error(`unknown option ${unknown} (options: --loghub2 <path>, --no-memory)`);
  const root = path.resolve(rest[0] ?? path.join(SHARED, 'loghub-2k'));
  const evaluation = runEvaluation({ root, root2, memory, log: (line) => console.error(line) });
  console.log(formatEvaluation(evaluation));
});
