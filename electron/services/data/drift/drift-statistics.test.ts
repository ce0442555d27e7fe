// The drift tests' statistics against scipy's, computed once by fixtures/make-fixtures.py.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { histogramCounts, ksTwoSamplePValue, roundHalfEven, sturgesEdges } from './drift-tests';
import { ecdfDistances } from './ecdf-distances';
import { chiSquaredSurvival, kolmogorovSurvival, normalCdf } from './special-functions';

const FIXTURES = path.join(__dirname, '..', 'fixtures');
const statistics = JSON.parse(fs.readFileSync(path.join(FIXTURES, 'expected-statistics.json'), 'utf8')) as {
  ks_2samp: Array<{ n1: number; n2: number; d: number; p: number }>;
  kstwo_sf: Array<{ n: number; x: number; sf: number }>;
  chi2_sf: Array<{ x: number; df: number; sf: number }>;
  norm_cdf: Array<{ x: number; cdf: number }>;
  sturges: { values: number[]; edges: number[]; counts: number[] };
};

/** Equal within a relative tolerance, or both below an absolute floor (p-values under 1e-300 underflow differently). */
function expectClose(actual: number, expected: number, relative: number, label: string): void {
  if (Math.abs(expected) < 1e-300) {
    expect(Math.abs(actual), label).toBeLessThan(1e-290);
    return;
  }
  expect(Math.abs(actual - expected) / Math.abs(expected), `${label}: ${actual} vs ${expected}`).toBeLessThan(relative);
}

describe('p-value functions against scipy', () => {
  it("gives ks_2samp's two-sided p-value (exact up to 10,000 per side, else asymptotic)", () => {
    expect(statistics.ks_2samp.length).toBeGreaterThan(50);
    for (const { n1, n2, d, p } of statistics.ks_2samp) expectClose(ksTwoSamplePValue(n1, n2, d), p, 1e-8, `ks n1=${n1} n2=${n2} d=${d}`);
  });

  it("gives kstwo.sf across scipy's methods (Ruben-Gambino, Durbin matrix, Pomeranz, Pelz-Good, Smirnov)", () => {
    for (const { n, x, sf } of statistics.kstwo_sf) expectClose(kolmogorovSurvival(n, x), sf, 1e-8, `kstwo n=${n} x=${x}`);
  });

  it("gives chi2.sf and norm.cdf", () => {
    for (const { x, df, sf } of statistics.chi2_sf) expectClose(chiSquaredSurvival(x, df), sf, 1e-10, `chi2 x=${x} df=${df}`);
    for (const { x, cdf } of statistics.norm_cdf) expectClose(normalCdf(x), cdf, 1e-12, `norm x=${x}`);
  });

  it("bins as numpy's histogram_bin_edges(sturges) and histogram do", () => {
    const { values, edges, counts } = statistics.sturges;
    const min = Math.min(...values);
    const max = Math.max(...values);
    const ours = sturgesEdges(min, max, values.length);
    expect(ours.length).toBe(edges.length);
    ours.forEach((edge, i) => expect(edge).toBeCloseTo(edges[i]!, 12));
    expect(histogramCounts(Float64Array.from(values), edges)).toEqual(counts);
  });

  it('rounds half to even, as numpy', () => {
    expect([0.5, 1.5, 2.5, 2.4999, 2.5001].map(roundHalfEven)).toEqual([0, 2, 2, 2, 3]);
  });
});

describe('ECDF distances against scipy', () => {
  const cases = JSON.parse(fs.readFileSync(path.join(FIXTURES, 'expected-distances.json'), 'utf8')) as Array<{
    a: number[];
    b: number[];
    wasserstein: number;
    ks: number;
  }>;

  it('gives wasserstein_distance and the ks_2samp statistic, with ties and without', () => {
    expect(cases.length).toBe(4);
    for (const [index, c] of cases.entries()) {
      const ours = ecdfDistances(Float64Array.from(c.a), Float64Array.from(c.b));
      expectClose(ours.wasserstein, c.wasserstein, 1e-10, `case ${index} wasserstein`);
      expect(Math.abs(ours.ks - c.ks), `case ${index} ks`).toBeLessThan(1e-12);
    }
  });

  it('agrees with a plain sort-and-walk on samples with heavy ties and outliers', () => {
    const random = seeded(7);
    const a = Float64Array.from({ length: 20_000 }, () => (random() < 0.01 ? 1e6 * random() : Math.round(random() * 50) / 10));
    const b = Float64Array.from({ length: 15_000 }, () => Math.round((random() * 52 - 1) * 10) / 100);
    const ours = ecdfDistances(a, b);
    const plain = sortAndWalk(a, b);
    expectClose(ours.wasserstein, plain.wasserstein, 1e-9, 'wasserstein');
    expect(Math.abs(ours.ks - plain.ks)).toBeLessThan(1e-12);
  });
});

function sortAndWalk(a: Float64Array, b: Float64Array) {
  const all = Float64Array.from([...a, ...b]).sort();
  const sa = a.slice().sort();
  const sb = b.slice().sort();
  const cdf = (sorted: Float64Array, x: number) => {
    let lo = 0;
    let hi = sorted.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (sorted[mid]! <= x) lo = mid + 1;
      else hi = mid;
    }
    return lo / sorted.length;
  };
  let wasserstein = 0;
  let ks = 0;
  for (let i = 0; i < all.length; i++) {
    const difference = Math.abs(cdf(sa, all[i]!) - cdf(sb, all[i]!));
    ks = Math.max(ks, difference);
    if (i < all.length - 1) wasserstein += difference * (all[i + 1]! - all[i]!);
  }
  return { wasserstein, ks };
}

function seeded(seed: number): () => number {
  let state = seed;
  return () => ((state = (state * 16807) % 2147483647) - 1) / 2147483646;
}
