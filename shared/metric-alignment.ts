// The x-axis of metric charts: turns a run's metric points into (x, y) pairs for the chosen
// axis, and finds each series' point under the pointer for the tooltip.
// Runs in the renderer: no Node imports.
import type { MetricPoint } from './models';

/** What a metric chart's x-axis shows. */
export type XAxis =
  | { readonly mode: 'step' }
  /** Wall time: the point's timestamp, milliseconds since the epoch. */
  | { readonly mode: 'wall' }
  /** Seconds since the run started: since runStartTime (ms since the epoch) or, without it, the earliest timestamp. */
  | { readonly mode: 'relative'; readonly runStartTime?: number }
  /** Another metric of the same run as x, matched by step. */
  | { readonly mode: 'metric'; readonly xMetric: readonly MetricPoint[] };

/** A series ready to draw: parallel columns, sorted by x (ties in input order). */
export interface AlignedSeries {
  readonly x: Float64Array;
  readonly y: Float64Array;
  readonly steps: Float64Array;
  readonly timestamps: Float64Array;
}

/** One point of an aligned series, as a tooltip shows it. */
export interface AlignedPoint {
  /** Its position in the aligned series. */
  readonly index: number;
  readonly x: number;
  readonly y: number;
  readonly step: number;
  readonly timestamp: number;
}

const MILLISECONDS_PER_SECOND = 1000;

/**
 * Gives each point its x on the chosen axis and sorts the points by x. In 'metric' mode the
 * x-metric's value at a step is its last point at that step (latest timestamp, then input
 * order); points of a step the x-metric lacks, or where its value is NaN, are dropped, and
 * every point of the y-metric at a step keeps its own value.
 */
export function alignMetricSeries(points: readonly MetricPoint[], axis: XAxis): AlignedSeries {
  switch (axis.mode) {
    case 'step':
      return sortedByX(points, (point) => point.step);
    case 'wall':
      return sortedByX(points, (point) => point.timestamp);
    case 'relative': {
      const start = axis.runStartTime ?? earliestTimestamp(points);
      return sortedByX(points, (point) => (point.timestamp - start) / MILLISECONDS_PER_SECOND);
    }
    case 'metric': {
      const xByStep = lastValueByStep(axis.xMetric);
      const matched = points.filter((point) => {
        const x = xByStep.get(point.step);
        return x !== undefined && !Number.isNaN(x);
      });
      return sortedByX(matched, (point) => xByStep.get(point.step)!);
    }
  }
}

/** The index of the point nearest to x in a list sorted by x (the earliest one on ties); -1 when empty or x is NaN. */
export function nearestIndexByX(sortedX: ArrayLike<number>, x: number): number {
  if (sortedX.length === 0 || Number.isNaN(x)) return -1;
  const after = lowerBound(sortedX, x, sortedX.length);
  if (after === 0) return 0;
  const before = sortedX[after - 1]!;
  if (after < sortedX.length && sortedX[after]! - x < x - before) return after;
  return lowerBound(sortedX, before, after - 1);
}

/** For a tooltip: each series' point nearest to the hovered x, or null for an empty series. */
export function pointsAtX(series: readonly AlignedSeries[], x: number): (AlignedPoint | null)[] {
  return series.map((one) => {
    const index = nearestIndexByX(one.x, x);
    if (index === -1) return null;
    return { index, x: one.x[index]!, y: one.y[index]!, step: one.steps[index]!, timestamp: one.timestamps[index]! };
  });
}

function sortedByX(points: readonly MetricPoint[], xOf: (point: MetricPoint) => number): AlignedSeries {
  const xs = new Float64Array(points.length);
  for (let i = 0; i < points.length; i++) xs[i] = xOf(points[i]!);
  const order = isSortedAscending(xs) ? null : Uint32Array.from(xs.keys()).sort((a, b) => xs[a]! - xs[b]! || a - b);
  const aligned = {
    x: new Float64Array(points.length),
    y: new Float64Array(points.length),
    steps: new Float64Array(points.length),
    timestamps: new Float64Array(points.length),
  };
  for (let i = 0; i < points.length; i++) {
    const source = order === null ? i : order[i]!;
    const point = points[source]!;
    aligned.x[i] = xs[source]!;
    aligned.y[i] = point.value;
    aligned.steps[i] = point.step;
    aligned.timestamps[i] = point.timestamp;
  }
  return aligned;
}

/** The first index in [0, end) whose x is not below x, or end. */
function lowerBound(sortedX: ArrayLike<number>, x: number, end: number): number {
  let low = 0;
  let high = end;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (sortedX[middle]! < x) low = middle + 1;
    else high = middle;
  }
  return low;
}

function isSortedAscending(xs: Float64Array): boolean {
  for (let i = 1; i < xs.length; i++) {
    if (xs[i]! < xs[i - 1]!) return false;
  }
  return true;
}

function earliestTimestamp(points: readonly MetricPoint[]): number {
  let earliest = Infinity;
  for (const point of points) earliest = Math.min(earliest, point.timestamp);
  return earliest;
}

function lastValueByStep(points: readonly MetricPoint[]): Map<number, number> {
  const latest = new Map<number, MetricPoint>();
  for (const point of points) {
    const previous = latest.get(point.step);
    if (previous === undefined || point.timestamp >= previous.timestamp) latest.set(point.step, point);
  }
  return new Map(Array.from(latest, ([step, point]) => [step, point.value]));
}
