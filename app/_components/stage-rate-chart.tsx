'use client';

import { CartesianGrid, Line, LineChart, ReferenceLine, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { formatPercent } from '../../lib/format';
import type { ChartScale } from '../../lib/metrics/chart-scale';
import { TOOLTIP_STYLE, targetLine, xTitle, yTitle } from './chart-style';

type Props = { points: { day: string; rate: number | null }[]; scale: ChartScale; target?: number | null };

/**
 * Success rate per day (or ISO week) of one stage, gaps where it did not run. `scale` (percent) is shared
 * by every stage's chart on a page, so their heights compare; `target` (a ratio) is drawn dashed.
 */
export function StageRateChart({ points, scale, target = null }: Props) {
  const data = points.map((p) => ({ day: p.day, rate: p.rate === null ? null : Math.round(p.rate * 10000) / 100, raw: p.rate }));
  const weekly = points[0]?.day.includes('-W') ?? false;
  return (
    <div data-stage-rate-chart="" style={{ width: '100%', height: 180 }}>
      <ResponsiveContainer width="100%" height="100%">
        <LineChart data={data} margin={{ top: 8, right: 8, bottom: 14, left: 8 }}>
          <CartesianGrid strokeDasharray="3 3" stroke="var(--border)" vertical={false} />
          <XAxis dataKey="day" tickFormatter={(d: string) => d.slice(5)} stroke="var(--muted)" fontSize={11}
            label={xTitle(weekly ? 'ISO week' : 'day (MM-DD)', -10)} />
          <YAxis domain={scale.domain} ticks={scale.ticks} allowDataOverflow tickFormatter={(v: number) => `${v}%`}
            stroke="var(--muted)" fontSize={11} width={60} label={yTitle('success rate (%)')} />
          {target !== null && <ReferenceLine y={Math.round(target * 10000) / 100} {...targetLine(`target ${formatPercent(target)}`)} />}
          <Tooltip contentStyle={TOOLTIP_STYLE}
            formatter={(_v, _n, item) => [formatPercent((item.payload as { raw: number | null }).raw, 2), 'success rate']} />
          <Line type="linear" dataKey="rate" stroke="var(--accent)" strokeWidth={2} dot={false} connectNulls={false} isAnimationActive={false} />
        </LineChart>
      </ResponsiveContainer>
    </div>
  );
}
