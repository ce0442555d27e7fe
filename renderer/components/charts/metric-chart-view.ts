// A metric chart's axes as data: the domains that fit its lines, snapped to whole ticks so that
// the axes move rarely while a run logs, and the plot area recharts reports.
import { axisTicks, niceDomain, type XKind, type YScale } from '../../models/charts/chart-scales';
import { lineExtents, type ChartLine } from './chart-lines';

/** A chart's axes: domains and ticks. */
export interface ChartView {
  readonly xDomain: readonly [number, number];
  readonly yDomain: readonly [number, number];
  readonly xTicks: readonly number[];
  readonly yTicks: readonly number[];
}

/** Recharts' plot area inside the chart, in pixels: where the lines and the pointer layer go. */
export interface PlotBox {
  readonly left: number;
  readonly top: number;
  readonly width: number;
  readonly height: number;
}

/**
 * The axes drawn before there are lines: mounting recharts is the costly part of a chart's first
 * render, so it happens while the series are still being fetched, and the chart keeps its layout.
 */
export const EMPTY_VIEW: ChartView = { xDomain: [0, 1], yDomain: [0, 1], xTicks: [0, 0.5, 1], yTicks: [0, 0.5, 1] };

/** Widens [min, max] to whole tick steps so that the axes move rarely while a run logs. */
function snapToTicks(min: number, max: number, kind: XKind | 'value', scale: YScale): [number, number] {
  if (scale === 'log') return niceDomain(min, max, 'log');
  const [low, high] = niceDomain(min, max, 'linear');
  const ticks = axisTicks([low, high], 5, { kind });
  const step = ticks.length > 1 ? ticks[1]! - ticks[0]! : high - low;
  return [Math.floor(low / step) * step, Math.ceil(high / step) * step];
}

/** The axes that fit the lines (or the zoomed range), snapped to whole ticks; null when there is nothing to draw. */
export function computeView(lines: readonly ChartLine[], xKind: XKind, yScale: YScale, xRange: readonly [number, number] | null): ChartView | null {
  const extents = lineExtents(lines, yScale, xRange);
  if (!extents) return null;
  const xDomain = xRange ? ([xRange[0], xRange[1]] as const) : snapToTicks(extents.x[0], extents.x[1], xKind, 'linear');
  const yDomain = snapToTicks(extents.y[0], extents.y[1], 'value', yScale);
  return {
    xDomain,
    yDomain,
    xTicks: axisTicks(xDomain, 6, { kind: xKind }),
    yTicks: axisTicks(yDomain, 5, { kind: 'value', scale: yScale }),
  };
}

/** Whether two views have the same domains (ticks follow from them). */
export function sameView(a: ChartView | null, b: ChartView | null): boolean {
  if (a === null || b === null) return a === b;
  return a.xDomain[0] === b.xDomain[0] && a.xDomain[1] === b.xDomain[1] && a.yDomain[0] === b.yDomain[0] && a.yDomain[1] === b.yDomain[1];
}
