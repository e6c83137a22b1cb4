/** What every dashboard chart shares: axis titles, the target line, the tooltip box (recharts props). */

/** An x axis title under the ticks. */
export const xTitle = (value: string, offset = -12) => ({ value, position: 'insideBottom' as const, offset, fill: 'var(--muted)', fontSize: 11 });

/** A y axis title, turned, beside the ticks. */
export const yTitle = (value: string) => ({
  value, angle: -90, position: 'insideLeft' as const, dx: -4, fill: 'var(--muted)', fontSize: 11, style: { textAnchor: 'middle' as const },
});

/** The target: a dashed line, kept in view, with its value. */
export const targetLine = (text: string | null) => ({
  stroke: 'var(--warn)', strokeDasharray: '6 3', ifOverflow: 'extendDomain' as const,
  ...(text === null ? {} : { label: { value: text, position: 'insideTopLeft' as const, fill: 'var(--warn)', fontSize: 11 } }),
});

export const TOOLTIP_STYLE = { background: 'var(--panel)', border: '1px solid var(--border)', fontSize: 12 };
