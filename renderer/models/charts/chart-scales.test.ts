import { describe, expect, it } from 'vitest';
import { axisMapping, axisTicks, formatNumber, formatX, niceDomain } from './chart-scales';

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

  it('labels numbers compactly and durations readably', () => {
    expect(formatNumber(123_456)).toBe('123.5k');
    expect(formatNumber(0.000012)).toBe('1.2e-5');
    expect(formatNumber(2_500_000)).toBe('2.5M');
    expect(formatX(90, 'relative', 600)).toBe('1m 30s');
    expect(formatX(7320, 'relative', 10_000)).toBe('2h 2m');
    expect(formatX(1500, 'step', 10_000)).toBe('1500');
  });
});
