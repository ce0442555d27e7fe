// What the metric chart draws: lines (one per run, or one per group with a ±std band), where it
// gets them from (a source it subscribes to, so new points are drawn without a React render),
// and their smoothed values, computed once per series and weight.
import { debiasedExponentialMovingAverage } from '../../../shared/metric-smoothing';
import type { YScale } from '../../models/charts/chart-scales';

/** A column of numbers: a typed array as fetched, or an array as computed (group means). */
export type Values = ArrayLike<number> & object;

/** One line of a metric chart, its points sorted by x. */
export interface ChartLine {
  /** The run id, or a group's id. */
  readonly id: string;
  readonly label: string;
  readonly color: string;
  readonly x: Values;
  readonly y: Values;
  /** The step of each point when x is not the step (for the tooltip). */
  readonly steps: Values | null;
  /** A band drawn around the line (mean ± std of a group), parallel to x. */
  readonly band?: { readonly lower: Values; readonly upper: Values };
  /** Drawn faintly: outside the current selection. */
  readonly dimmed?: boolean;
  /** Drawn on top, thicker: the run the user singled out. */
  readonly focused?: boolean;
  /** Drawn in a faint version of its colour: another run is singled out. */
  readonly faded?: boolean;
}

/** Where a chart gets its lines: read now, and be told when they may have changed. */
export interface LineSource {
  getLines(): readonly ChartLine[];
  subscribe(listener: () => void): () => void;
}

const smoothedCache = new WeakMap<Values, { weight: number; values: Float64Array }>();

/** The line's y smoothed with TensorBoard's debiased EMA; cached per series and weight. */
export function smoothedValues(y: Values, weight: number): ArrayLike<number> {
  if (weight <= 0) return y;
  const cached = smoothedCache.get(y);
  if (cached && cached.weight === weight) return cached.values;
  const values = debiasedExponentialMovingAverage(y, weight);
  smoothedCache.set(y, { weight, values });
  return values;
}

/** The finite extent of the lines' x and y within an optional x-range (y > 0 only on a log scale). */
export function lineExtents(
  lines: readonly ChartLine[],
  yScale: YScale,
  xRange: readonly [number, number] | null,
): { x: [number, number]; y: [number, number] } | null {
  let xMin = Infinity;
  let xMax = -Infinity;
  let yMin = Infinity;
  let yMax = -Infinity;
  const consider = (x: number, y: number) => {
    if (!Number.isFinite(y) || (yScale === 'log' && y <= 0)) return;
    if (xRange && (x < xRange[0] || x > xRange[1])) return;
    if (x < xMin) xMin = x;
    if (x > xMax) xMax = x;
    if (y < yMin) yMin = y;
    if (y > yMax) yMax = y;
  };
  for (const line of lines) {
    for (let i = 0; i < line.x.length; i++) {
      const x = line.x[i]!;
      if (!Number.isFinite(x)) continue;
      consider(x, line.y[i]!);
      if (line.band) {
        consider(x, line.band.lower[i]!);
        consider(x, line.band.upper[i]!);
      }
    }
  }
  if (!(xMin <= xMax)) return null;
  return { x: xRange ? [xRange[0], xRange[1]] : [xMin, xMax], y: [yMin, yMax] };
}
