// Metric series as charts fetch them: many runs and keys in one call, reduced on the main side
// to about the chart's width in points, keeping every extreme.

/** What a metric chart's x-axis shows: the step, wall time, time since the run started, or another metric. */
export type MetricXAxis = 'step' | 'wall' | 'relative' | { readonly metric: string };

/** One run's metric, ready to draw: points sorted by x, as typed arrays (structured-cloned over IPC, base64 over HTTP). */
export interface MetricSeries {
  readonly runId: string;
  readonly key: string;
  /**
   * x of each point: the step; milliseconds since the epoch ('wall'); seconds since the run
   * started ('relative'); or the x-metric's value at the point's step.
   */
  readonly x: Float64Array;
  /** The metric's values; NaN and ±Infinity as logged. */
  readonly y: Float64Array;
  /** The step of each point; null when x is the step. */
  readonly steps: Float64Array | null;
  /** How many points were logged in the requested range (the whole series when not zoomed). */
  readonly rawCount: number;
  /** True when x and y hold every logged point in range; false when reduced to the budget. */
  readonly complete: boolean;
}

/** The series found for a request; a run that never logged a key has no entry for it. */
export interface MetricSeriesResult {
  readonly series: readonly MetricSeries[];
}
