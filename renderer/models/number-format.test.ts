import { describe, expect, it } from 'vitest';
import { DEFAULT_NUMBER_FORMAT, numberFormatFor } from './number-format';

const formatAll = (values: number[]) => {
  const format = numberFormatFor(values);
  return values.map((value) => format.format(value));
};

describe('number formats', () => {
  it('writes tiny numbers of one column all in exponent form with the same digits', () => {
    expect(formatAll([2.96e-6, 9.866e-7, 1.5e-5])).toEqual(['2.960e-6', '9.866e-7', '1.500e-5']);
  });

  it('writes ordinary numbers with the same decimals: those they have, up to five significant digits at their typical size', () => {
    expect(formatAll([0.82, 0.82817, 0.9])).toEqual(['0.82000', '0.82817', '0.90000']);
    expect(formatAll([12.5, 130.25, 99])).toEqual(['12.50', '130.25', '99.00']);
    expect(formatAll([2048.5, 1000.25])).toEqual(['2048.5', '1000.3']);
    expect(formatAll([0.1234567, 0.5])).toEqual(['0.12346', '0.50000']);
    // 0.05 × 3 is stored as 0.15000000000000002: it still has two decimals.
    expect(formatAll([0.05, 0.05 * 3, 0.6])).toEqual(['0.05', '0.15', '0.60']);
  });

  it('writes whole numbers as they are', () => {
    expect(formatAll([1, 20, 300])).toEqual(['1', '20', '300']);
    expect(numberFormatFor([3, 4]).kind).toBe('integer');
  });

  it('uses exponent form for very large numbers or a spread beyond six orders of magnitude', () => {
    expect(formatAll([1.5e7, 2e6 + 0.5])).toEqual(['1.500e+7', '2.000e+6']);
    expect(numberFormatFor([1e-5, 0.5, 12]).kind).toBe('exponent');
  });

  it('writes NaN and infinities by name, never lets them decide, and drops the sign of a rounded zero', () => {
    const format = numberFormatFor([0.5, Number.NaN, Number.POSITIVE_INFINITY, 0.25]);
    expect([Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY].map(format.format)).toEqual(['NaN', '∞', '−∞']);
    expect(format.format(-0.000001)).toBe('0.00');
    expect(format.kind).toBe('fixed');
  });

  it('counts only the entries asked for, and looks at every value of a long column for its extremes', () => {
    const values = Float64Array.from({ length: 100_000 }, (_, i) => (i === 77_777 ? 1e8 : 0.5));
    expect(numberFormatFor(values).kind).toBe('exponent');
    expect(numberFormatFor([0.5, 1e9], (index) => index === 0).format(0.5)).toBe('0.5');
  });

  it('reads extra numbers with the column (a grouped column’s means)', () => {
    const format = numberFormatFor([0.05, 0.5], undefined, [0.275]);
    expect(format.format(0.05)).toBe('0.050');
  });

  it('writes a lone number in five significant digits', () => {
    expect([0.123456, 1e-7, 42, 0].map(DEFAULT_NUMBER_FORMAT.format)).toEqual(['0.12346', '1.000e-7', '42', '0']);
  });
});
