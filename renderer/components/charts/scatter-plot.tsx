// A scatter of runs: any param or metric against any other, each point colored by a third field
// (or by its run's color). A few hundred points: recharts' SVG is fast enough here.
import { memo, useLayoutEffect, useRef, useState } from 'react';
import { CartesianGrid, Cell, Scatter, ScatterChart, Tooltip, XAxis, YAxis } from 'recharts';
import { formatMetricValue } from '../value-format';
import { formatNumber } from '../../models/charts/chart-scales';

/** One run in the scatter. */
export interface ScatterPoint {
  readonly runId: string;
  readonly label: string;
  readonly x: number;
  readonly y: number;
  readonly color: string;
  /** Outside the current selection: drawn faintly. */
  readonly dimmed: boolean;
}

/** Props of {@link ScatterPlot}. */
export interface ScatterPlotProps {
  readonly points: readonly ScatterPoint[];
  readonly xLabel: string;
  readonly yLabel: string;
  readonly height?: number;
}

const TICK_STYLE = { fontSize: 11, fill: 'var(--chart-tick, #888)' };

function ScatterTooltip({ active, payload, xLabel, yLabel }: { active?: boolean; payload?: ReadonlyArray<{ payload?: ScatterPoint }>; xLabel: string; yLabel: string }) {
  const point = active ? payload?.[0]?.payload : undefined;
  if (!point) return null;
  return (
    <div className="chart-tooltip-box">
      <div className="chart-tooltip-title">
        <span className="swatch" style={{ background: point.color }} /> {point.label}
      </div>
      <div>
        {xLabel}: {formatMetricValue(point.x)}
      </div>
      <div>
        {yLabel}: {formatMetricValue(point.y)}
      </div>
    </div>
  );
}

/** A scatter plot of runs. */
export const ScatterPlot = memo(function ScatterPlot({ points, xLabel, yLabel, height = 320 }: ScatterPlotProps) {
  // The width from a ResizeObserver (recharts' ResponsiveContainer measures with a forced layout).
  const frame = useRef<HTMLDivElement>(null);
  const [width, setWidth] = useState(0);
  useLayoutEffect(() => {
    const element = frame.current;
    if (!element) return;
    const observer = new ResizeObserver(([entry]) => setWidth(Math.floor(entry!.contentRect.width)));
    observer.observe(element);
    return () => observer.disconnect();
  }, []);
  return (
    <div ref={frame} className="scatter-plot" data-testid="scatter-plot" data-point-count={points.length} style={{ height }}>
      {width > 0 && (
        <ScatterChart width={width} height={height} margin={{ top: 10, right: 20, bottom: 24, left: 8 }}>
          <CartesianGrid stroke="var(--chart-grid, #8884)" strokeDasharray="3 3" />
          <XAxis
            type="number"
            dataKey="x"
            name={xLabel}
            domain={['auto', 'auto']}
            tick={TICK_STYLE}
            stroke="var(--chart-axis, #888)"
            tickFormatter={formatNumber}
            interval={0}
            label={{ value: xLabel, position: 'insideBottom', offset: -14, fill: 'var(--chart-tick, #888)', fontSize: 12 }}
          />
          <YAxis
            type="number"
            dataKey="y"
            name={yLabel}
            domain={['auto', 'auto']}
            tick={TICK_STYLE}
            stroke="var(--chart-axis, #888)"
            tickFormatter={formatNumber}
            interval={0}
            width={64}
            label={{ value: yLabel, angle: -90, position: 'insideLeft', fill: 'var(--chart-tick, #888)', fontSize: 12, dy: 40 }}
          />
          <Tooltip cursor={{ strokeDasharray: '3 3' }} content={<ScatterTooltip xLabel={xLabel} yLabel={yLabel} />} isAnimationActive={false} />
          <Scatter data={points} isAnimationActive={false}>
            {points.map((point) => (
              <Cell key={point.runId} fill={point.color} fillOpacity={point.dimmed ? 0.15 : 0.9} stroke={point.dimmed ? 'none' : 'var(--chart-point-outline, #0003)'} />
            ))}
          </Scatter>
        </ScatterChart>
      )}
    </div>
  );
});
