'use client';

import { Line, LineChart, Tooltip } from 'recharts';

/** A class's failures per week, as a small line without axes (the numbers are in the tooltip). */
export function Sparkline({ points }: { points: { week: string; failures: number }[] }) {
  if (points.length < 2) return null;
  return (
    <LineChart width={96} height={24} data={points} aria-label={points.map((p) => `${p.week}: ${p.failures}`).join(', ')}>
      <Tooltip contentStyle={{ background: 'var(--panel)', border: '1px solid var(--border)', fontSize: 11 }} formatter={(v) => [String(v), 'failures']} labelFormatter={(_, p) => String(p?.[0]?.payload?.week ?? '')} />
      <Line type="monotone" dataKey="failures" stroke="var(--accent)" strokeWidth={1.5} dot={false} isAnimationActive={false} />
    </LineChart>
  );
}
