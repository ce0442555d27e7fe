// The recharts part of a metric chart: grid and axes only (the lines are drawn on a canvas), and
// a probe that reports the plot area recharts laid out to the canvas and pointer layers.
import { memo, useLayoutEffect } from 'react';
import { CartesianGrid, LineChart, XAxis, YAxis, usePlotArea } from 'recharts';
import { formatNumber, formatX, type XKind, type YScale } from '../../models/charts/chart-scales';
import type { ChartView, PlotBox } from './metric-chart-view';

const MARGIN = { top: 10, right: 16, bottom: 0, left: 0 };
const Y_AXIS_WIDTH = 58;
const X_AXIS_HEIGHT = 26;
const NO_DATA: never[] = [];
const X_TICK = { fontSize: 11, fill: 'var(--chart-tick, #888)', className: 'chart-x-tick' };
const Y_TICK = { fontSize: 11, fill: 'var(--chart-tick, #888)', className: 'chart-y-tick' };

/** Reports recharts' plot area (inside the margins and axes) to the canvas and pointer layers. */
function PlotAreaProbe({ onChange }: { onChange: (box: PlotBox) => void }) {
  const area = usePlotArea();
  // Its numbers, not the object: recharts hands a new object on every render.
  const left = area?.x;
  const top = area?.y;
  const width = area?.width;
  const height = area?.height;
  useLayoutEffect(() => {
    if (left !== undefined && top !== undefined && width !== undefined && height !== undefined) onChange({ left, top, width, height });
  }, [left, top, width, height, onChange]);
  return null;
}

/** Props of {@link ChartAxes}. */
export interface AxesProps {
  readonly width: number;
  readonly height: number;
  readonly view: ChartView;
  readonly xKind: XKind;
  readonly yScale: YScale;
  readonly onPlotArea: (box: PlotBox) => void;
}

/**
 * The recharts part: grid and axes only; renders again only when the domain or size changes. Its
 * few ticks are all shown (interval 0): recharts then skips measuring each label in the DOM,
 * which forces a layout per label.
 */
export const ChartAxes = memo(function ChartAxes({ width, height, view, xKind, yScale, onPlotArea }: AxesProps) {
  const span = view.xDomain[1] - view.xDomain[0];
  return (
    <LineChart width={width} height={height} data={NO_DATA} margin={MARGIN}>
      <CartesianGrid stroke="var(--chart-grid, #8884)" strokeDasharray="3 3" />
      <XAxis
        type="number"
        dataKey="x"
        domain={view.xDomain}
        ticks={view.xTicks}
        allowDataOverflow
        height={X_AXIS_HEIGHT}
        tick={X_TICK}
        stroke="var(--chart-axis, #888)"
        tickFormatter={(value: number) => formatX(value, xKind, span)}
        interval={0}
      />
      <YAxis
        type="number"
        domain={view.yDomain}
        ticks={view.yTicks}
        scale={yScale}
        allowDataOverflow
        width={Y_AXIS_WIDTH}
        tick={Y_TICK}
        stroke="var(--chart-axis, #888)"
        tickFormatter={formatNumber}
        interval={0}
      />
      <PlotAreaProbe onChange={onPlotArea} />
    </LineChart>
  );
});
