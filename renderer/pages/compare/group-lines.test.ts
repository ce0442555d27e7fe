import { describe, expect, it } from 'vitest';
import type { MetricSeries } from '../../../shared/metric-series';
import { groupLine } from './group-lines';

function series(runId: string, x: number[], y: number[]): MetricSeries {
  return { runId, key: 'loss', x: Float64Array.from(x), y: Float64Array.from(y), steps: null, rawCount: x.length, complete: true };
}

describe('groupLine', () => {
  it('draws the mean of the runs with a ±1 std band, each run only over its own x extent', () => {
    const line = groupLine('g', 'opt=adam', '#123456', [series('a', [0, 100], [0, 10]), series('b', [0, 50], [2, 2])]);
    expect(line.label).toBe('opt=adam (2 runs)');
    expect(line.x[0]).toBe(0);
    expect(line.x[line.x.length - 1]).toBe(100);
    // At x = 0: values 0 and 2, mean 1, std 1.
    expect(line.y[0]).toBe(1);
    expect(line.band!.lower[0]).toBe(0);
    expect(line.band!.upper[0]).toBe(2);
    // Past x = 50 only run a counts: no spread.
    const last = line.y.length - 1;
    expect(line.y[last]).toBe(10);
    expect(line.band!.upper[last]).toBe(10);
  });

  it('skips non-finite values', () => {
    const line = groupLine('g', 'x', '#000000', [series('a', [0, 10], [Number.NaN, Number.NaN]), series('b', [0, 10], [4, 4])]);
    expect(Array.from(line.y).every((value) => value === 4)).toBe(true);
  });
});
