import type { ClassImpact, ClassToil, JointGain } from '../rank/impact';

/**
 * The figures the lists read from a stored ranking's JSON (RankingEntry.detail, RankingSnapshot.summary).
 * Rankings stored before expected gain and toil existed lack them: null, never made up.
 */
export type EntryFigures = { upliftOf: number; impact: ClassImpact | null; toil: ClassToil | null; toilRank: number | null };

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const numberOrNull = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

function readImpact(v: unknown): ClassImpact | null {
  if (!isObject(v) || numberOrNull(v.expectedGain) === null) return null;
  const impact = v as unknown as ClassImpact;
  return { ...impact, hiddenBehind: Array.isArray(v.hiddenBehind) ? impact.hiddenBehind : [] };
}

export function readEntryFigures(detail: unknown): EntryFigures {
  const d = isObject(detail) ? detail : {};
  const toil = isObject(d.toil) && numberOrNull(d.toil.attemptsLost) !== null ? (d.toil as unknown as ClassToil) : null;
  return { upliftOf: numberOrNull(d.upliftOf) ?? 0, impact: readImpact(d.impact), toil, toilRank: numberOrNull(d.toilRank) };
}

/** The "fix together" figures of a snapshot's summary; null for a ranking stored before they existed. */
/** The days of each week a stored ranking compared (7 for rankings stored before like-for-like comparison). */
export function readComparedDays(summary: unknown): number {
  return isObject(summary) && typeof summary.comparedDays === 'number' ? summary.comparedDays : 7;
}

export function readFixTogether(summary: unknown): JointGain[] | null {
  return isObject(summary) && Array.isArray(summary.fixTogether) ? (summary.fixTogether as JointGain[]) : null;
}
