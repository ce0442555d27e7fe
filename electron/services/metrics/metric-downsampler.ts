// Reduces a long metric series to a point budget (about a chart's width in pixels) without
// losing an extreme: the x-range is split into equal-width buckets and each bucket keeps its
// smallest and largest value, so every spike and dip is still drawn. Never samples at random.
//
// The scheme, for a budget of B points:
// - The first and last points (smallest and largest x) are always kept: 2 points.
// - The x-extent of the points is split into ⌊(B − 2) / 2⌋ equal-width buckets; each keeps
//   its min and its max point (the first one on ties). Min/max per bucket, rather than M4's
//   min/max/first/last with B/4 buckets, gives twice the x-resolution for the same budget; the
//   price is that the line between two buckets joins their extremes rather than their edge
//   points, which at two pixels per bucket is hardly visible.
// - NaN values stay visible (as gaps): each bucket also keeps its first NaN point. When that
//   would exceed the budget (NaN scattered over many buckets), the series is bucketed again
//   with ⌊(B − 2) / 3⌋ buckets. A run of NaN at the end usually fits in the first grid.
// - ±Infinity are ordinary values: the min or max of their bucket.
// - Budgets too small for first, last, min and max (B < 4, or B = 4 with a NaN to show) keep
//   points in this order of priority: global min, global max, first, last, first NaN.
// - Points whose x is NaN or ±Infinity have no place on the x-axis and are left out.
// Series that already fit the budget come back whole. The result is in x order (ties in input
// order). Cost: one pass to check that x is sorted (then binary search finds the x-range), one
// pass to bucket (a second only for scattered NaN); no sorting of sorted input and no
// allocation per point.
import type { MetricPoint } from '../../../shared/models';

/** A metric series as parallel columns (one entry per point): the fast input of the downsampler. */
export interface MetricColumns {
  readonly steps: Float64Array;
  readonly timestamps: Float64Array;
  readonly values: Float64Array;
}

/** What to downsample to: a point budget and, when zoomed, an x-range. */
export interface DownsampleOptions {
  /** The most points to return (about the chart's width in pixels); a non-negative integer. */
  readonly budget: number;
  /** When zoomed: only points with xRange[0] <= x <= xRange[1] are considered. */
  readonly xRange?: readonly [number, number];
}

/** Options of the column and point variants: the x values default to the steps. */
export interface MetricDownsampleOptions extends DownsampleOptions {
  /** The x value of each point (wall time, another metric's values…), parallel to the series. */
  readonly x?: ArrayLike<number>;
}

/** The points chosen to draw, and the bucket grid that chose them. */
export interface DownsampleSelection {
  /** Indices into the input, in x order (ties in input order). */
  readonly indices: Uint32Array;
  /**
   * How many equal-width buckets split [min x, max x] of the points in range: a point at x is
   * in bucket min(count − 1, ⌊(x − min x) · (count / (max x − min x))⌋); 1 when all points
   * have the same x. 0 when nothing was bucketed: the series fit the budget, or the budget was
   * too small.
   */
  readonly bucketCount: number;
}

/** Where the points in range lie, and which part of the input to scan for them. */
interface RangeSummary {
  /** The x-range, narrowed to finite numbers, so that one comparison also drops non-finite x. */
  readonly lower: number;
  readonly upper: number;
  /** The points in range are among indices [scanStart, scanEnd). */
  readonly scanStart: number;
  readonly scanEnd: number;
  readonly count: number;
  readonly xMin: number;
  readonly xMax: number;
  readonly firstIndex: number;
  readonly lastIndex: number;
  readonly sortedByX: boolean;
}

/** Per bucket, the index of its min, max and first NaN point; -1 where there is none. */
interface BucketExtremes {
  readonly minIndex: Int32Array;
  readonly maxIndex: Int32Array;
  readonly firstNaNIndex: Int32Array;
}

const NO_POINT = -1;

/** Chooses at most `budget` points of a series (x and values in parallel) that keep every bucket's extremes. */
export function selectDownsampledIndices(
  x: ArrayLike<number>,
  values: ArrayLike<number>,
  options: DownsampleOptions,
): DownsampleSelection {
  const { budget } = options;
  if (!Number.isInteger(budget) || budget < 0) throw new RangeError(`budget must be a non-negative integer, got ${budget}`);
  if (x.length !== values.length) throw new RangeError(`x has ${x.length} entries but values has ${values.length}`);
  const summary = summarizeRange(x, options.xRange);
  if (summary.count === 0 || budget === 0) return { indices: new Uint32Array(0), bucketCount: 0 };
  if (summary.count <= budget) return { indices: indicesInRange(x, summary), bucketCount: 0 };

  const bucketCount = usableBucketCount(summary, Math.floor((budget - 2) / 2));
  if (bucketCount >= 1) {
    const indices = collectBucketExtremes(x, summary, findBucketExtremes(x, values, summary, bucketCount));
    if (indices.length <= budget) return { indices, bucketCount };
    const coarserCount = usableBucketCount(summary, Math.floor((budget - 2) / 3));
    if (coarserCount >= 1) {
      return {
        indices: collectBucketExtremes(x, summary, findBucketExtremes(x, values, summary, coarserCount)),
        bucketCount: coarserCount,
      };
    }
  }
  return { indices: selectByPriority(x, values, summary, budget), bucketCount: 0 };
}

/** Downsamples a series given as columns; x defaults to the steps. */
export function downsampleMetricColumns(series: MetricColumns, options: MetricDownsampleOptions): MetricColumns {
  const { steps, timestamps, values } = series;
  if (steps.length !== values.length || timestamps.length !== values.length) {
    throw new RangeError('steps, timestamps and values must have the same length');
  }
  const { indices } = selectDownsampledIndices(options.x ?? steps, values, options);
  return {
    steps: pickByIndex(steps, indices),
    timestamps: pickByIndex(timestamps, indices),
    values: pickByIndex(values, indices),
  };
}

/** Downsamples a series given as point objects, returning the chosen points themselves; x defaults to the steps. */
export function downsampleMetricPoints(points: readonly MetricPoint[], options: MetricDownsampleOptions): MetricPoint[] {
  const values = new Float64Array(points.length);
  for (let i = 0; i < points.length; i++) values[i] = points[i]!.value;
  let x = options.x;
  if (x === undefined) {
    const steps = new Float64Array(points.length);
    for (let i = 0; i < points.length; i++) steps[i] = points[i]!.step;
    x = steps;
  }
  const { indices } = selectDownsampledIndices(x, values, options);
  const chosen = new Array<MetricPoint>(indices.length);
  for (let i = 0; i < indices.length; i++) chosen[i] = points[indices[i]!]!;
  return chosen;
}

function summarizeRange(x: ArrayLike<number>, xRange: readonly [number, number] | undefined): RangeSummary {
  if (xRange && !(xRange[0] <= xRange[1])) {
    throw new RangeError(`xRange must be [low, high] with low <= high, got [${xRange[0]}, ${xRange[1]}]`);
  }
  const lower = Math.max(xRange ? xRange[0] : -Infinity, -Number.MAX_VALUE);
  const upper = Math.min(xRange ? xRange[1] : Infinity, Number.MAX_VALUE);
  if (isSortedWithoutNaN(x)) {
    // ±Infinity sort to the ends, outside the finite bounds.
    const scanStart = firstIndexNotBelow(x, lower);
    const scanEnd = firstIndexAbove(x, upper);
    const count = scanEnd - scanStart;
    return {
      lower,
      upper,
      scanStart,
      scanEnd,
      count,
      xMin: count > 0 ? x[scanStart]! : Infinity,
      xMax: count > 0 ? x[scanEnd - 1]! : -Infinity,
      firstIndex: count > 0 ? scanStart : NO_POINT,
      lastIndex: count > 0 ? scanEnd - 1 : NO_POINT,
      sortedByX: true,
    };
  }
  let count = 0;
  let xMin = Infinity;
  let xMax = -Infinity;
  let firstIndex = NO_POINT;
  let lastIndex = NO_POINT;
  let previousX = -Infinity;
  let sortedByX = true;
  for (let i = 0; i < x.length; i++) {
    const xi = x[i]!;
    if (!(xi >= lower && xi <= upper)) continue;
    count++;
    if (xi < previousX) sortedByX = false;
    previousX = xi;
    if (xi < xMin) {
      xMin = xi;
      firstIndex = i;
    }
    if (xi >= xMax) {
      xMax = xi;
      lastIndex = i;
    }
  }
  return { lower, upper, scanStart: 0, scanEnd: x.length, count, xMin, xMax, firstIndex, lastIndex, sortedByX };
}

/** Whether x ascends; a NaN anywhere counts as not sorted (binary search cannot skip it). */
function isSortedWithoutNaN(x: ArrayLike<number>): boolean {
  let previous = -Infinity;
  for (let i = 0; i < x.length; i++) {
    const xi = x[i]!;
    if (!(xi >= previous)) return false;
    previous = xi;
  }
  return true;
}

/** In x sorted ascending: the first index whose x is at least bound, or x.length. */
function firstIndexNotBelow(x: ArrayLike<number>, bound: number): number {
  let low = 0;
  let high = x.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (x[middle]! < bound) low = middle + 1;
    else high = middle;
  }
  return low;
}

/** In x sorted ascending: the first index whose x is above bound, or x.length. */
function firstIndexAbove(x: ArrayLike<number>, bound: number): number {
  let low = 0;
  let high = x.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (x[middle]! <= bound) low = middle + 1;
    else high = middle;
  }
  return low;
}

function indicesInRange(x: ArrayLike<number>, summary: RangeSummary): Uint32Array {
  const { lower, upper, scanEnd } = summary;
  const indices = new Uint32Array(summary.count);
  let next = 0;
  for (let i = summary.scanStart; i < scanEnd; i++) {
    const xi = x[i]!;
    if (xi >= lower && xi <= upper) indices[next++] = i;
  }
  return summary.sortedByX ? indices : sortIndicesByX(x, indices);
}

/** The wanted number of buckets, or 1 when the x-extent cannot be split (all points at one x). */
function usableBucketCount(summary: RangeSummary, wanted: number): number {
  const scale = wanted / (summary.xMax - summary.xMin);
  return wanted > 1 && !(scale > 0 && scale < Infinity) ? 1 : wanted;
}

function findBucketExtremes(
  x: ArrayLike<number>,
  values: ArrayLike<number>,
  summary: RangeSummary,
  bucketCount: number,
): BucketExtremes {
  const extremes = new BucketExtremeAccumulator(bucketCount);
  const { lower, upper, scanEnd, xMin } = summary;
  const scale = bucketCount === 1 ? 0 : bucketCount / (summary.xMax - xMin);
  const lastBucket = bucketCount - 1;
  // Points of a bucket come in runs (one run per bucket when x is sorted): a run's extremes
  // are kept in locals and merged into the bucket's when the run ends.
  let runBucket = NO_POINT;
  let runMin = Number.NaN;
  let runMax = Number.NaN;
  let runMinIndex = NO_POINT;
  let runMaxIndex = NO_POINT;
  let runFirstNaNIndex = NO_POINT;
  for (let i = summary.scanStart; i < scanEnd; i++) {
    const xi = x[i]!;
    if (!(xi >= lower && xi <= upper)) continue;
    const bucket = Math.min(lastBucket, Math.floor((xi - xMin) * scale));
    if (bucket !== runBucket) {
      if (runBucket !== NO_POINT) extremes.mergeRun(runBucket, runMin, runMinIndex, runMax, runMaxIndex, runFirstNaNIndex);
      runBucket = bucket;
      runMin = runMax = Number.NaN;
      runMinIndex = runMaxIndex = runFirstNaNIndex = NO_POINT;
    }
    const value = values[i]!;
    if (value !== value) {
      if (runFirstNaNIndex === NO_POINT) runFirstNaNIndex = i;
      continue;
    }
    // NaN means "none yet": the negated comparisons are true against it. Ties keep the first.
    if (!(value >= runMin)) {
      runMin = value;
      runMinIndex = i;
    }
    if (!(value <= runMax)) {
      runMax = value;
      runMaxIndex = i;
    }
  }
  if (runBucket !== NO_POINT) extremes.mergeRun(runBucket, runMin, runMinIndex, runMax, runMaxIndex, runFirstNaNIndex);
  return extremes;
}

/** Each bucket's extremes so far, merged run by run in input order. */
class BucketExtremeAccumulator implements BucketExtremes {
  readonly minIndex: Int32Array;
  readonly maxIndex: Int32Array;
  readonly firstNaNIndex: Int32Array;
  private readonly minValue: Float64Array;
  private readonly maxValue: Float64Array;

  constructor(bucketCount: number) {
    this.minIndex = new Int32Array(bucketCount).fill(NO_POINT);
    this.maxIndex = new Int32Array(bucketCount).fill(NO_POINT);
    this.firstNaNIndex = new Int32Array(bucketCount).fill(NO_POINT);
    this.minValue = new Float64Array(bucketCount).fill(Number.NaN);
    this.maxValue = new Float64Array(bucketCount).fill(Number.NaN);
  }

  mergeRun(bucket: number, min: number, minIndex: number, max: number, maxIndex: number, firstNaNIndex: number): void {
    if (minIndex !== NO_POINT && !(min >= this.minValue[bucket]!)) {
      this.minValue[bucket] = min;
      this.minIndex[bucket] = minIndex;
    }
    if (maxIndex !== NO_POINT && !(max <= this.maxValue[bucket]!)) {
      this.maxValue[bucket] = max;
      this.maxIndex[bucket] = maxIndex;
    }
    if (firstNaNIndex !== NO_POINT && this.firstNaNIndex[bucket] === NO_POINT) this.firstNaNIndex[bucket] = firstNaNIndex;
  }
}

function collectBucketExtremes(x: ArrayLike<number>, summary: RangeSummary, extremes: BucketExtremes): Uint32Array {
  const { minIndex, maxIndex, firstNaNIndex } = extremes;
  const candidates = new Uint32Array(2 + 3 * minIndex.length);
  let count = 0;
  candidates[count++] = summary.firstIndex;
  candidates[count++] = summary.lastIndex;
  for (let bucket = 0; bucket < minIndex.length; bucket++) {
    const min = minIndex[bucket]!;
    const max = maxIndex[bucket]!;
    const firstNaN = firstNaNIndex[bucket]!;
    if (min !== NO_POINT) candidates[count++] = min;
    if (max !== NO_POINT) candidates[count++] = max;
    if (firstNaN !== NO_POINT) candidates[count++] = firstNaN;
  }
  return sortedUniqueIndices(x, summary, candidates.subarray(0, count));
}

/** For budgets too small to keep first, last, min and max: the most important of them. */
function selectByPriority(x: ArrayLike<number>, values: ArrayLike<number>, summary: RangeSummary, budget: number): Uint32Array {
  const { minIndex, maxIndex, firstNaNIndex } = findBucketExtremes(x, values, summary, 1);
  const byPriority = [minIndex[0]!, maxIndex[0]!, summary.firstIndex, summary.lastIndex, firstNaNIndex[0]!];
  const chosen: number[] = [];
  for (const index of byPriority) {
    if (chosen.length < budget && index !== NO_POINT && !chosen.includes(index)) chosen.push(index);
  }
  return sortedUniqueIndices(x, summary, Uint32Array.from(chosen));
}

function sortedUniqueIndices(x: ArrayLike<number>, summary: RangeSummary, indices: Uint32Array): Uint32Array {
  const sorted = summary.sortedByX ? indices.sort() : sortIndicesByX(x, indices);
  let unique = 0;
  for (let i = 0; i < sorted.length; i++) {
    if (unique === 0 || sorted[i] !== sorted[unique - 1]) sorted[unique++] = sorted[i]!;
  }
  return sorted.slice(0, unique);
}

/** Sorts indices by their x, ties in input order. */
function sortIndicesByX(x: ArrayLike<number>, indices: Uint32Array): Uint32Array {
  return indices.sort((a, b) => x[a]! - x[b]! || a - b);
}

function pickByIndex(column: Float64Array, indices: Uint32Array): Float64Array {
  const picked = new Float64Array(indices.length);
  for (let i = 0; i < indices.length; i++) picked[i] = column[indices[i]!]!;
  return picked;
}
