import { groupingAccuracy } from './grouping-accuracy';
import { parseLines, type LoghubSystem } from './loghub';
import { MINER_DEFAULTS, type MinerOptions } from './miner';
import { seededRandom } from './random';

/**
 * Leave-one-out validation of the miner's choices: for each development system, the choice is
 * made on the other seven and measured on the one left out. A choice that generalises is the one
 * picked in every fold, and the held-out scores say what a new system can expect.
 *
 * A system's score for a choice is its GA on the whole sample and on smaller random samples of it
 * (a new team starts with few messages: fewer values per variable, fewer lines per template), so
 * a choice that only holds at one sample size does not win.
 */
export type Choice = { name: string; options: Partial<MinerOptions> };
export type Fold = { heldOut: string; chosen: string; heldOutGa: number; heldOutGaDefault: number };

export const CHOICES: Choice[] = [2, 3, 4, 5, 6, 8].flatMap((minDistinct) =>
  [true, false].map((enumStates) => ({ name: `minDistinct ${minDistinct}, ${enumStates ? 'states kept apart' : 'states not special'}`, options: { minDistinct, enumStates } })),
);

// Random samples per system and their size (a quarter of a 2k sample), drawn with a fixed seed.
const SAMPLES = 4;
const SAMPLE_SIZE = 500;

function samplesOf(system: LoghubSystem): { lines: string[]; labels: string[] }[] {
  const random = seededRandom(20_241_201);
  const all = [{ lines: system.lines, labels: system.eventIds }];
  for (let s = 0; s < SAMPLES && system.lines.length > SAMPLE_SIZE; s += 1) {
    const picked = system.lines.map((_, i) => ({ i, r: random() })).sort((a, b) => a.r - b.r).slice(0, SAMPLE_SIZE).map((x) => x.i).sort((a, b) => a - b);
    all.push({ lines: picked.map((i) => system.lines[i]!), labels: picked.map((i) => system.eventIds[i]!) });
  }
  return all;
}

/** score[c][s]: the mean GA of choice c on system s (whole sample and random samples); full[c][s]: on the whole sample. */
export function scoreChoices(systems: readonly LoghubSystem[], choices: readonly Choice[] = CHOICES): { score: number[][]; full: number[][] } {
  const samples = systems.map(samplesOf);
  const score: number[][] = [];
  const full: number[][] = [];
  for (const choice of choices) {
    const options = { ...MINER_DEFAULTS, ...choice.options };
    const ga = samples.map((list) => list.map((s) => groupingAccuracy(parseLines(s.lines, options).groups, s.labels)));
    score.push(ga.map((g) => g.reduce((a, b) => a + b, 0) / g.length));
    full.push(ga.map((g) => g[0]!));
  }
  return { score, full };
}

/** The folds: per system left out, the choice with the best mean score on the others (ties: the earlier choice). */
export function leaveOneOut(systems: readonly LoghubSystem[], choices: readonly Choice[] = CHOICES, defaultChoice = defaultIndex(choices)): Fold[] {
  const { score, full } = scoreChoices(systems, choices);
  return systems.map((held, h) => {
    let best = 0;
    let bestMean = -1;
    score.forEach((row, c) => {
      const mean = row.reduce((a, v, s) => (s === h ? a : a + v), 0) / (systems.length - 1);
      if (mean > bestMean + 1e-9) [best, bestMean] = [c, mean];
    });
    return { heldOut: held.name, chosen: choices[best]!.name, heldOutGa: full[best]![h]!, heldOutGaDefault: full[defaultChoice]![h]! };
  });
}

function defaultIndex(choices: readonly Choice[]): number {
  const i = choices.findIndex((c) => c.options.minDistinct === MINER_DEFAULTS.minDistinct && c.options.enumStates === MINER_DEFAULTS.enumStates);
  return i === -1 ? 0 : i;
}
