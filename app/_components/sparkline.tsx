'use client';

import { Line, LineChart, Tooltip } from 'recharts';

/** A small line without axes (the numbers are in the tooltip): a class's weekly failures, a KPI's weeks. */
export function Sparkline({ points, unit = '', width = 96 }: { points: { label: string; value: number | null }[]; unit?: string; width?: number }) {
  if (points.length < 2) return null;
  return (
    <LineChart width={width} height={24} data={points} aria-label={points.map((p) => `${p.label}: ${p.value ?? '–'}${unit}`).join(', ')}>
      <Tooltip contentStyle={{ background: 'var(--panel)', border: '1px solid var(--border)', fontSize: 11 }} formatter={(v) => [`${String(v)}${unit}`, '']} labelFormatter={(_, p) => String(p?.[0]?.payload?.label ?? '')} />
      <Line type="monotone" dataKey="value" stroke="var(--accent)" strokeWidth={1.5} dot={false} isAnimationActive={false} />
    </LineChart>
  );
}
