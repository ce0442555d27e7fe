import { describe, expect, it } from 'vitest';
import { formatCount, formatDateTime } from './value-format';

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

describe('formatDateTime', () => {
  // Newer ICU puts a narrow no-break space before AM/PM; Chromium shows a plain one.
  const intl = (ms: number, options: Intl.DateTimeFormatOptions) => new Intl.DateTimeFormat('en-US', options).format(ms).replace(/\u202f/g, ' ');
  const shortForm: Intl.DateTimeFormatOptions = { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' };

  it('writes a date of this year as en-US does, every hour of the day and every month', () => {
    const now = new Date(2026, 11, 6, 12, 0).getTime();
    for (let month = 0; month < 12; month++) {
      for (const [day, hour, minute] of [[1, 0, 0], [9, 0, 5], [15, 11, 59], [28, 12, 0], [28, 12, 30], [5, 13, 7], [6, 23, 59]] as const) {
        const ms = new Date(2026, month, day, hour, minute).getTime();
        expect(formatDateTime(ms, now)).toBe(intl(ms, shortForm));
      }
    }
  });

  it('adds the year when it is not this year', () => {
    const now = new Date(2026, 0, 2).getTime();
    const ms = new Date(2025, 11, 31, 23, 45).getTime();
    expect(formatDateTime(ms, now)).toBe('Dec 31, 2025, 11:45 PM');
    expect(formatDateTime(ms, now)).toBe(intl(ms, { ...shortForm, year: 'numeric' }));
  });

  it('writes nothing for a time that is not a date', () => {
    expect(formatDateTime(Number.NaN)).toBe('');
  });
});
