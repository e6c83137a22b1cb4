/**
 * Log-parsing metrics as the Loghub-2.0 benchmark defines them (Jiang et al., ISSTA 2024;
 * ../shared/data/loghub-2.0/README.md). Lines are grouped by their predicted group (a cluster id)
 * and by their true template.
 *  - GA (Zhu et al., ICSE-SEIP 2019): share of lines whose predicted group holds exactly the lines of their true group.
 *  - FGA: F1 over groups; a predicted group is correct when its lines are exactly one true group.
 *  - PA: share of lines whose predicted template text equals the true template text.
 *  - FTA: F1 over templates; correct when the group is correct AND its text equals the true template.
 */
type Label = string | number;

function groupsOf(labels: readonly Label[]): Map<Label, number[]> {
  const groups = new Map<Label, number[]>();
  labels.forEach((label, i) => {
    const g = groups.get(label);
    if (g) g.push(i);
    else groups.set(label, [i]);
  });
  return groups;
}

function checkLengths(name: string, predicted: readonly unknown[], truth: readonly unknown[]): void {
  if (predicted.length !== truth.length) throw new Error(`${name}: ${predicted.length} predictions for ${truth.length} lines`);
}

/** The predicted groups whose lines are exactly one true group. */
function correctGroups(predicted: readonly Label[], truth: readonly Label[]): number[][] {
  const real = groupsOf(truth);
  const correct: number[][] = [];
  for (const lines of groupsOf(predicted).values()) {
    const label = truth[lines[0]!]!;
    if (real.get(label)!.length === lines.length && lines.every((i) => truth[i] === label)) correct.push(lines);
  }
  return correct;
}

const f1 = (correct: number, predicted: number, real: number) => {
  const precision = predicted === 0 ? 0 : correct / predicted;
  const recall = real === 0 ? 0 : correct / real;
  return precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
};

/** Grouping Accuracy: the share of lines whose predicted group equals their true group. */
export function groupingAccuracy(predicted: readonly Label[], truth: readonly Label[]): number {
  checkLengths('groupingAccuracy', predicted, truth);
  if (truth.length === 0) return 1;
  return correctGroups(predicted, truth).reduce((n, g) => n + g.length, 0) / truth.length;
}

export type ParsingScores = { ga: number; fga: number; pa: number; fta: number };

/**
 * All four metrics. `groups[i]` is line i's predicted group, `templates[i]` its predicted template
 * text; `truth[i]` its true template text (which also defines the true groups).
 */
export function parsingScores(groups: readonly Label[], templates: readonly string[], truth: readonly string[]): ParsingScores {
  checkLengths('parsingScores', groups, truth);
  checkLengths('parsingScores', templates, truth);
  if (truth.length === 0) return { ga: 1, fga: 1, pa: 1, fta: 1 };
  const correct = correctGroups(groups, truth);
  const predictedGroups = new Set(groups).size;
  const realGroups = new Set(truth).size;
  const exact = correct.filter((lines) => templates[lines[0]!] === truth[lines[0]!]).length;
  let pa = 0;
  for (let i = 0; i < truth.length; i += 1) if (templates[i] === truth[i]) pa += 1;
  return {
    ga: correct.reduce((n, g) => n + g.length, 0) / truth.length,
    fga: f1(correct.length, predictedGroups, realGroups),
    pa: pa / truth.length,
    fta: f1(exact, predictedGroups, realGroups),
  };
}
