'use client';

import { CartesianGrid, Line, LineChart, ReferenceLine, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { AXIS_LABELS, formatTick, formatTrendValue } from '../../lib/format-trend';
import type { ChartScale } from '../../lib/metrics/chart-scale';
import type { TrendUnit } from '../../lib/metrics/trend-series';
import { TOOLTIP_STYLE, targetLine, xTitle, yTitle } from './chart-style';

/**
 * A weekly figure as a line with labelled axes, its unit, the target as a dashed line and the value on
 * hover. `partial` points (the rollouts of the week in progress) are drawn apart, as a hollow dot: they
 * are not a whole week. Rates come as ratios; the scale is in display units (percent or counts).
 */
export type TrendChartPoint = { label: string; tick: string; value: number | null; partial?: boolean };
type Props = {
  points: TrendChartPoint[]; unit: TrendUnit; target: number | null; scale: ChartScale; height?: number;
  /** Small (the overview's tiles): ticks with their unit, no axis titles. */
  compact?: boolean;
  /** The y axis title (default: the unit's, e.g. "% of finished rollouts"). */
  yLabel?: string;
};

const shown = (v: number | null, unit: TrendUnit) => (v === null ? null : unit === 'percent' ? Math.round(v * 10000) / 100 : v);
const PARTIAL_DOT = { r: 4, fill: 'var(--panel)', stroke: 'var(--accent)', strokeWidth: 2 };

export function TrendChart({ points, unit, target, scale, height = 220, compact = false, yLabel = AXIS_LABELS[unit] }: Props) {
  const data = points.map((p) => ({
    tick: p.tick, label: p.label, raw: p.value,
    value: p.partial ? null : shown(p.value, unit), partial: p.partial ? shown(p.value, unit) : null,
  }));
  const font = compact ? 9 : 11;
  const goal = target === null ? null : shown(target, unit);
  const margin = compact ? { top: 4, right: 4, bottom: 0, left: 0 } : { top: 12, right: 16, bottom: 18, left: 12 };
  return (
    <div data-trend-chart="" data-unit={unit} style={{ width: '100%', height }}>
      <ResponsiveContainer width="100%" height="100%">
        <LineChart data={data} margin={margin}>
          <CartesianGrid strokeDasharray="3 3" stroke="var(--border)" vertical={false} />
          <XAxis dataKey="tick" stroke="var(--muted)" fontSize={font} interval="preserveStartEnd" minTickGap={6}
            label={compact ? undefined : xTitle('ISO week')} />
          <YAxis domain={scale.domain} ticks={scale.ticks} allowDataOverflow stroke="var(--muted)" fontSize={font}
            width={compact ? 38 : 64} tickFormatter={(v: number) => formatTick(v, unit)} label={compact ? undefined : yTitle(yLabel)} />
          {goal !== null && <ReferenceLine y={goal} {...targetLine(compact ? null : `target ${formatTick(goal, unit)}`)} />}
          <Tooltip contentStyle={TOOLTIP_STYLE} labelFormatter={(_, payload) => String(payload?.[0]?.payload?.label ?? '')}
            formatter={(_v, name, item) => {
              const raw = (item.payload as { raw: number | null }).raw;
              return [`${formatTrendValue(raw, unit)}${name === 'partial' ? ' so far' : ''}`, yLabel];
            }} />
          <Line type="linear" dataKey="value" name="value" stroke="var(--accent)" strokeWidth={2} dot={{ r: compact ? 1.5 : 3 }}
            connectNulls={false} isAnimationActive={false} />
          <Line dataKey="partial" name="partial" stroke="none" dot={PARTIAL_DOT} isAnimationActive={false} />
        </LineChart>
      </ResponsiveContainer>
    </div>
  );
}
