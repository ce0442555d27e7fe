// One way of writing the numbers that are read together (a table column, a chart's tooltip, a
// metric's latest, min and max): `2.960e-6` beside `9.866e-7`, `0.82000` beside `0.82817`, never
// a mix. The format follows the numbers: whole numbers as they are; numbers of ordinary size with
// the same decimals for all, as many as the numbers have but no more than five significant
// digits at their typical size give; very large, very small or wildly spread numbers in exponent
// form with the same mantissa digits.

/** How a set of numbers is written. */
export interface NumberFormat {
  readonly kind: 'integer' | 'fixed' | 'exponent';
  /** Decimals (fixed) or mantissa decimals (exponent); 0 for integers. */
  readonly digits: number;
  format(value: number): string;
}

/** Numbers examined to choose a format: every value of a short column, an even sample of a long one. */
const SAMPLE = 4096;
/** Numbers examined for the decimals they have. */
const DECIMALS_SAMPLE = 1024;
/** Significant digits at the numbers' typical size. */
const SIGNIFICANT = 5;
const MAX_DECIMALS = 6;
const EXPONENT_DIGITS = 3;

function special(value: number): string | null {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Number.POSITIVE_INFINITY) return '∞';
  if (value === Number.NEGATIVE_INFINITY) return '−∞';
  return null;
}

function makeFormat(kind: NumberFormat['kind'], digits: number): NumberFormat {
  const write =
    kind === 'integer'
      ? (value: number) => String(Math.round(value))
      : kind === 'fixed'
        ? (value: number) => value.toFixed(digits)
        : (value: number) => (value === 0 ? '0' : value.toExponential(digits));
  return {
    kind,
    digits,
    format: (value) => {
      const text = special(value) ?? write(value);
      // -0.00000 reads as a negative number that is not there.
      return /^-[0.]+(e|$)/.test(text) ? text.slice(1) : text;
    },
  };
}

/** The format for numbers of unknown company: five significant digits, exponent form when very large or small. */
export const DEFAULT_NUMBER_FORMAT: NumberFormat = {
  kind: 'fixed',
  digits: SIGNIFICANT,
  format: (value) => {
    const text = special(value);
    if (text !== null) return text;
    if (value === 0) return '0';
    const magnitude = Math.abs(value);
    if (magnitude >= 1e6 || magnitude < 1e-4) return value.toExponential(EXPONENT_DIGITS);
    if (Number.isInteger(value)) return String(value);
    return String(Number(value.toPrecision(SIGNIFICANT)));
  },
};

/**
 * The format for a set of numbers read together. `include` picks which entries count (a column's
 * rows that hold a value); `extra` numbers are read with them (a grouped column's means); NaN and
 * infinities never decide the format.
 */
export function numberFormatFor(values: ArrayLike<number>, include?: (index: number) => boolean, extra: readonly number[] = []): NumberFormat {
  if (extra.length > 0) {
    const all = Float64Array.from({ length: values.length + extra.length }, (_, i) => (i < values.length ? values[i]! : extra[i - values.length]!));
    return numberFormatFor(all, include ? (index) => index >= values.length || include(index) : undefined);
  }
  const n = values.length;
  const step = Math.max(1, Math.floor(n / SAMPLE));
  const magnitudes: number[] = [];
  let allIntegers = true;
  let largest = 0;
  for (let i = 0; i < n; i += step) {
    if (include && !include(i)) continue;
    const value = values[i]!;
    if (!Number.isFinite(value)) continue;
    const magnitude = Math.abs(value);
    if (!Number.isInteger(value)) allIntegers = false;
    largest = Math.max(largest, magnitude);
    if (magnitude > 0) magnitudes.push(magnitude);
  }
  // The extremes of a sampled column count too: a format must not cut the largest number short.
  if (step > 1) {
    for (let i = 0; i < n; i++) {
      if (include && !include(i)) continue;
      const value = values[i]!;
      if (!Number.isFinite(value)) continue;
      largest = Math.max(largest, Math.abs(value));
      if (allIntegers && !Number.isInteger(value)) allIntegers = false;
    }
  }
  if (magnitudes.length === 0) return allIntegers ? makeFormat('integer', 0) : DEFAULT_NUMBER_FORMAT;
  if (allIntegers && largest < 1e9) return makeFormat('integer', 0);
  magnitudes.sort((a, b) => a - b);
  const typical = magnitudes[Math.floor(magnitudes.length / 2)]!;
  const smallest = magnitudes[Math.floor(magnitudes.length * 0.05)]!;
  if (largest >= 1e6 || typical < 1e-3 || largest / smallest > 1e6) return makeFormat('exponent', EXPONENT_DIGITS);
  const allowed = Math.min(MAX_DECIMALS, Math.max(0, SIGNIFICANT - 1 - Math.floor(Math.log10(typical))));
  return makeFormat('fixed', decimalsUsed(values, include, allowed));
}

/** The decimals the numbers have (0.15 has two, though stored as 0.15000000000000002), at most `cap`. */
function decimalsUsed(values: ArrayLike<number>, include: ((index: number) => boolean) | undefined, cap: number): number {
  const step = Math.max(1, Math.floor(values.length / DECIMALS_SAMPLE));
  let used = 0;
  for (let i = 0; i < values.length && used < cap; i += step) {
    if (include && !include(i)) continue;
    const value = values[i]!;
    if (!Number.isFinite(value)) continue;
    while (used < cap && Math.abs(Number(value.toFixed(used)) - value) > 1e-9 * Math.abs(value)) used++;
  }
  return used;
}
