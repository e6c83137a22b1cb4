/**
 * Y scales for the dashboard's charts, computed once on the server so that charts meant to be
 * compared (the stage small multiples) get the very same domain and ticks. Values in display units:
 * percent (0–100) or counts.
 */
export type ChartScale = { domain: [number, number]; ticks: number[] };

// Steps a percent axis may use; the first that fits in MAX_TICK_STEPS steps is taken (finest first).
const PERCENT_STEPS = [0.5, 1, 2, 5, 10, 20, 25];
const MAX_TICK_STEPS = 5;

const ticksOf = (from: number, to: number, step: number) =>
  Array.from({ length: Math.round((to - from) / step) + 1 }, (_, i) => Math.round((from + i * step) * 100) / 100);

/**
 * A percent axis from a round value at or below the lowest rate (and the target) up to 100%: rates near
 * 100% are not flattened into a line at the top, and the target line is always in view.
 */
export function percentScale(ratios: readonly (number | null)[], target: number | null = null): ChartScale {
  const shown = [...ratios, target].filter((r): r is number => r !== null && Number.isFinite(r));
  if (shown.length === 0) return { domain: [0, 100], ticks: ticksOf(0, 100, 25) };
  const lowest = Math.max(0, Math.min(...shown) * 100);
  for (const step of PERCENT_STEPS) {
    // A step lower when the lowest value sits on (or just above) a tick, so its point is not drawn on the axis line.
    const floor = Math.floor(lowest / step) * step;
    const from = Math.max(0, lowest - floor < step / 4 && lowest < 100 ? floor - step : floor);
    if (from === 100) return { domain: [100 - step, 100], ticks: ticksOf(100 - step, 100, step) };
    if ((100 - from) / step <= MAX_TICK_STEPS) return { domain: [from, 100], ticks: ticksOf(from, 100, step) };
  }
  return { domain: [0, 100], ticks: ticksOf(0, 100, 25) };
}

/** A count axis from 0 to a round value at or above the highest count (and the target), in 1-2-5 steps. */
export function countScale(values: readonly (number | null)[], target: number | null = null): ChartScale {
  const highest = Math.max(1, ...[...values, target].filter((v): v is number => v !== null && Number.isFinite(v)));
  let magnitude = 10 ** Math.floor(Math.log10(highest / MAX_TICK_STEPS));
  for (;;) {
    for (const m of [1, 2, 5]) {
      const step = Math.max(1, m * magnitude);
      const top = Math.ceil(highest / step) * step;
      if (top / step <= MAX_TICK_STEPS) return { domain: [0, top], ticks: ticksOf(0, top, step) };
    }
    magnitude *= 10;
  }
}
