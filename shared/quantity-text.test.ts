import { describe, expect, it } from 'vitest';
import { countOf, formatBytes } from './quantity-text';

describe('countOf', () => {
  it('uses the singular for one and the plural otherwise, with thousands separators', () => {
    expect(countOf(1, 'run')).toBe('1 run');
    expect(countOf(0, 'run')).toBe('0 runs');
    expect(countOf(12480, 'run')).toBe('12,480 runs');
    expect(countOf(2, 'alias', 'aliases')).toBe('2 aliases');
  });
});

describe('formatBytes', () => {
  it('keeps bytes under 1 KB whole and scales the rest in binary units', () => {
    expect(formatBytes(0)).toBe('0 B');
    expect(formatBytes(1023)).toBe('1023 B');
    expect(formatBytes(1024)).toBe('1.0 KB');
    expect(formatBytes(3.4 * 1024)).toBe('3.4 KB');
    expect(formatBytes(56 * 1024 * 1024)).toBe('56 MB');
    expect(formatBytes(1.25 * 1024 ** 3)).toBe('1.3 GB');
    expect(formatBytes(5000 * 1024 ** 4)).toBe('5000 TB');
  });
});
