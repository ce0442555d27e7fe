// Metric series for charts: many runs and keys in one call, each reduced on the main side to a
// point budget (about the chart's width in pixels) and put on the chosen x-axis.
//
// Points are read by step (metric-block-reader.ts), then given their x with the shared alignment
// (shared/metric-alignment.ts), so the axes mean the same here as in the renderer. A zoom into an
// x-range is read by step too: for wall time, relative time and metric axes the step range is
// found from a coarse pass over the series, assuming x grows with the step (as logging time and
// counters such as epochs do); when it does not, the whole series is read and cut to the range.
import { alignMetricSeries, type AlignedSeries, type XAxis } from '../../../shared/metric-alignment';
import type { MetricSeries, MetricSeriesResult, MetricXAxis } from '../../../shared/metric-series';
import type { MetricPoint } from '../../../shared/models';
import type { SqliteDatabase } from '../tracker/database';
import { MetricBlockReader, type SeriesExtent, type StepWindow } from './metric-block-reader';
import { selectDownsampledIndices } from './metric-downsampler';

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

interface SeriesRow {
  series_id: number;
  run_uuid: string;
  key: string;
  point_count: number;
  last_step: number;
  start_time: number;
}

/** Budget of the coarse pass that maps an x-range to a step range. */
const STEP_MAP_BUDGET = 512;

/** Reads metric series for charts from the tracker database. */
export class MetricSeriesService {
  private readonly reader: MetricBlockReader;
  private readonly seriesRows;
  private readonly firstStep;
  private readonly valuesAtSteps;

  constructor(db: SqliteDatabase) {
    this.reader = new MetricBlockReader(db);
    this.seriesRows = db.prepare<[string, string], SeriesRow>(
      `SELECT s.series_id, s.run_uuid, s.key, s.point_count, s.last_step, r.start_time
       FROM metric_series s JOIN runs r ON r.run_uuid = s.run_uuid
       WHERE s.run_uuid IN (SELECT value FROM json_each(?)) AND s.key IN (SELECT value FROM json_each(?)) AND s.point_count > 0`,
    );
    this.firstStep = db.prepare<[number], { step: number }>('SELECT step FROM metric_points WHERE series_id = ? ORDER BY step LIMIT 1');
    this.valuesAtSteps = db.prepare<[number, string], { step: number; timestamp: number; value: number; is_nan: number }>(
      `SELECT step, timestamp, value, is_nan FROM metric_points
       WHERE series_id = ? AND step IN (SELECT value FROM json_each(?)) ORDER BY step, timestamp`,
    );
  }

  /** The requested runs' series of the requested keys, reduced to maxPoints each, in request order (runs, then keys). */
  getMetricSeries(request: MetricSeriesRequest): MetricSeriesResult {
    const xMetric = typeof request.xAxis === 'object' ? request.xAxis.metric : null;
    const keys = xMetric === null ? request.keys : [...new Set([...request.keys, xMetric])];
    const rows = this.seriesRows.all(JSON.stringify(request.runIds), JSON.stringify(keys));
    const byRunKey = new Map(rows.map((row) => [`${row.run_uuid}\u0000${row.key}`, row]));
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

  private readSeries(row: SeriesRow, xRow: SeriesRow | null, request: MetricSeriesRequest): MetricSeries {
    const extent = this.extentOf(row);
    const { xAxis, xRange, maxPoints } = request;
    if (xAxis === 'step') {
      const window = this.reader.read(extent, maxPoints, xRange, false);
      const { steps, values, rawCount, complete } = window;
      return { runId: row.run_uuid, key: row.key, x: steps, y: values, steps: null, rawCount, complete };
    }
    if (xAxis === 'wall' || xAxis === 'relative') {
      const axis: XAxis = xAxis === 'wall' ? { mode: 'wall' } : { mode: 'relative', runStartTime: row.start_time };
      const timeOf = (window: StepWindow) => alignedX(window, axis);
      const window = this.reader.read(extent, maxPoints, xRange && this.stepRangeFor(extent, xRange, timeOf));
      return this.finish(row, alignMetricSeries(toPoints(window), axis), window, request);
    }
    // Against another metric, joined by step: the points of both series at the steps either one
    // keeps, so that a y-series logged more often than its x-metric still meets it.
    const xExtent = this.extentOf(xRow!);
    const stepRange = xRange && this.stepRangeFor(xExtent, xRange, (window) => window.values);
    const yWindow = this.reader.read(extent, maxPoints, stepRange, false);
    const xWindow = this.reader.read(xExtent, maxPoints, stepRange, false);
    const missingIn = (window: StepWindow, other: StepWindow) => {
      const have = new Set(window.steps);
      return JSON.stringify([...new Set(other.steps)].filter((step) => !have.has(step)));
    };
    const aligned = alignMetricSeries([...toPoints(yWindow), ...this.pointsAtSteps(extent.seriesId, missingIn(yWindow, xWindow))], {
      mode: 'metric',
      xMetric: [...toPoints(xWindow), ...this.pointsAtSteps(xExtent.seriesId, missingIn(xWindow, yWindow))],
    });
    const bothWhole = { ...yWindow, complete: yWindow.complete && xWindow.complete };
    return this.finish(row, aligned, bothWhole, request);
  }

  /** Cuts aligned points to the x-range and the budget. */
  private finish(row: SeriesRow, aligned: AlignedSeries, window: StepWindow, request: MetricSeriesRequest): MetricSeries {
    const { xRange, maxPoints } = request;
    const { indices } = selectDownsampledIndices(aligned.x, aligned.y, { budget: maxPoints, xRange });
    const inRange = xRange ? countInRange(aligned.x, xRange) : aligned.x.length;
    const pick = (column: Float64Array) => {
      const picked = new Float64Array(indices.length);
      for (let i = 0; i < indices.length; i++) picked[i] = column[indices[i]!]!;
      return picked;
    };
    return {
      runId: row.run_uuid,
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
    const coarse = this.reader.read(extent, STEP_MAP_BUDGET);
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

  private extentOf(row: SeriesRow): SeriesExtent {
    const first = this.firstStep.get(row.series_id);
    return { seriesId: row.series_id, pointCount: row.point_count, firstStep: first?.step ?? row.last_step, lastStep: row.last_step };
  }

  /** A series' points at the given steps (a JSON array), every point logged at them. */
  private pointsAtSteps(seriesId: number, steps: string): MetricPoint[] {
    const rows = this.valuesAtSteps.all(seriesId, steps);
    return rows.map((r) => ({ step: r.step, timestamp: r.timestamp, value: r.is_nan ? Number.NaN : r.value }));
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
