import { describe, expect, it } from 'vitest';
import { isNoisy, seriesRoughness, suggestedSmoothing } from './series-noise';

let seed = 3;
const noise = () => ((seed = (seed * 16807) % 2147483647) / 2147483647) * 2 - 1;

describe('series noise', () => {
  it('finds a smooth training curve smooth, however steep', () => {
    const loss = Array.from({ length: 650 }, (_, step) => 2 * Math.exp(-step / 40) + 0.1);
    expect(isNoisy(loss)).toBe(false);
    const ramp = Array.from({ length: 650 }, (_, step) => (step < 100 ? step / 100 : 1));
    expect(isNoisy(ramp)).toBe(false);
  });

  it('finds a curve with noise around its trend noisy', () => {
    const loss = Array.from({ length: 650 }, (_, step) => 2 * Math.exp(-step / 200) + 0.15 * noise());
    expect(isNoisy(loss)).toBe(true);
    expect(seriesRoughness(loss)).toBeGreaterThan(0.03);
  });

  it('does not judge short or flat series', () => {
    expect(isNoisy([1, 5, 2, 8])).toBe(false);
    expect(seriesRoughness(new Array(100).fill(3))).toBe(0);
    expect(isNoisy([Number.NaN, ...Array.from({ length: 30 }, () => noise())])).toBe(true);
  });

  it('suggests more smoothing for longer curves', () => {
    expect(suggestedSmoothing(100)).toBeLessThan(suggestedSmoothing(1000));
    expect(suggestedSmoothing(100_000)).toBeLessThan(1);
  });
});
