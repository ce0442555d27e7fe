import { describe, expect, it } from 'vitest';
import { axisMapping, axisTicks, formatNumber, formatX, niceDomain, snappedAxis } from './chart-scales';

describe('chart scales', () => {
  it('maps linearly and logarithmically, both ways', () => {
    const linear = axisMapping([0, 100], 0, 500);
    expect(linear.toPixel(50)).toBe(250);
    expect(linear.fromPixel(100)).toBe(20);
    const log = axisMapping([1, 1000], 300, 0, 'log');
    expect(log.toPixel(10)).toBeCloseTo(200);
    expect(log.fromPixel(100)).toBeCloseTo(100);
  });

  it('puts ticks at round values, time steps for time axes, powers of ten on a log scale', () => {
    expect(axisTicks([0, 100_000], 5, { kind: 'step' })).toEqual([0, 20_000, 40_000, 60_000, 80_000, 100_000]);
    expect(axisTicks([0.1, 0.7], 5, { kind: 'value' })).toEqual([0.2, 0.4, 0.6]);
    expect(axisTicks([0, 600], 5, { kind: 'relative' })).toEqual([0, 120, 240, 360, 480, 600]);
    expect(axisTicks([0.001, 10], 5, { kind: 'value', scale: 'log' })).toEqual([0.001, 0.01, 0.1, 1, 10]);
    expect(niceDomain(0.003, 42, 'log')).toEqual([0.001, 100]);
    expect(niceDomain(5, 5, 'linear')).toEqual([4.5, 5.5]);
  });

  it('puts whole-number ticks on a step axis: never 2.5, 7.5, 12.5, nor steps below 1', () => {
    expect(axisTicks([0, 15], 6, { kind: 'step' })).toEqual([0, 5, 10, 15]);
    expect(axisTicks([0, 3], 6, { kind: 'step' })).toEqual([0, 1, 2, 3]);
    expect(snappedAxis(0, 12, 6, 'step', 'linear').ticks.every(Number.isInteger)).toBe(true);
    for (const last of [3, 7, 12, 19, 49, 99, 149, 999]) {
      const { ticks } = snappedAxis(0, last, 6, 'step', 'linear');
      expect(ticks.every(Number.isInteger), `0 to ${last}: ${ticks.join(', ')}`).toBe(true);
    }
    // A value axis may use 2.5.
    expect(axisTicks([0, 15], 6, { kind: 'value' })).toEqual([0, 2.5, 5, 7.5, 10, 12.5, 15]);
  });

  it('snaps an axis to whole ticks with a labelled tick at each end', () => {
    for (const [min, max] of [
      [0.13, 0.87],
      [0.30000000000000004, 0.9],
      [-1.7, 3.2],
      [2.96e-6, 9.5e-5],
      [120, 121],
    ] as const) {
      const { domain, ticks } = snappedAxis(min, max, 5, 'value', 'linear');
      expect(ticks[0], `${min}..${max}`).toBe(domain[0]);
      expect(ticks.at(-1)).toBe(domain[1]);
      expect(domain[0]).toBeLessThanOrEqual(min);
      expect(domain[1]).toBeGreaterThanOrEqual(max);
      const steps = ticks.slice(1).map((tick, i) => tick - ticks[i]!);
      for (const step of steps) expect(step).toBeCloseTo(steps[0]!, 9);
    }
  });

  it('labels numbers compactly and durations readably', () => {
    expect(formatNumber(123_456)).toBe('123.5k');
    expect(formatNumber(0.000012)).toBe('1.2e-5');
    expect(formatNumber(2_500_000)).toBe('2.5M');
    expect(formatX(90, 'relative', 600)).toBe('1m 30s');
    expect(formatX(7320, 'relative', 10_000)).toBe('2h 2m');
    expect(formatX(1500, 'step', 10_000)).toBe('1500');
  });
});
