'use client';

import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { DayVolume } from '../../lib/metrics/overview';

const SERIES = [
  { key: 'succeeded', label: 'Succeeded', color: 'var(--good)' },
  { key: 'failed', label: 'Failed', color: 'var(--bad)' },
  { key: 'inProgress', label: 'In progress', color: 'var(--neutral)' },
] as const;

/** Rollouts per day by outcome, stacked. */
export function VolumeChart({ data }: { data: DayVolume[] }) {
  return (
    <ResponsiveContainer width="100%" height={240}>
      <BarChart data={data} margin={{ top: 8, right: 8, bottom: 0, left: 0 }}>
        <CartesianGrid strokeDasharray="3 3" stroke="var(--border)" vertical={false} />
        <XAxis dataKey="day" tickFormatter={(d: string) => d.slice(5)} stroke="var(--muted)" fontSize={11} />
        <YAxis stroke="var(--muted)" fontSize={11} width={48} />
        <Tooltip contentStyle={{ background: 'var(--panel)', border: '1px solid var(--border)' }} />
        <Legend />
        {SERIES.map((s) => (
          <Bar key={s.key} dataKey={s.key} name={s.label} stackId="outcome" fill={s.color} isAnimationActive={false} />
        ))}
      </BarChart>
    </ResponsiveContainer>
  );
}
