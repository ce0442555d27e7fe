import { describe, expect, it } from 'vitest';
import type { MetricPoint } from '../../../shared/models';
import {
  downsampleMetricColumns,
  downsampleMetricPoints,
  selectDownsampledIndices,
  type DownsampleOptions,
  type DownsampleSelection,
} from './metric-downsampler';
import { seededRandom } from '../../../shared/seeded-random';


interface RandomSeries {
  readonly x: Float64Array;
  readonly values: Float64Array;
}

/** A noisy random walk with spikes, plateaus, NaN and ±Infinity; x sorted unless asked otherwise, now and then not finite. */
function randomSeries(random: () => number, length: number, shuffledX: boolean): RandomSeries {
  const x = new Float64Array(length);
  const values = new Float64Array(length);
  let step = Math.floor(random() * 100) - 50;
  let level = random() * 10 - 5;
  const nanRate = random() < 0.5 ? 0 : random() * 0.05;
  const nonFiniteXRate = random() < 0.9 ? 0 : 0.01;
  for (let i = 0; i < length; i++) {
    step += random() < 0.1 ? 0 : 1 + Math.floor(random() * (random() < 0.05 ? 500 : 3));
    x[i] = shuffledX ? Math.floor(random() * length * 2) : step;
    if (random() < nonFiniteXRate) x[i] = [Number.NaN, Infinity, -Infinity][Math.floor(random() * 3)]!;
    level += random() < 0.3 ? 0 : random() - 0.5;
    const draw = random();
    values[i] =
      draw < nanRate ? Number.NaN
      : draw < nanRate + 0.002 ? Infinity
      : draw < nanRate + 0.004 ? -Infinity
      : draw < nanRate + 0.02 ? level + (random() - 0.5) * 1000
      : level;
  }
  return { x, values };
}

function inRangeIndices(x: ArrayLike<number>, range: readonly [number, number] | undefined): number[] {
  const indices: number[] = [];
  for (let i = 0; i < x.length; i++) {
    const xi = x[i]!;
    if (Number.isFinite(xi) && (!range || (xi >= range[0] && xi <= range[1]))) indices.push(i);
  }
  return indices.sort((a, b) => x[a]! - x[b]! || a - b);
}

function finiteOrInfiniteValues(values: ArrayLike<number>, indices: readonly number[]): number[] {
  return indices.map((i) => values[i]!).filter((value) => !Number.isNaN(value));
}

/** Checks every promise of the downsampler against a brute-force reading of the input. */
function expectKeepsExtremes(x: ArrayLike<number>, values: ArrayLike<number>, options: DownsampleOptions, selection: DownsampleSelection): void {
  const { budget } = options;
  const chosen = Array.from(selection.indices);
  const eligible = inRangeIndices(x, options.xRange);

  expect(chosen.length).toBeLessThanOrEqual(budget);
  expect(new Set(chosen).size).toBe(chosen.length);
  const outOfOrder = chosen.findIndex(
    (current, k) => k > 0 && !(x[chosen[k - 1]!]! < x[current]! || (x[chosen[k - 1]!] === x[current] && chosen[k - 1]! < current)),
  );
  expect(outOfOrder).toBe(-1);
  const eligibleSet = new Set(eligible);
  expect(chosen.filter((index) => !eligibleSet.has(index))).toEqual([]);

  if (eligible.length <= budget) {
    expect(chosen).toEqual(eligible);
    return;
  }
  const chosenValues = finiteOrInfiniteValues(values, chosen);
  const allValues = finiteOrInfiniteValues(values, eligible);
  const globalMin = allValues.length > 0 ? Math.min(...allValues) : undefined;
  const globalMax = allValues.length > 0 ? Math.max(...allValues) : undefined;
  if (globalMin !== undefined && budget >= 1) expect(chosenValues).toContain(globalMin);
  if (globalMax !== undefined && budget >= 2) expect(chosenValues).toContain(globalMax);
  if (budget >= 4) {
    expect(chosen[0]).toBe(eligible[0]);
    expect(chosen[chosen.length - 1]).toBe(eligible[eligible.length - 1]);
  }
  if (budget >= 5) expect(selection.bucketCount).toBeGreaterThanOrEqual(1);
  if (selection.bucketCount === 0) return;

  const count = selection.bucketCount;
  const xMin = x[eligible[0]!]!;
  const span = x[eligible[eligible.length - 1]!]! - xMin;
  const scale = count === 1 ? 0 : count / span;
  const bucketOf = (xi: number): number => Math.min(count - 1, Math.floor((xi - xMin) * scale));
  const inputByBucket = Array.from({ length: count }, (): number[] => []);
  const chosenByBucket = Array.from({ length: count }, (): number[] => []);
  for (const index of eligible) inputByBucket[bucketOf(x[index]!)]!.push(index);
  for (const index of chosen) chosenByBucket[bucketOf(x[index]!)]!.push(index);
  const missing: string[] = [];
  for (let bucket = 0; bucket < count; bucket++) {
    const input = inputByBucket[bucket]!;
    const kept = chosenByBucket[bucket]!;
    const inputValues = finiteOrInfiniteValues(values, input);
    const keptValues = finiteOrInfiniteValues(values, kept);
    if (inputValues.length > 0) {
      if (!keptValues.includes(Math.min(...inputValues))) missing.push(`bucket ${bucket}: min`);
      if (!keptValues.includes(Math.max(...inputValues))) missing.push(`bucket ${bucket}: max`);
    }
    if (input.some((i) => Number.isNaN(values[i])) && !kept.some((i) => Number.isNaN(values[i]))) {
      missing.push(`bucket ${bucket}: NaN`);
    }
  }
  expect(missing).toEqual([]);
}

function sortedSeries(values: readonly number[]): { x: Float64Array; values: Float64Array } {
  return { x: Float64Array.from(values, (_, i) => i), values: Float64Array.from(values) };
}

describe('selectDownsampledIndices', () => {
  it('keeps every bucket extreme, first and last, within budget, over many random series', () => {
    const random = seededRandom(20240611);
    for (let trial = 0; trial < 400; trial++) {
      const length = Math.floor(random() * (random() < 0.2 ? 20 : 4000));
      const series = randomSeries(random, length, random() < 0.2);
      const budget = random() < 0.2 ? 1 + Math.floor(random() * 8) : Math.floor(random() * 700);
      let xRange: [number, number] | undefined;
      if (random() < 0.3 && length > 0) {
        const a = series.x[Math.floor(random() * length)]!;
        const b = series.x[Math.floor(random() * length)]!;
        if (!Number.isNaN(a) && !Number.isNaN(b)) xRange = [Math.min(a, b), Math.max(a, b)];
      }
      const options = { budget, xRange };
      const selection = selectDownsampledIndices(series.x, series.values, options);
      expectKeepsExtremes(series.x, series.values, options, selection);
    }
  });

  it('uses about half the budget as buckets, and a third when NaN points would not fit', () => {
    const values = Array.from({ length: 10_000 }, (_, i) => Math.sin(i / 7) * 3);
    const plain = sortedSeries(values);
    expect(selectDownsampledIndices(plain.x, plain.values, { budget: 1000 }).bucketCount).toBe(499);
    const withNaN = sortedSeries(values.map((value, i) => (i % 5 === 0 ? Number.NaN : value)));
    const selection = selectDownsampledIndices(withNaN.x, withNaN.values, { budget: 1000 });
    expect(selection.bucketCount).toBe(332);
    expectKeepsExtremes(withNaN.x, withNaN.values, { budget: 1000 }, selection);
  });

  it('keeps half the budget as buckets when a run of NaN fits in the slots of NaN-only buckets', () => {
    const values = Array.from({ length: 10_000 }, (_, i) => (i >= 6000 ? Number.NaN : Math.cos(i)));
    const series = sortedSeries(values);
    const selection = selectDownsampledIndices(series.x, series.values, { budget: 200 });
    expect(selection.bucketCount).toBe(99);
    expectKeepsExtremes(series.x, series.values, { budget: 200 }, selection);
  });

  it('returns a series that fits the budget whole', () => {
    const series = sortedSeries([3, Number.NaN, -Infinity, 2, 2, Infinity]);
    for (const budget of [6, 7, 1000]) {
      expect(Array.from(selectDownsampledIndices(series.x, series.values, { budget }).indices)).toEqual([0, 1, 2, 3, 4, 5]);
    }
  });

  it('returns nothing for an empty series, a zero budget or an x-range without points', () => {
    const empty = new Float64Array(0);
    expect(selectDownsampledIndices(empty, empty, { budget: 10 }).indices).toHaveLength(0);
    const series = sortedSeries([1, 2, 3]);
    expect(selectDownsampledIndices(series.x, series.values, { budget: 0 }).indices).toHaveLength(0);
    expect(selectDownsampledIndices(series.x, series.values, { budget: 10, xRange: [5, 9] }).indices).toHaveLength(0);
  });

  it('keeps min, max, first and last in that priority for budgets 1 to 4', () => {
    // first = 5 (index 0), max = 9 (index 2), min = -4 (index 4), last = 6 (index 6)
    const series = sortedSeries([5, 1, 9, 2, -4, 3, 6]);
    const chosen = (budget: number) => Array.from(selectDownsampledIndices(series.x, series.values, { budget }).indices);
    expect(chosen(1)).toEqual([4]);
    expect(chosen(2)).toEqual([2, 4]);
    expect(chosen(3)).toEqual([0, 2, 4]);
    expect(chosen(4)).toEqual([0, 2, 4, 6]);
    expect(chosen(5)).toHaveLength(4);
  });

  it('drops the NaN marker before an extreme when a budget of 4 cannot hold both', () => {
    const series = sortedSeries([5, Number.NaN, 9, -4, 6, 1]);
    expect(Array.from(selectDownsampledIndices(series.x, series.values, { budget: 4 }).indices)).toEqual([0, 2, 3, 5]);
    expect(Array.from(selectDownsampledIndices(series.x, series.values, { budget: 5 }).indices)).toEqual([0, 1, 2, 3, 5]);
  });

  it('treats ±Infinity as extremes and keeps a NaN of every bucket that has one', () => {
    const values = Array.from({ length: 1000 }, (_, i) => i % 10);
    values[100] = Infinity;
    values[700] = -Infinity;
    values[333] = Number.NaN;
    values[901] = Number.NaN;
    const series = sortedSeries(values);
    const selection = selectDownsampledIndices(series.x, series.values, { budget: 20 });
    const chosen = Array.from(selection.indices);
    expect(chosen).toEqual(expect.arrayContaining([0, 100, 333, 700, 901, 999]));
    expectKeepsExtremes(series.x, series.values, { budget: 20 }, selection);
  });

  it('handles series that are all NaN, all equal, or all at one x', () => {
    const allNaN = sortedSeries(Array.from({ length: 100 }, () => Number.NaN));
    const nanChosen = Array.from(selectDownsampledIndices(allNaN.x, allNaN.values, { budget: 10 }).indices);
    expect(nanChosen[0]).toBe(0);
    expect(nanChosen.at(-1)).toBe(99);
    expect(nanChosen.length).toBeLessThanOrEqual(10);

    const flat = sortedSeries(Array.from({ length: 100 }, () => 7));
    expect(selectDownsampledIndices(flat.x, flat.values, { budget: 10 }).indices.length).toBeLessThanOrEqual(10);

    const oneX = { x: new Float64Array(100).fill(42), values: Float64Array.from({ length: 100 }, (_, i) => (i * 37) % 101) };
    const selection = selectDownsampledIndices(oneX.x, oneX.values, { budget: 10 });
    expect(selection.bucketCount).toBe(1);
    expectKeepsExtremes(oneX.x, oneX.values, { budget: 10 }, selection);
  });

  it('downsamples only the points inside an x-range, at full budget', () => {
    const series = sortedSeries(Array.from({ length: 100_000 }, (_, i) => Math.sin(i / 50) + (i === 50_123 ? 10 : 0)));
    const options = { budget: 100, xRange: [50_000, 50_999] as const };
    const selection = selectDownsampledIndices(series.x, series.values, options);
    expect(selection.indices[0]).toBe(50_000);
    expect(selection.indices.at(-1)).toBe(50_999);
    expect(Array.from(selection.indices)).toContain(50_123);
    expectKeepsExtremes(series.x, series.values, options, selection);
    expect(() => selectDownsampledIndices(series.x, series.values, { budget: 10, xRange: [5, 1] })).toThrow(RangeError);
  });

  it('accepts x values that are not sorted and returns the points in x order', () => {
    const x = Float64Array.from([5, 1, 4, 1, 3, 9, 2, 8, 7, 6]);
    const values = Float64Array.from([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(Array.from(selectDownsampledIndices(x, values, { budget: 100 }).indices)).toEqual([1, 3, 6, 4, 2, 0, 9, 8, 7, 5]);
    const selection = selectDownsampledIndices(x, values, { budget: 6 });
    expectKeepsExtremes(x, values, { budget: 6 }, selection);
  });

  it('leaves out points whose x is not finite', () => {
    const x = Float64Array.from([0, Number.NaN, 2, Infinity, 4]);
    const values = Float64Array.from([1, 100, 2, -100, 3]);
    expect(Array.from(selectDownsampledIndices(x, values, { budget: 10 }).indices)).toEqual([0, 2, 4]);
  });

  it('rejects a budget that is not a non-negative integer, and columns of different lengths', () => {
    const series = sortedSeries([1, 2, 3]);
    for (const budget of [-1, 1.5, Number.NaN, Infinity]) {
      expect(() => selectDownsampledIndices(series.x, series.values, { budget })).toThrow(RangeError);
    }
    expect(() => selectDownsampledIndices(series.x, new Float64Array(2), { budget: 2 })).toThrow(RangeError);
  });
});

describe('downsampleMetricColumns', () => {
  it('picks the same points from every column, with steps as the default x', () => {
    const length = 5000;
    const steps = Float64Array.from({ length }, (_, i) => i * 10);
    const timestamps = Float64Array.from({ length }, (_, i) => 1_700_000_000_000 + i * 1000);
    const values = Float64Array.from({ length }, (_, i) => Math.sin(i) * i);
    const result = downsampleMetricColumns({ steps, timestamps, values }, { budget: 50 });
    expect(result.steps.length).toBeLessThanOrEqual(50);
    expect(result.timestamps).toHaveLength(result.steps.length);
    result.steps.forEach((step, i) => {
      const source = step / 10;
      expect(result.timestamps[i]).toBe(timestamps[source]);
      expect(result.values[i]).toBe(values[source]);
    });
    expect(Math.min(...result.values)).toBe(Math.min(...values));
    expect(Math.max(...result.values)).toBe(Math.max(...values));
  });

  it('uses the given x values, such as wall time, for buckets and the x-range', () => {
    const steps = Float64Array.from([0, 1, 2, 3, 4, 5]);
    const timestamps = Float64Array.from([100, 200, 300, 1000, 1100, 1200]);
    const values = Float64Array.from([1, 2, 3, 4, 5, 6]);
    const result = downsampleMetricColumns({ steps, timestamps, values }, { budget: 10, x: timestamps, xRange: [150, 1050] });
    expect(Array.from(result.steps)).toEqual([1, 2, 3]);
    expect(() => downsampleMetricColumns({ steps, timestamps: new Float64Array(1), values }, { budget: 3 })).toThrow(RangeError);
  });
});

describe('downsampleMetricPoints', () => {
  const points: MetricPoint[] = Array.from({ length: 2000 }, (_, i) => ({
    step: i,
    timestamp: 1_700_000_000_000 + i,
    value: i === 1234 ? -50 : i % 7,
  }));

  it('returns the chosen point objects themselves, in step order', () => {
    const result = downsampleMetricPoints(points, { budget: 40 });
    expect(result.length).toBeLessThanOrEqual(40);
    expect(result[0]).toBe(points[0]);
    expect(result.at(-1)).toBe(points.at(-1));
    expect(result).toContain(points[1234]);
    for (const point of result) expect(points[point.step]).toBe(point);
  });

  it('returns a short series unchanged', () => {
    const short = points.slice(0, 30);
    expect(downsampleMetricPoints(short, { budget: 30 })).toEqual(short);
    expect(downsampleMetricPoints([], { budget: 30 })).toEqual([]);
  });
});
