// The drift tests Evidently runs by default, on the counts and distances Cairn computes: the
// two-sample Kolmogorov-Smirnov p-value (scipy's ks_2samp, method "auto"), chi-squared with
// expected counts scaled from the reference, the two-proportion Z-test, and the distances over
// binned shares (Jensen-Shannon, PSI, Kullback-Leibler) with Evidently's binning.
import { chiSquaredSurvival, kolmogorovSurvival, normalCdf } from './special-functions';

/** Up to this many values per side, scipy's "auto" method computes the KS p-value exactly. */
const KS_EXACT_LIMIT = 10_000;

/** The two-sided two-sample Kolmogorov-Smirnov p-value of statistic `d` for samples of n1 and n2 values. */
export function ksTwoSamplePValue(n1: number, n2: number, d: number): number {
  if (n1 <= 0 || n2 <= 0) return Number.NaN;
  let statistic = d;
  if (Math.max(n1, n2) <= KS_EXACT_LIMIT) {
    const g = gcd(n1, n2);
    const lcm = (n1 / g) * n2;
    const h = roundHalfEven(d * lcm);
    statistic = h / lcm;
    if (h === 0) return 1;
    const p = n1 === n2 ? probabilityOutsideSquare(n1, h) : probabilityOutsideBand(n1, n2, g, h);
    if (Number.isFinite(p) && p >= 0 && p <= 1) return p;
    // As scipy: an exact computation that failed falls back to the asymptotic one.
  }
  const [m, n] = n1 >= n2 ? [n1, n2] : [n2, n1];
  const en = (m * n) / (m + n);
  return Math.min(1, Math.max(0, kolmogorovSurvival(roundHalfEven(en), statistic)));
}

/** P(D ≥ h/n) for two samples of n values each (paths leaving the band |x − y| < h). */
function probabilityOutsideSquare(n: number, h: number): number {
  // 2 Σₖ (−1)^(k+1) C(2n, n − kh) / C(2n, n), evaluated as nested products to avoid cancellation.
  let p = 0;
  for (let k = Math.floor(n / h); k >= 0; k--) {
    let term = 1;
    for (let j = 0; j < h; j++) term = ((n - k * h - j) * term) / (n + k * h + j + 1);
    p = term * (1 - p);
  }
  return 2 * p;
}

/**
 * The share of lattice paths from (0, 0) to (m, n) that leave the band |nx/g − my/g| < h at some
 * point, walking the grid column by column and keeping, for each point in the band, the share of
 * paths to it that already left (Hodges' inside method, in the complementary form that keeps
 * small p-values accurate).
 */
function probabilityOutsideBand(n1: number, n2: number, g: number, h: number): number {
  const [m, n] = n1 >= n2 ? [n1, n2] : [n2, n1];
  const mg = m / g;
  const ng = n / g;
  let minJ = 0;
  let maxJ = Math.min(Math.ceil(h / mg), n + 1);
  let currentLength = maxJ - minJ;
  const size = Math.min(2 * maxJ + 2, n + 1);
  const left = new Float64Array(size).fill(1);
  // Column x = 0: the points (0, y) inside the band have no path that left it.
  for (let j = minJ; j < maxJ; j++) left[j] = 0;
  for (let i = 1; i <= m; i++) {
    const lastMinJ = minJ;
    const lastLength = currentLength;
    minJ = Math.min(Math.max(Math.floor((ng * i - h) / mg) + 1, 0), n);
    maxJ = Math.min(Math.ceil((ng * i + h) / mg), n + 1);
    if (maxJ <= minJ) return 1;
    let below = minJ === 0 ? 0 : 1;
    for (let offset = 0; offset < maxJ - minJ; offset++) {
      const j = offset + minJ;
      below = (left[offset + minJ - lastMinJ]! * i + below * j) / (i + j);
      left[offset] = below;
    }
    currentLength = maxJ - minJ;
    if (lastLength > currentLength) left.fill(1, maxJ - minJ, maxJ - minJ + (lastLength - currentLength));
  }
  return left[maxJ - minJ - 1]!;
}

/** The chi-squared test's p-value of observed counts against expected ones (scipy's chisquare); 0 when a category was not expected. */
export function chiSquarePValue(observed: readonly number[], expected: readonly number[]): number {
  let statistic = 0;
  for (let i = 0; i < observed.length; i++) {
    const difference = observed[i]! - expected[i]!;
    statistic += (difference * difference) / expected[i]!;
  }
  if (Number.isNaN(statistic)) return Number.NaN;
  return chiSquaredSurvival(statistic, observed.length - 1);
}

/**
 * The two-sided p-value of Evidently's proportions Z-test, from counts per value in ascending
 * order of value: the smallest value of both sides against all others; 1 when both sides hold
 * one same value.
 */
export function zTestPValue(reference: readonly number[], current: readonly number[]): number {
  const referencePresent = reference.filter((count) => count > 0).length;
  const currentPresent = current.filter((count) => count > 0).length;
  if (referencePresent === 1 && currentPresent === 1 && reference.findIndex((c) => c > 0) === current.findIndex((c) => c > 0)) return 1;
  const n1 = sum(reference);
  const n2 = sum(current);
  // The first count is the smallest value's, coded 0; every other value is coded 1.
  const p1 = (n1 - reference[0]!) / n1;
  const p2 = (n2 - current[0]!) / n2;
  const pooled = (p1 * n1 + p2 * n2) / (n1 + n2);
  const z = (p1 - p2) / Math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2));
  return 2 * (1 - normalCdf(Math.abs(z)));
}

/** Replaces zero shares with a small one, as Evidently does before PSI and Kullback-Leibler. */
export function fillZeroes(shares: readonly number[]): number[] {
  const nonZero = shares.filter((share) => share !== 0);
  if (nonZero.length === 0) return [...shares];
  const smallest = Math.min(...nonZero);
  const fill = smallest <= 0.0001 ? smallest / 10 ** 6 : 0.0001;
  return shares.map((share) => (share === 0 ? fill : share));
}

/** scipy's jensenshannon(p, q) with the natural logarithm: the square root of the divergence. */
export function jensenShannonDistance(p: readonly number[], q: readonly number[]): number {
  const pSum = sum(p);
  const qSum = sum(q);
  let left = 0;
  let right = 0;
  for (let i = 0; i < p.length; i++) {
    const a = p[i]! / pSum;
    const b = q[i]! / qSum;
    const m = (a + b) / 2;
    left += relativeEntropy(a, m);
    right += relativeEntropy(b, m);
  }
  return Math.sqrt((left + right) / 2);
}

/** scipy's entropy(p, q): the Kullback-Leibler divergence of the normalised shares. */
export function klDivergence(p: readonly number[], q: readonly number[]): number {
  const pSum = sum(p);
  const qSum = sum(q);
  let total = 0;
  for (let i = 0; i < p.length; i++) total += relativeEntropy(p[i]! / pSum, q[i]! / qSum);
  return total;
}

/** The population stability index Σ (r − c) ln(r / c) of shares with zeros already filled. */
export function populationStabilityIndex(reference: readonly number[], current: readonly number[]): number {
  let total = 0;
  for (let i = 0; i < reference.length; i++) total += (reference[i]! - current[i]!) * Math.log(reference[i]! / current[i]!);
  return total;
}

function relativeEntropy(x: number, y: number): number {
  if (x > 0 && y > 0) return x * Math.log(x / y);
  if (x === 0 && y >= 0) return 0;
  return Number.POSITIVE_INFINITY;
}

/** numpy's histogram_bin_edges(values, "sturges") for values spanning [min, max], `count` of them. */
export function sturgesEdges(min: number, max: number, count: number): number[] {
  let first = min;
  let last = max;
  if (first === last) {
    first -= 0.5;
    last += 0.5;
  }
  const range = max - min;
  let bins = 1;
  if (range > 0) {
    const width = range / (Math.log2(count) + 1);
    bins = Math.ceil(range / width);
  }
  // numpy's linspace: start + i · step, the last edge exactly the stop.
  const step = (last - first) / bins;
  const edges = Array.from({ length: bins + 1 }, (_, i) => first + i * step);
  edges[bins] = last;
  return edges;
}

/** numpy's histogram counts over explicit edges: [e_i, e_(i+1)), the last bin closed. Values outside are not counted. */
export function histogramCounts(values: Float64Array, edges: readonly number[]): number[] {
  const bins = edges.length - 1;
  const counts = new Float64Array(bins);
  const bounds = Float64Array.from(edges);
  const first = bounds[0]!;
  const last = bounds[bins]!;
  const perUnit = bins / (last - first);
  for (let i = 0; i < values.length; i++) {
    const x = values[i]!;
    if (!(x >= first && x <= last)) continue;
    if (x === last) {
      counts[bins - 1]!++;
      continue;
    }
    // The largest i with edges[i] ≤ x: guessed from the (nearly) even spacing, then corrected
    // against the edges themselves, so that it is the bin numpy's search gives.
    let k = Math.min(bins - 1, Math.floor((x - first) * perUnit));
    while (k > 0 && bounds[k]! > x) k--;
    while (k < bins - 1 && bounds[k + 1]! <= x) k++;
    counts[k]!++;
  }
  return Array.from(counts);
}

/** Banker's rounding, as numpy's round. */
export function roundHalfEven(x: number): number {
  const floor = Math.floor(x);
  const fraction = x - floor;
  if (fraction > 0.5) return floor + 1;
  if (fraction < 0.5) return floor;
  return floor % 2 === 0 ? floor : floor + 1;
}

function gcd(a: number, b: number): number {
  while (b) [a, b] = [b, a % b];
  return a;
}

function sum(values: readonly number[]): number {
  let total = 0;
  for (const value of values) total += value;
  return total;
}
