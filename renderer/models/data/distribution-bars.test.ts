import { describe, expect, it } from 'vitest';
import type { ColumnDrift, ColumnProfile } from '../../../shared/data-models';
import { columnsByDrift, driftBars, driftStrength, profileBars } from './distribution-bars';

const column = (patch: Partial<ColumnProfile>): ColumnProfile => ({
  name: 'x',
  storageType: 'DOUBLE',
  type: 'numeric',
  count: 10,
  missing: 0,
  distinct: 10,
  distinctApproximate: false,
  min: 0,
  max: 10,
  mean: 5,
  std: 1,
  quantiles: null,
  histogram: null,
  topValues: null,
  mixedTypes: null,
  ...patch,
});

const drift = (name: string, patch: Partial<ColumnDrift>): ColumnDrift => ({
  column: name,
  kind: 'num',
  test: 'ks',
  score: 0.5,
  threshold: 0.05,
  drift: false,
  reason: null,
  referenceValues: 10,
  currentValues: 10,
  distinctValues: 10,
  referenceMissingShare: 0,
  currentMissingShare: 0,
  distribution: null,
  ...patch,
});

describe('distribution bars', () => {
  it('draws a histogram with its edges, the last bin inclusive', () => {
    const bars = profileBars(column({ histogram: [{ lower: 0, upper: 5, count: 3 }, { lower: 5, upper: 10, count: 7 }] }));
    expect(bars).toEqual([
      { label: '0', title: '0 – 5: 3 rows', current: 3 },
      { label: '5', title: '5 – 10 (inclusive): 7 rows', current: 7 },
    ]);
  });

  it('draws one bar per integer when the bins are one per integer, and top values of categories before their histogram', () => {
    const bins = [
      { lower: 0.5, upper: 1.5, count: 2 },
      { lower: 1.5, upper: 2.5, count: 5 },
    ];
    expect(profileBars(column({ histogram: bins }))?.map((bar) => bar.label)).toEqual(['1', '2']);
    const categorical = column({ type: 'categorical', histogram: bins, topValues: [{ value: '2', count: 5 }, { value: '1', count: 2 }] });
    expect(profileBars(categorical)?.map((bar) => [bar.label, bar.current])).toEqual([
      ['2', 5],
      ['1', 2],
    ]);
  });

  it('labels date bins with dates, and falls back to top values, or nothing', () => {
    const day = Date.UTC(2026, 0, 1);
    const dates = profileBars(column({ type: 'datetime', histogram: [{ lower: day, upper: day + 2 * 86_400_000, count: 1 }] }));
    expect(dates?.[0]?.label).toBe('2026-01-01');
    expect(profileBars(column({ type: 'categorical', topValues: [{ value: 'DE', count: 4 }] }))).toEqual([{ label: 'DE', title: 'DE: 4 rows', current: 4 }]);
    expect(profileBars(column({ type: 'text' }))).toBeNull();
  });

  it('overlays both sides of a drift distribution', () => {
    expect(driftBars({ kind: 'bins', edges: [0, 1, 2], reference: [0.5, 0.5], current: [0.1, 0.9] })).toEqual([
      { label: '0', title: '0 – 1', current: 0.1, reference: 0.5 },
      { label: '1', title: '1 – 2', current: 0.9, reference: 0.5 },
    ]);
    expect(driftBars({ kind: 'values', values: ['a'], reference: [1], current: [0.2] })).toEqual([{ label: 'a', title: 'a', current: 0.2, reference: 1 }]);
  });

  it('orders columns by drift: drifted first, the strongest first, untested last', () => {
    const columns = [
      drift('untested', { test: null, score: null, threshold: null, reason: 'all missing' }),
      drift('calm', { score: 0.9 }),
      drift('far', { test: 'wasserstein', score: 0.5, threshold: 0.1, drift: true }),
      drift('near', { test: 'wasserstein', score: 0.12, threshold: 0.1, drift: true }),
      drift('p-small', { score: 1e-20, drift: true }),
    ];
    expect(columnsByDrift(columns).map((one) => one.column)).toEqual(['p-small', 'far', 'near', 'calm', 'untested']);
    expect(driftStrength({ test: 'ks', score: 0.05, threshold: 0.05 })).toBeCloseTo(1);
    expect(driftStrength({ test: 'ks', score: 1, threshold: 0.05 })).toBe(0);
  });
});
