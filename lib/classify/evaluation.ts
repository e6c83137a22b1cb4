import { parsingScores, type ParsingScores } from './grouping-accuracy';
import { leaveOneOut, type Fold } from './leave-one-out';
import { evaluateSystem, listLoghubFull, listLoghubSystems, parseLines, readLoghubFull, readLoghubSystem, type SystemResult } from './loghub';
import { measureMemory, type MemoryResult } from './memory-bench';

/**
 * The whole evaluation of the template miner (npm run eval:classify), with one configuration
 * (MINER_DEFAULTS) for every system: the development systems, the full-size logs, the
 * leave-one-out folds and, unless left out, memory per million distinct messages.
 */
export type FullResult = { name: string; lines: number; scores: ParsingScores; found: number; truth: number; linesPerSecond: number };
export type Evaluation = { root: string; root2: string; systems: SystemResult[]; full: FullResult[]; folds: Fold[]; memory: MemoryResult[] };

// Distinct messages the memory measurement learns.
const MEMORY_MESSAGES = 1_000_000;

export function runEvaluation(opts: { root: string; root2: string; memory: boolean; log?: (line: string) => void }): Evaluation {
  const log = opts.log ?? (() => {});
  const names = listLoghubSystems(opts.root);
  if (names.length === 0) throw new Error(`${opts.root}: no <System>/<System>_2k.log_structured.csv files found`);
  const data = names.map((name) => readLoghubSystem(opts.root, name, opts.root2));
  // One untimed pass first, so that no system's speed pays for compiling the code.
  for (const system of data) evaluateSystem(system, 1);
  log('development systems…');
  const systems = data.map((system) => evaluateSystem(system));
  log('full-size logs…');
  const full = listLoghubFull(opts.root2).map((name) => evaluateFull(opts.root2, name));
  log('leave-one-out…');
  const folds = leaveOneOut(data);
  const memory: MemoryResult[] = [];
  if (opts.memory) {
    for (const stream of ['templates', 'shapes'] as const) {
      log(`memory (${stream})…`);
      memory.push(measureMemory(stream, MEMORY_MESSAGES));
    }
  }
  return { root: opts.root, root2: opts.root2, systems, full, folds, memory };
}

function evaluateFull(root2: string, name: string): FullResult {
  const log = readLoghubFull(root2, name);
  parseLines(log.lines);
  const run = parseLines(log.lines);
  return {
    name,
    lines: log.lines.length,
    scores: parsingScores(run.groups, run.templates, log.templates),
    found: run.clusters,
    truth: new Set(log.templates).size,
    linesPerSecond: Math.round(log.lines.length / run.seconds),
  };
}
