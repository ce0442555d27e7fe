import { describe, expect, it } from 'vitest';
import { alignMetricSeries, nearestIndexByX, pointsAtX } from './metric-alignment';
import type { MetricPoint } from './models';

const START = 1_700_000_000_000;

function point(step: number, secondsAfterStart: number, value: number): MetricPoint {
  return { step, timestamp: START + secondsAfterStart * 1000, value };
}

const columns = (series: ReturnType<typeof alignMetricSeries>) => ({
  x: Array.from(series.x),
  y: Array.from(series.y),
  steps: Array.from(series.steps),
});

describe('alignMetricSeries', () => {
  const loss = [point(0, 5, 2.0), point(1, 6, 1.5), point(2, 8, Number.NaN), point(3, 9, 0.9)];

  it("uses the step as x in 'step' mode", () => {
    const aligned = alignMetricSeries(loss, { mode: 'step' });
    expect(columns(aligned)).toEqual({ x: [0, 1, 2, 3], y: [2.0, 1.5, Number.NaN, 0.9], steps: [0, 1, 2, 3] });
    expect(Array.from(aligned.timestamps)).toEqual(loss.map((p) => p.timestamp));
  });

  it("uses the timestamp as x in 'wall' mode", () => {
    expect(Array.from(alignMetricSeries(loss, { mode: 'wall' }).x)).toEqual(loss.map((p) => p.timestamp));
  });

  it("uses seconds since the run's start in 'relative' mode", () => {
    expect(Array.from(alignMetricSeries(loss, { mode: 'relative', runStartTime: START }).x)).toEqual([5, 6, 8, 9]);
    // Without the run's start: the earliest timestamp, wherever it is in the input.
    const shuffled = [loss[2]!, loss[0]!, loss[3]!, loss[1]!];
    expect(columns(alignMetricSeries(shuffled, { mode: 'relative' }))).toEqual({
      x: [0, 1, 3, 4],
      y: [2.0, 1.5, Number.NaN, 0.9],
      steps: [0, 1, 2, 3],
    });
  });

  it('sorts points by x and keeps points with the same x in input order', () => {
    const unordered = [point(3, 0, 3), point(1, 1, 1), point(3, 2, 30), point(2, 3, 2)];
    expect(columns(alignMetricSeries(unordered, { mode: 'step' }))).toEqual({ x: [1, 2, 3, 3], y: [1, 2, 3, 30], steps: [1, 2, 3, 3] });
    expect(alignMetricSeries([], { mode: 'relative' }).x).toHaveLength(0);
  });

  it("uses another metric's value at the same step as x in 'metric' mode, sorted by that value", () => {
    const accuracy = [point(0, 5, 0.5), point(1, 6, 0.7), point(2, 8, 0.6), point(3, 9, 0.9)];
    expect(columns(alignMetricSeries(loss, { mode: 'metric', xMetric: accuracy }))).toEqual({
      x: [0.5, 0.6, 0.7, 0.9],
      y: [2.0, Number.NaN, 1.5, 0.9],
      steps: [0, 2, 1, 3],
    });
  });

  it("drops points of steps the x-metric lacks or where its value is NaN, in 'metric' mode", () => {
    const learningRate = [point(1, 0, 0.1), point(2, 0, Number.NaN), point(3, 0, 0.01), point(7, 0, 0.001)];
    expect(columns(alignMetricSeries(loss, { mode: 'metric', xMetric: learningRate }))).toEqual({
      x: [0.01, 0.1],
      y: [0.9, 1.5],
      steps: [3, 1],
    });
    expect(alignMetricSeries(loss, { mode: 'metric', xMetric: [] }).x).toHaveLength(0);
  });

  it("takes the x-metric's last point at a step by timestamp, and keeps every y point of a step", () => {
    const epoch = [
      point(1, 20, 1.5), // latest at step 1
      point(1, 10, 1.0),
      point(2, 30, 2.0),
      point(2, 30, 2.5), // same timestamp: the later in input order wins
    ];
    const accuracy = [point(1, 0, 0.3), point(2, 0, 0.4), point(2, 1, 0.45)];
    expect(columns(alignMetricSeries(accuracy, { mode: 'metric', xMetric: epoch }))).toEqual({
      x: [1.5, 2.5, 2.5],
      y: [0.3, 0.4, 0.45],
      steps: [1, 2, 2],
    });
  });
});

describe('nearestIndexByX', () => {
  const xs = Float64Array.from([0, 10, 20, 20, 40]);

  it('finds the nearest point by x, the earlier one on ties', () => {
    expect(nearestIndexByX(xs, -5)).toBe(0);
    expect(nearestIndexByX(xs, 0)).toBe(0);
    expect(nearestIndexByX(xs, 4)).toBe(0);
    expect(nearestIndexByX(xs, 5)).toBe(0);
    expect(nearestIndexByX(xs, 6)).toBe(1);
    expect(nearestIndexByX(xs, 20)).toBe(2);
    expect(nearestIndexByX(xs, 25)).toBe(2);
    expect(nearestIndexByX(xs, 31)).toBe(4);
    expect(nearestIndexByX(xs, 1e9)).toBe(4);
  });

  it('finds nothing in an empty series or at a NaN x', () => {
    expect(nearestIndexByX([], 3)).toBe(-1);
    expect(nearestIndexByX(xs, Number.NaN)).toBe(-1);
  });

  it('agrees with a linear scan over random sorted series', () => {
    let seed = 7;
    const random = () => ((seed = (seed * 16807) % 2147483647) - 1) / 2147483646;
    for (let trial = 0; trial < 200; trial++) {
      const sorted = Array.from({ length: 1 + Math.floor(random() * 50) }, () => Math.floor(random() * 100)).sort((a, b) => a - b);
      const target = random() * 120 - 10;
      const distances = sorted.map((x) => Math.abs(x - target));
      expect(nearestIndexByX(sorted, target)).toBe(distances.indexOf(Math.min(...distances)));
    }
  });
});

describe('pointsAtX', () => {
  it("gives each series' point nearest to the hovered x, or null for an empty series", () => {
    const train = alignMetricSeries([point(0, 0, 1.0), point(10, 60, 0.5), point(20, 120, 0.25)], { mode: 'step' });
    const validation = alignMetricSeries([point(5, 30, 0.8), point(15, 90, 0.6)], { mode: 'step' });
    const empty = alignMetricSeries([], { mode: 'step' });
    expect(pointsAtX([train, validation, empty], 12)).toEqual([
      { index: 1, x: 10, y: 0.5, step: 10, timestamp: START + 60_000 },
      { index: 1, x: 15, y: 0.6, step: 15, timestamp: START + 90_000 },
      null,
    ]);
  });
});
