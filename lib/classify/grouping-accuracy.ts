/**
 * Grouping Accuracy (Zhu et al., ICSE-SEIP 2019): a line is correct when the set of lines in its
 * predicted group equals the set of lines in its true group. Returns the share of correct lines.
 */
export function groupingAccuracy(predicted: readonly (string | number)[], truth: readonly (string | number)[]): number {
  if (predicted.length !== truth.length) throw new Error(`groupingAccuracy: ${predicted.length} predictions for ${truth.length} lines`);
  if (truth.length === 0) return 1;
  const members = (labels: readonly (string | number)[]) => {
    const groups = new Map<string | number, number[]>();
    labels.forEach((label, i) => {
      const g = groups.get(label);
      if (g) g.push(i);
      else groups.set(label, [i]);
    });
    return groups;
  };
  const pred = members(predicted);
  const real = members(truth);
  let correct = 0;
  for (const lines of pred.values()) {
    const label = truth[lines[0]!]!;
    const same = real.get(label)!;
    if (same.length === lines.length && lines.every((i) => truth[i] === label)) correct += lines.length;
  }
  return correct / truth.length;
}
