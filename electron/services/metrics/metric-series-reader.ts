// The metric series read model: what the chart service (metric-series-service.ts) needs from the
// database, whichever it is. An interface, so that another database (PostgreSQL for teams) can
// answer it; sqlite-metric-series-reader.ts is the SQLite one.
import type { MetricPoint } from '../../../shared/models';

/** What the reader needs to know about a series. */
export interface SeriesExtent {
  readonly seriesId: number;
  readonly pointCount: number;
  readonly firstStep: number;
  readonly lastStep: number;
}

/** Points of a series in step order, as parallel columns. */
export interface StepWindow {
  readonly steps: Float64Array;
  readonly timestamps: Float64Array;
  readonly values: Float64Array;
  /** How many logged points lie in the range read. */
  readonly rawCount: number;
  /** Whether every logged point in the range is included. */
  readonly complete: boolean;
}

/** A stored series with at least one point: whose it is, where its steps lie, and its run's start. */
export interface StoredSeries {
  readonly runId: string;
  readonly key: string;
  readonly extent: SeriesExtent;
  /** The run's start time (ms), for the relative-time axis. */
  readonly runStartTime: number;
}

/** Reads metric series for charts. */
export interface MetricSeriesReader {
  /** The series of these runs with these keys that hold points, in no particular order. */
  findSeries(runIds: readonly string[], keys: readonly string[]): StoredSeries[];
  /**
   * A series' points over a step range (the whole series when absent), reduced to about `budget`
   * points that keep each stretch's extremes and NaNs, in step order. `withTimestamps` false lets the
   * reader leave the timestamps out where that is cheaper (they are then NaN).
   */
  readWindow(series: SeriesExtent, budget: number, stepRange?: readonly [number, number], withTimestamps?: boolean): StepWindow;
  /** Every point of a series logged at the given steps, in step then timestamp order. */
  pointsAtSteps(seriesId: number, steps: readonly number[]): MetricPoint[];
}
