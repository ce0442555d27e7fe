import { describe, expect, it } from 'vitest';
import { debiasedExponentialMovingAverage } from './metric-smoothing';

describe('debiasedExponentialMovingAverage', () => {
  it('leaves values unchanged at weight 0', () => {
    const values = [3, -1.5, Number.NaN, 1e6, Infinity, 0.25, -Infinity, 7];
    expect(Array.from(debiasedExponentialMovingAverage(values, 0))).toEqual(values);
  });

  it('matches hand-computed values', () => {
    // weight 0.5: ema 0.5, 1.25, 2.125 divided by 1 - 0.5^k = 0.5, 0.75, 0.875
    const smoothed = debiasedExponentialMovingAverage([1, 2, 3], 0.5);
    expect(smoothed[0]).toBe(1);
    expect(smoothed[1]).toBeCloseTo(5 / 3, 12);
    expect(smoothed[2]).toBeCloseTo(17 / 7, 12);
  });

  it('equals the average of the finite values so far, weighted by weight^age', () => {
    const values = [0.9, 0.7, Number.NaN, 0.65, 0.4, Infinity, 0.45, 0.3, 0.32, 0.2];
    const weight = 0.8;
    const smoothed = debiasedExponentialMovingAverage(values, weight);
    values.forEach((value, i) => {
      if (!Number.isFinite(value)) return;
      const earlier = values.slice(0, i + 1).filter(Number.isFinite);
      const weights = earlier.map((_, j) => weight ** (earlier.length - 1 - j));
      const expected = earlier.reduce((sum, v, j) => sum + v * weights[j]!, 0) / weights.reduce((a, b) => a + b, 0);
      expect(smoothed[i]).toBeCloseTo(expected, 12);
    });
  });

  it('keeps a constant series constant', () => {
    expect(Array.from(debiasedExponentialMovingAverage(new Array(1000).fill(0.1), 0.99))).toEqual(new Array(1000).fill(0.1));
    // Not constant for TensorBoard's shortcut because of the NaN: the debiasing keeps the level.
    const withNaN = debiasedExponentialMovingAverage([4, Number.NaN, 4, 4, 4, 4], 0.9);
    expect(withNaN[1]).toBeNaN();
    for (const i of [0, 2, 3, 4, 5]) expect(withNaN[i]).toBeCloseTo(4, 12);
  });

  it('passes non-finite values through without poisoning the average', () => {
    const smoothed = debiasedExponentialMovingAverage([1, Number.NaN, Infinity, -Infinity, 3], 0.5);
    expect(smoothed[0]).toBe(1);
    expect(smoothed[1]).toBeNaN();
    expect(smoothed[2]).toBe(Infinity);
    expect(smoothed[3]).toBe(-Infinity);
    // The second finite value: ema 0.25 + 1.5 = 1.75, debiased by 1 - 0.5^2.
    expect(smoothed[4]).toBeCloseTo(7 / 3, 12);
  });

  it('accepts typed arrays and leaves its input alone', () => {
    const values = Float64Array.from([2, 4, 8]);
    const smoothed = debiasedExponentialMovingAverage(values, 0.6);
    expect(Array.from(values)).toEqual([2, 4, 8]);
    expect(smoothed).not.toBe(values);
    expect(debiasedExponentialMovingAverage([], 0.6)).toHaveLength(0);
  });

  it('rejects a weight outside [0, 1)', () => {
    for (const weight of [-0.1, 1, 1.5, Number.NaN]) {
      expect(() => debiasedExponentialMovingAverage([1, 2], weight)).toThrow(RangeError);
    }
  });
});
