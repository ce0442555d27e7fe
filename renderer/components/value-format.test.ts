import { describe, expect, it } from 'vitest';
import { formatCount } from './value-format';

describe('formatCount', () => {
  it('groups whole counts by thousands as en-US does', () => {
    for (const count of [0, 7, 999, 1000, 10_000, 100_001, 1_234_567, -4321, Number.MAX_SAFE_INTEGER]) {
      expect(formatCount(count)).toBe(new Intl.NumberFormat('en-US').format(count));
    }
  });

  it('formats fractions and huge numbers with Intl', () => {
    expect(formatCount(1234.5)).toBe('1,234.5');
    expect(formatCount(1e21)).toBe(new Intl.NumberFormat('en-US').format(1e21));
  });
});
