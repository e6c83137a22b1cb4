'use client';

import { Bar, BarChart, CartesianGrid, Legend, ReferenceLine, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { formatCount } from '../../lib/format';
import type { DayVolume } from '../../lib/metrics/overview';
import { TOOLTIP_STYLE, targetLine, xTitle, yTitle } from './chart-style';

const SERIES = [
  { key: 'succeeded', label: 'Succeeded', color: 'var(--good)' },
  { key: 'failed', label: 'Failed', color: 'var(--bad)' },
  { key: 'inProgress', label: 'In progress', color: 'var(--neutral)' },
] as const;

/** Rollouts per day by outcome, stacked; `target`: rollouts per day (the weekly target ÷ 7), a dashed line. */
export function VolumeChart({ data, target = null }: { data: DayVolume[]; target?: number | null }) {
  return (
    <div data-volume-chart="" style={{ width: '100%', height: 260 }}>
      <ResponsiveContainer width="100%" height="100%">
        <BarChart data={data} margin={{ top: 12, right: 16, bottom: 18, left: 12 }}>
          <CartesianGrid strokeDasharray="3 3" stroke="var(--border)" vertical={false} />
          <XAxis dataKey="day" tickFormatter={(d: string) => d.slice(5)} stroke="var(--muted)" fontSize={11} label={xTitle('day (MM-DD)')} />
          <YAxis stroke="var(--muted)" fontSize={11} width={64} allowDecimals={false} tickFormatter={(v: number) => formatCount(v)}
            label={yTitle('rollouts per day')} />
          <Tooltip contentStyle={TOOLTIP_STYLE} formatter={(v, name) => [`${formatCount(Number(v))} rollouts`, name]} />
          <Legend verticalAlign="top" height={24} />
          {SERIES.map((s) => (
            <Bar key={s.key} dataKey={s.key} name={s.label} stackId="outcome" fill={s.color} isAnimationActive={false} />
          ))}
          {target !== null && <ReferenceLine y={target} {...targetLine(`target ${formatCount(target)}/day`)} />}
        </BarChart>
      </ResponsiveContainer>
    </div>
  );
}
