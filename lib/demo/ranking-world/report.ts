import type { SeedEvaluation } from '../ranking-eval';

/** The plain-text and JSON report of `npm run eval:ranking`. */
export type RankingSummary = {
  k: number;
  product: { min: number; mean: number };
  failures: { min: number; mean: number };
  uplift: { min: number; mean: number };
};

/** The share of the oracle the product must reach at this K on every seed. */
export const TARGET = { k: 5, ratio: 0.9 } as const;

const n = (v: number): string => v.toLocaleString('en-US');
const pts = (v: number): string => v.toFixed(2);
const r2 = (v: number): string => v.toFixed(2);
const sec = (v: number): string => `${v.toFixed(1)} s`;

export function summarise(results: readonly SeedEvaluation[]): RankingSummary[] {
  const ks = results[0]?.scores.map((s) => s.k) ?? [];
  const stat = (k: number, key: 'product' | 'failures' | 'uplift') => {
    const ratios = results.map((r) => r.scores.find((s) => s.k === k)![key].ratio);
    return { min: Math.min(...ratios), mean: ratios.reduce((a, b) => a + b, 0) / ratios.length };
  };
  return ks.map((k) => ({ k, product: stat(k, 'product'), failures: stat(k, 'failures'), uplift: stat(k, 'uplift') }));
}

export function targetMet(summary: readonly RankingSummary[]): boolean {
  const at = summary.find((s) => s.k === TARGET.k);
  return at !== undefined && at.product.min >= TARGET.ratio;
}

function formatSeed(r: SeedEvaluation): string[] {
  const w = r.world;
  const roles = Object.entries(w.roles).map(([role, count]) => `${count} ${role}`).join(', ');
  const lines = [
    `seed ${r.seed}: ${w.services} services, ${w.cohorts} releases, ${w.causes} causes (${roles}; ${w.transient} transient)`,
    `  week: ${n(w.records)} records, success ${w.successRate.toFixed(1)}%`
      + ` (product's yield ${r.product.successRate?.toFixed(1) ?? '-'}% of ${n(r.product.finished)}),`
      + ` ${n(w.failedAttempts)} failed attempts (${n(w.maskedAttempts)} with 2+ causes firing),`
      + ` retries rescued ${n(w.rescuedByRetry)} of ${n(w.firstAttemptFailures)} first-attempt failures`,
    `  classes: ${r.product.classes} for ${w.causesShown} causes that showed (${r.product.impure} impure: minority causes > 10% of events;`
      + ` ${r.product.majorityCauses} causes are some class's majority)`,
  ];
  for (const s of r.scores) {
    const dup = s.product.duplicates > 0 ? `, ${s.product.duplicates} duplicate` : '';
    lines.push(`  K=${s.k}  product ${pts(s.product.gain)} pts (${r2(s.product.ratio)}${dup})`
      + `   by failures ${pts(s.failures.gain)} (${r2(s.failures.ratio)})   by uplift ${pts(s.uplift.gain)} (${r2(s.uplift.ratio)})`
      + `   oracle ${pts(s.oracle.gain)} [${s.oracle.foundBy}; greedy ${pts(s.oracle.greedyGain)}]`);
  }
  lines.push(`  product's top ${r.top.length}:`);
  for (const t of r.top) {
    lines.push(`    #${t.rank} class ${t.classId}: ${n(t.failures)} failures, uplift ${n(t.upliftRollouts)} -> ${t.cause},`
      + ` purity ${(t.purity * 100).toFixed(0)}%, ${pts(t.gainAlone)} pts alone`
      + `; estimated ${t.expectedGain === null ? '–' : pts(t.expectedGain)} alone, ${t.withAbove === null ? '–' : pts(t.withAbove)} with the ones above (truly ${pts(t.trueWithAbove)})`);
  }
  const s = r.seconds;
  lines.push(`  time: simulate ${sec(s.simulate)}, ingest ${sec(s.ingest)} (classification ${sec(s.classify)}), rank ${sec(s.rank)},`
    + ` oracle ${sec(s.oracle)}; ${sec(s.total)} in all`);
  return lines;
}

export function formatRankingEvaluation(results: readonly SeedEvaluation[], seconds: number): string {
  const first = results[0];
  if (!first) return 'no seeds evaluated';
  const summary = summarise(results);
  const seeds = results.map((r) => r.seed).join(', ');
  const lines = [`Product ranking vs the oracle: ${first.week} (UTC), ${n(first.rollouts)} rollouts a seed, seeds ${seeds}`, ''];
  for (const r of results) lines.push(...formatSeed(r), '');
  for (const s of summary) {
    const mm = (v: { min: number; mean: number }) => `min ${r2(v.min)} mean ${r2(v.mean)}`;
    lines.push(`K=${s.k} ratio to the oracle: product ${mm(s.product)}; by failures ${mm(s.failures)}; by uplift ${mm(s.uplift)}`);
  }
  const verdict = targetMet(summary) ? 'met' : 'not met';
  lines.push(`target ≥ ${TARGET.ratio.toFixed(2)} of the oracle at K = ${TARGET.k} on every seed: ${verdict}`);
  lines.push(`${results.length} seeds in ${sec(seconds)}`);
  return lines.join('\n');
}
