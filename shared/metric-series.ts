// Metric series as charts fetch them: many runs and keys in one call, reduced on the main side
// to about the chart's width in points, keeping every extreme.

/** What a metric chart's x-axis shows: the step, wall time, time since the run started, or another metric. */
export type MetricXAxis = 'step' | 'wall' | 'relative' | { readonly metric: string };

/** One run's metric, ready to draw: points sorted by x. */
export interface MetricSeries {
  readonly runId: string;
  readonly key: string;
  /**
   * x of each point: the step; milliseconds since the epoch ('wall'); seconds since the run
   * started ('relative'); or the x-metric's value at the point's step.
   */
  readonly x: readonly number[];
  /** The metric's values; NaN and ±Infinity as logged. */
  readonly y: readonly number[];
  /** The step of each point; null when x is the step. */
  readonly steps: readonly number[] | null;
  /** How many points were logged in the requested range (the whole series when not zoomed). */
  readonly rawCount: number;
  /** True when x and y hold every logged point in range; false when reduced to the budget. */
  readonly complete: boolean;
}

/** The series found for a request; a run that never logged a key has no entry for it. */
export interface MetricSeriesResult {
  readonly series: readonly MetricSeries[];
}

/** The note shown on a run page, stored as MLflow stores it: a tag. */
export const RUN_NOTE_TAG = 'mlflow.note.content';
