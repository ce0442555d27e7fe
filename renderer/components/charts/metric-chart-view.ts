// A metric chart's axes as data: the domains that fit its lines, snapped to whole ticks so that
// the axes move rarely while a run logs, and the plot area recharts reports.
import { axisTicks, snappedAxis, type XKind, type YScale } from '../../models/charts/chart-scales';
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

/** Ticks wanted along each axis. */
const X_TICKS = 6;
const Y_TICKS = 5;

/** The axes that fit the lines (or the zoomed range), snapped to whole ticks; null when there is nothing to draw. */
export function computeView(lines: readonly ChartLine[], xKind: XKind, yScale: YScale, xRange: readonly [number, number] | null): ChartView | null {
  const extents = lineExtents(lines, yScale, xRange);
  if (!extents) return null;
  const x = xRange
    ? { domain: [xRange[0], xRange[1]] as [number, number], ticks: axisTicks(xRange, X_TICKS, { kind: xKind }) }
    : snappedAxis(extents.x[0], extents.x[1], X_TICKS, xKind, 'linear');
  const y = snappedAxis(extents.y[0], extents.y[1], Y_TICKS, 'value', yScale);
  return { xDomain: x.domain, yDomain: y.domain, xTicks: x.ticks, yTicks: y.ticks };
}

/** Whether two views have the same domains (ticks follow from them). */
export function sameView(a: ChartView | null, b: ChartView | null): boolean {
  if (a === null || b === null) return a === b;
  return a.xDomain[0] === b.xDomain[0] && a.xDomain[1] === b.xDomain[1] && a.yDomain[0] === b.yDomain[0] && a.yDomain[1] === b.yDomain[1];
}
