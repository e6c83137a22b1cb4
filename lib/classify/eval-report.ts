import type { Evaluation } from './evaluation';

/** The evaluation as Markdown tables (what the README's "Measured on real logs" shows). */
export function formatEvaluation(e: Evaluation): string {
  return [header(e), devTable(e), fullTable(e), foldTable(e), memoryTable(e), targets(e)].filter(Boolean).join('\n\n');
}

const f3 = (x: number) => x.toFixed(3);
const int = (x: number) => Math.round(x).toLocaleString('en-US');
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);

function header(e: Evaluation): string {
  return `Loghub-2k at ${e.root}, Loghub-2.0 at ${e.root2}; one configuration for all systems.`;
}

function devTable(e: Evaluation): string {
  const rows = e.systems.map((r) => {
    const v = r.v2;
    const v2 = v ? `${f3(v.ga)} | ${f3(v.pa)} | ${f3(v.fga)} | ${f3(v.fta)}` : '– | – | – | –';
    return `| ${r.name} | ${f3(r.ga)} | ${f3(r.gaCorrected)} | ${v2} | ${r.found} / ${r.truth} | ${int(r.linesPerSecond)} |`;
  });
  const with2 = e.systems.filter((r) => r.v2);
  const avg2 = (k: 'ga' | 'pa' | 'fga' | 'fta') => f3(mean(with2.map((r) => r.v2![k])));
  const average = `| **Average** | **${f3(mean(e.systems.map((r) => r.ga)))}** | **${f3(mean(e.systems.map((r) => r.gaCorrected)))}** | ${avg2('ga')} | **${avg2('pa')}** | ${avg2('fga')} | ${avg2('fta')} | | ${int(mean(e.systems.map((r) => r.linesPerSecond)))} |`;
  return [
    '| System | GA | GA (corrected) | GA (2.0) | PA (2.0) | FGA (2.0) | FTA (2.0) | Templates found / true | Lines/s |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- |',
    ...rows,
    average,
  ].join('\n');
}

function fullTable(e: Evaluation): string {
  if (e.full.length === 0) return '';
  return [
    'Full-size Loghub-2.0 logs:',
    '',
    '| Log | Lines | GA | PA | FGA | FTA | Templates found / true | Lines/s |',
    '| --- | --- | --- | --- | --- | --- | --- | --- |',
    ...e.full.map((r) => `| ${r.name} | ${int(r.lines)} | ${f3(r.scores.ga)} | ${f3(r.scores.pa)} | ${f3(r.scores.fga)} | ${f3(r.scores.fta)} | ${r.found} / ${r.truth} | ${int(r.linesPerSecond)} |`),
  ].join('\n');
}

function foldTable(e: Evaluation): string {
  return [
    'Leave-one-out (choice made on the other systems; GA on the original labels):',
    '',
    '| Left out | Choice picked on the others | Held-out GA | Held-out GA, default |',
    '| --- | --- | --- | --- |',
    ...e.folds.map((f) => `| ${f.heldOut} | ${f.chosen} | ${f3(f.heldOutGa)} | ${f3(f.heldOutGaDefault)} |`),
    `| **Average** | | **${f3(mean(e.folds.map((f) => f.heldOutGa)))}** | ${f3(mean(e.folds.map((f) => f.heldOutGaDefault)))} |`,
  ].join('\n');
}

function memoryTable(e: Evaluation): string {
  if (e.memory.length === 0) return '';
  return [
    'Memory after learning distinct messages (consolidating every 10,000):',
    '',
    '| Stream | Distinct messages | Clusters kept | Heap held by the miner | Saved state | Lines/s |',
    '| --- | --- | --- | --- | --- | --- |',
    ...e.memory.map((m) => `| ${m.stream} | ${int(m.messages)} | ${int(m.clusters)} | ${m.heapMb.toFixed(1)} MB | ${m.stateMb.toFixed(2)} MB | ${int(m.messages / m.seconds)} |`),
  ].join('\n');
}

function targets(e: Evaluation): string {
  const slowest = Math.min(...e.systems.map((r) => r.linesPerSecond));
  const lowest = Math.min(...e.systems.map((r) => r.ga));
  return `Lowest GA: ${f3(lowest)}; slowest system: ${int(slowest)} lines/s. Targets (issue #11): GA ≥ 0.95 on average and ≥ 0.90 on every system, full Proxifier ≥ 0.95, PA ≥ 0.75 on average, ≥ 200,000 lines/s.`;
}
