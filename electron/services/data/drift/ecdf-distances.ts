// The two distances between empirical distribution functions that the numeric drift tests need,
// computed exactly without sorting a million values: the Wasserstein distance ∫|F₁ − F₂| dx
// (scipy's wasserstein_distance) and the Kolmogorov-Smirnov statistic max |F₁ − F₂| (scipy's
// ks_2samp statistic, evaluated after ties).
//
// Both samples are counted into up to 32,768 equal-width bins (few enough to stay in the CPU's
// cache, which matters more than how many values a bin holds) (bins are ordered sets: a
// bin's values are all below the next bin's). Within a bin where F₁ − F₂ keeps its sign, the
// integral follows from the bin's counts, sums and extremes; only bins where the difference may
// cross zero, or may hold a larger maximum than any bin boundary, are sorted and walked value by
// value. Typically that is a small fraction of the values.

/** The Wasserstein distance and the KS statistic of two samples. */
export interface EcdfDistances {
  readonly wasserstein: number;
  readonly ks: number;
}

/** Below this many values in all, both samples are simply sorted. */
const SORT_LIMIT = 4096;
const MIN_BINS = 64;
const MAX_BINS = 1 << 15;
/** About this many values per bin, below the cap. */
const VALUES_PER_BIN = 64;

/** How ecdfDistances may be helped: a cancellation check for long loops, and the extremes when already known. */
export interface EcdfOptions {
  readonly throwIfCancelled?: () => void;
  /** The smallest and largest value of both samples together (saves a pass over them). */
  readonly range?: readonly [number, number];
}

/** Exact distances between the samples `a` and `b` (no NaN or infinity in them; neither empty). */
export function ecdfDistances(a: Float64Array, b: Float64Array, options: EcdfOptions = {}): EcdfDistances {
  const throwIfCancelled = options.throwIfCancelled ?? (() => {});
  const n1 = a.length;
  const n2 = b.length;
  if (n1 === 0 || n2 === 0) return { wasserstein: Number.NaN, ks: Number.NaN };
  const [lo, hi] = options.range ?? extremes(a, b);
  if (lo === hi) return { wasserstein: 0, ks: 0 };
  const bins = Math.min(MAX_BINS, Math.max(MIN_BINS, 2 ** Math.ceil(Math.log2((n1 + n2) / VALUES_PER_BIN))));
  const scale = bins / (hi - lo);
  if (n1 + n2 <= SORT_LIMIT || !Number.isFinite(scale)) return bySorting(a, b);

  // Each value's bin is computed once and kept (bins fit in 16 bits) for the second walk.
  const count1 = new Int32Array(bins);
  const count2 = new Int32Array(bins);
  const sum1 = new Float64Array(bins);
  const sum2 = new Float64Array(bins);
  const binMin = new Float64Array(bins).fill(Number.POSITIVE_INFINITY);
  const binMax = new Float64Array(bins).fill(Number.NEGATIVE_INFINITY);
  const binsOfBoth = binNumbers(n1 + n2);
  const binsOf1 = binsOfBoth.subarray(0, n1);
  const binsOf2 = binsOfBoth.subarray(n1, n1 + n2);
  const last = bins - 1;
  const tally = (values: Float64Array, binsOf: Uint16Array, counts: Int32Array, sums: Float64Array) => {
    for (let i = 0; i < values.length; i++) {
      const x = values[i]!;
      const offset = x - lo;
      let k = (offset * scale) | 0;
      if (k > last) k = last;
      binsOf[i] = k;
      counts[k]!++;
      sums[k]! += offset;
      if (x < binMin[k]!) binMin[k] = x;
      if (x > binMax[k]!) binMax[k] = x;
    }
  };
  tally(a, binsOf1, count1, sum1);
  throwIfCancelled();
  tally(b, binsOf2, count2, sum2);
  throwIfCancelled();

  // First walk: the integral where the sign is known, the gaps between bins, and F₁ − F₂ after each bin.
  const wasserstein = new CompensatedSum();
  const exact = new Uint8Array(bins);
  const startDifference = new Float64Array(bins);
  let cumulative1 = 0;
  let cumulative2 = 0;
  let ksAtBoundaries = 0;
  let previous = -1;
  for (let k = 0; k < bins; k++) {
    const c1 = count1[k]!;
    const c2 = count2[k]!;
    if (c1 + c2 === 0) continue;
    const start = cumulative1 / n1 - cumulative2 / n2;
    startDifference[k] = start;
    if (previous >= 0) wasserstein.add(Math.abs(start) * (binMin[k]! - binMax[previous]!));
    const width = binMax[k]! - binMin[k]!;
    if (width > 0) {
      const low = start - c2 / n2;
      const high = start + c1 / n1;
      if (low >= 0 || high <= 0) {
        const top = binMax[k]! - lo;
        const inner = start * width + (c1 * top - sum1[k]!) / n1 - (c2 * top - sum2[k]!) / n2;
        wasserstein.add(low >= 0 ? inner : -inner);
      } else {
        exact[k] = 1;
      }
    }
    cumulative1 += c1;
    cumulative2 += c2;
    ksAtBoundaries = Math.max(ksAtBoundaries, Math.abs(cumulative1 / n1 - cumulative2 / n2));
    previous = k;
  }
  // A bin can hold a larger KS maximum than every boundary only if its bound exceeds them; a bin
  // of one value (ties, as in integer columns) ends at its boundary, so it cannot.
  for (let k = 0; k < bins; k++) {
    if (count1[k]! + count2[k]! === 0 || exact[k] || binMin[k] === binMax[k]) continue;
    const start = startDifference[k]!;
    const bound = Math.max(Math.abs(start + count1[k]! / n1), Math.abs(start - count2[k]! / n2));
    if (bound > ksAtBoundaries) exact[k] = 2;
  }
  throwIfCancelled();

  // Second walk: sort and walk the marked bins' values.
  const offsets1 = markedOffsets(exact, count1);
  const offsets2 = markedOffsets(exact, count2);
  const marked1 = gather(a, binsOf1, exact, offsets1);
  const marked2 = gather(b, binsOf2, exact, offsets2);
  let ks = ksAtBoundaries;
  for (let k = 0; k < bins; k++) {
    if (!exact[k]) continue;
    const values1 = marked1.subarray(offsets1[k], offsets1[k]! + count1[k]!).sort();
    const values2 = marked2.subarray(offsets2[k], offsets2[k]! + count2[k]!).sort();
    const walked = walkMerged(values1, values2, n1, n2, startDifference[k]!);
    if (exact[k] === 1) wasserstein.add(walked.integral);
    ks = Math.max(ks, walked.maxDifference);
  }
  return { wasserstein: wasserstein.value, ks };
}

/** Bin numbers up to this many values are kept from one call to the next. */
const KEPT_BIN_NUMBERS = 1 << 24;
let keptBinNumbers = new Uint16Array(0);

/**
 * Room for `count` bin numbers. Memory written for the first time costs more here (the kernel
 * maps and zeroes each page) than the walk that fills it, so the room is reused between calls.
 */
function binNumbers(count: number): Uint16Array {
  if (count > KEPT_BIN_NUMBERS) return new Uint16Array(count);
  if (keptBinNumbers.length < count) keptBinNumbers = new Uint16Array(count);
  return keptBinNumbers.subarray(0, count);
}

/** Both samples sorted and walked together. */
function bySorting(a: Float64Array, b: Float64Array): EcdfDistances {
  const walked = walkMerged(a.slice().sort(), b.slice().sort(), a.length, b.length, 0);
  return { wasserstein: walked.integral, ks: walked.maxDifference };
}

/**
 * Walks two sorted runs of values in order, starting from F₁ − F₂ = `start`: the integral of
 * |F₁ − F₂| between the first and last value, and the largest |F₁ − F₂| after each group of ties.
 */
function walkMerged(
  values1: Float64Array,
  values2: Float64Array,
  n1: number,
  n2: number,
  start: number,
): { integral: number; maxDifference: number } {
  const integral = new CompensatedSum();
  let i = 0;
  let j = 0;
  let taken1 = 0;
  let taken2 = 0;
  let maxDifference = 0;
  let difference = start;
  let last = Number.NaN;
  while (i < values1.length || j < values2.length) {
    const value = j >= values2.length || (i < values1.length && values1[i]! <= values2[j]!) ? values1[i]! : values2[j]!;
    if (!Number.isNaN(last)) integral.add(Math.abs(difference) * (value - last));
    while (i < values1.length && values1[i] === value) {
      i++;
      taken1++;
    }
    while (j < values2.length && values2[j] === value) {
      j++;
      taken2++;
    }
    difference = start + taken1 / n1 - taken2 / n2;
    maxDifference = Math.max(maxDifference, Math.abs(difference));
    last = value;
  }
  return { integral: integral.value, maxDifference };
}

/** Where each marked bin's values start in the gathered array (the last entry is the total). */
function markedOffsets(marked: Uint8Array, counts: Int32Array): Int32Array {
  const offsets = new Int32Array(counts.length + 1);
  for (let k = 0; k < counts.length; k++) offsets[k + 1] = offsets[k]! + (marked[k] ? counts[k]! : 0);
  return offsets;
}

/** The values of the marked bins, grouped by bin at the given offsets. */
function gather(values: Float64Array, binsOf: Uint16Array, marked: Uint8Array, offsets: Int32Array): Float64Array {
  const cursor = offsets.slice(0, offsets.length - 1);
  const out = new Float64Array(offsets[offsets.length - 1]!);
  for (let i = 0; i < values.length; i++) {
    const k = binsOf[i]!;
    if (marked[k]) out[cursor[k]!++] = values[i]!;
  }
  return out;
}

function extremes(a: Float64Array, b: Float64Array): [number, number] {
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (const values of [a, b]) {
    for (let i = 0; i < values.length; i++) {
      const x = values[i]!;
      if (x < lo) lo = x;
      if (x > hi) hi = x;
    }
  }
  return [lo, hi];
}

/** Neumaier's compensated sum: many small positive terms without losing their tail. */
class CompensatedSum {
  private sum = 0;
  private compensation = 0;

  add(term: number): void {
    const next = this.sum + term;
    if (Math.abs(this.sum) >= Math.abs(term)) this.compensation += this.sum - next + term;
    else this.compensation += term - next + this.sum;
    this.sum = next;
  }

  get value(): number {
    return this.sum + this.compensation;
  }
}
