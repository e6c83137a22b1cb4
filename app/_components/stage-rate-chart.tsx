'use client';

import { CartesianGrid, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';

/** Success rate per day of one stage (gaps where it did not run). */
export function StageRateChart({ points }: { points: { day: string; rate: number | null }[] }) {
  const data = points.map((p) => ({ day: p.day, rate: p.rate === null ? null : Math.round(p.rate * 10000) / 100 }));
  return (
    <ResponsiveContainer width="100%" height={160}>
      <LineChart data={data} margin={{ top: 8, right: 8, bottom: 0, left: 0 }}>
        <CartesianGrid strokeDasharray="3 3" stroke="var(--border)" vertical={false} />
        <XAxis dataKey="day" tickFormatter={(d: string) => d.slice(5)} stroke="var(--muted)" fontSize={11} />
        <YAxis domain={[(min: number) => Math.max(0, Math.floor(min)), 100]} allowDataOverflow unit="%" stroke="var(--muted)" fontSize={11} width={52} />
        <Tooltip contentStyle={{ background: 'var(--panel)', border: '1px solid var(--border)' }} formatter={(v) => [`${String(v)}%`, 'success rate']} />
        <Line type="monotone" dataKey="rate" stroke="var(--accent)" strokeWidth={2} dot={false} connectNulls={false} isAnimationActive={false} />
      </LineChart>
    </ResponsiveContainer>
  );
}
