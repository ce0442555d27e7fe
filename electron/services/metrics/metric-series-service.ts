// Metric series for charts: many runs and keys in one call, each reduced on the main side to a
// point budget (about the chart's width in pixels) and put on the chosen x-axis.
//
// Points are read by step through a MetricSeriesReader (the database's side), then given their x
// with the shared alignment (shared/metric-alignment.ts), so the axes mean the same here as in the
// renderer. A zoom into an x-range is read by step too: for wall time, relative time and metric
// axes the step range is found from a coarse pass over the series, assuming x grows with the step
// (as logging time and counters such as epochs do); when it does not, the whole series is read
// and cut to the range.
import { alignMetricSeries, type AlignedSeries, type XAxis } from '../../../shared/metric-alignment';
import type { MetricSeries, MetricSeriesResult, MetricXAxis } from '../../../shared/metric-series';
import type { MetricPoint } from '../../../shared/models';
import { selectDownsampledIndices } from './metric-downsampler';
import type { MetricSeriesReader, SeriesExtent, StepWindow, StoredSeries } from './metric-series-reader';

/** A request for metric series, as the contract validates it. */
export interface MetricSeriesRequest {
  readonly runIds: readonly string[];
  readonly keys: readonly string[];
  readonly xAxis: MetricXAxis;
  /** Only points whose x lies in [min, max]: a zoom. */
  readonly xRange?: readonly [number, number];
  /** The most points per series. */
  readonly maxPoints: number;
}

/** Budget of the coarse pass that maps an x-range to a step range. */
const STEP_MAP_BUDGET = 512;

/** Metric series for charts, over any database's MetricSeriesReader. */
export class MetricSeriesService {
  constructor(private readonly reader: MetricSeriesReader) {}

  /** The requested runs' series of the requested keys, reduced to maxPoints each, in request order (runs, then keys). */
  getMetricSeries(request: MetricSeriesRequest): MetricSeriesResult {
    const xMetric = typeof request.xAxis === 'object' ? request.xAxis.metric : null;
    const keys = xMetric === null ? request.keys : [...new Set([...request.keys, xMetric])];
    const found = this.reader.findSeries(request.runIds, keys);
    const byRunKey = new Map(found.map((series) => [`${series.runId}\u0000${series.key}`, series]));
    const series: MetricSeries[] = [];
    for (const runId of request.runIds) {
      for (const key of request.keys) {
        const row = byRunKey.get(`${runId}\u0000${key}`);
        if (!row) continue;
        const xRow = xMetric === null ? null : byRunKey.get(`${runId}\u0000${xMetric}`);
        if (xRow === undefined) continue;
        series.push(this.readSeries(row, xRow, request));
      }
    }
    return { series };
  }

  private readSeries(row: StoredSeries, xRow: StoredSeries | null, request: MetricSeriesRequest): MetricSeries {
    const { extent } = row;
    const { xAxis, xRange, maxPoints } = request;
    if (xAxis === 'step') {
      const window = this.reader.readWindow(extent, maxPoints, xRange, false);
      const { steps, values, rawCount, complete } = window;
      return { runId: row.runId, key: row.key, x: steps, y: values, steps: null, rawCount, complete };
    }
    if (xAxis === 'wall' || xAxis === 'relative') {
      const axis: XAxis = xAxis === 'wall' ? { mode: 'wall' } : { mode: 'relative', runStartTime: row.runStartTime };
      const timeOf = (window: StepWindow) => alignedX(window, axis);
      const window = this.reader.readWindow(extent, maxPoints, xRange && this.stepRangeFor(extent, xRange, timeOf));
      return this.finish(row, alignMetricSeries(toPoints(window), axis), window, request);
    }
    // Against another metric, joined by step: the points of both series at the steps either one
    // keeps, so that a y-series logged more often than its x-metric still meets it.
    const xExtent = xRow!.extent;
    const stepRange = xRange && this.stepRangeFor(xExtent, xRange, (window) => window.values);
    const yWindow = this.reader.readWindow(extent, maxPoints, stepRange, false);
    const xWindow = this.reader.readWindow(xExtent, maxPoints, stepRange, false);
    const missingIn = (window: StepWindow, other: StepWindow) => {
      const have = new Set(window.steps);
      return [...new Set(other.steps)].filter((step) => !have.has(step));
    };
    const aligned = alignMetricSeries([...toPoints(yWindow), ...this.reader.pointsAtSteps(extent.seriesId, missingIn(yWindow, xWindow))], {
      mode: 'metric',
      xMetric: [...toPoints(xWindow), ...this.reader.pointsAtSteps(xExtent.seriesId, missingIn(xWindow, yWindow))],
    });
    const bothWhole = { ...yWindow, complete: yWindow.complete && xWindow.complete };
    return this.finish(row, aligned, bothWhole, request);
  }

  /** Cuts aligned points to the x-range and the budget. */
  private finish(row: StoredSeries, aligned: AlignedSeries, window: StepWindow, request: MetricSeriesRequest): MetricSeries {
    const { xRange, maxPoints } = request;
    const { indices } = selectDownsampledIndices(aligned.x, aligned.y, { budget: maxPoints, xRange });
    const inRange = xRange ? countInRange(aligned.x, xRange) : aligned.x.length;
    const pick = (column: Float64Array) => {
      const picked = new Float64Array(indices.length);
      for (let i = 0; i < indices.length; i++) picked[i] = column[indices[i]!]!;
      return picked;
    };
    return {
      runId: row.runId,
      key: row.key,
      x: pick(aligned.x),
      y: pick(aligned.y),
      steps: pick(aligned.steps),
      // A window read whole holds every point of the range; otherwise the count is over the steps read.
      rawCount: window.complete ? inRange : window.rawCount,
      complete: window.complete && indices.length === inRange,
    };
  }

  /**
   * The steps whose x may lie in xRange, from a coarse pass over the series; undefined (the
   * whole series) when x does not grow with the step. `xOf` gives each point's x (NaN: none).
   */
  private stepRangeFor(
    extent: SeriesExtent,
    xRange: readonly [number, number],
    xOf: (window: StepWindow) => ArrayLike<number>,
  ): [number, number] | undefined {
    const coarse = this.reader.readWindow(extent, STEP_MAP_BUDGET);
    const x = xOf(coarse);
    let from = extent.firstStep;
    let to = extent.lastStep;
    let previous = -Infinity;
    let found = false;
    for (let i = 0; i < x.length; i++) {
      const xi = x[i]!;
      if (Number.isNaN(xi)) continue;
      if (xi < previous) return undefined;
      previous = xi;
      if (xi < xRange[0]) from = coarse.steps[i]!;
      if (xi > xRange[1] && !found) {
        to = coarse.steps[i]!;
        found = true;
      }
    }
    return [from, to];
  }
}

function countInRange(x: Float64Array, [low, high]: readonly [number, number]): number {
  let count = 0;
  for (const xi of x) if (xi >= low && xi <= high) count++;
  return count;
}

function toPoints(window: StepWindow): MetricPoint[] {
  return Array.from(window.steps, (step, i) => ({ step, timestamp: window.timestamps[i]!, value: window.values[i]! }));
}

/** Each point's x on a time axis, in the window's (step) order. */
function alignedX(window: StepWindow, axis: XAxis): Float64Array {
  const start = axis.mode === 'relative' ? (axis.runStartTime ?? 0) : 0;
  const scale = axis.mode === 'relative' ? 1000 : 1;
  return Float64Array.from(window.timestamps, (timestamp) => (timestamp - start) / scale);
}
