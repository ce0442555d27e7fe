// Turns a profile's histograms and top values, and a drift report's two distributions, into the
// bars the distribution chart draws; and orders a drift report's columns by how strongly they drift.
import type { ColumnDrift, ColumnProfile, DriftDistribution, DriftTestName } from '../../../shared/data-models';
import { formatNumber } from '../charts/chart-scales';

/** One bar of a distribution chart: its label, what the tooltip says it covers, and each side's height. */
export interface Bar {
  readonly label: string;
  readonly title: string;
  readonly current: number;
  readonly reference?: number;
}

const DAY_MS = 24 * 60 * 60 * 1000;

/** An edge of a bin as a person reads it: a number, or a date (with the time when bins are shorter than a day). */
function formatEdge(value: number, datetime: boolean, span: number): string {
  if (!datetime) return formatNumber(value);
  const iso = new Date(value).toISOString();
  return span < DAY_MS ? iso.slice(0, 16).replace('T', ' ') : iso.slice(0, 10);
}

/** Whether a histogram has one bin per integer (bins [v − 0.5, v + 0.5)), as the profiler makes for integers of a small range. */
function isIntegerHistogram(bins: NonNullable<ColumnProfile['histogram']>): boolean {
  return bins.every((bin) => bin.upper - bin.lower === 1 && Number.isInteger(bin.lower + 0.5));
}

/**
 * The bars of a column's profile: the most frequent values of categories, booleans and text; the
 * histogram of numbers and dates (an integer per bar when the bins are one per integer); null when
 * it has neither.
 */
export function profileBars(column: ColumnProfile): Bar[] | null {
  const categorical = column.type !== 'numeric' && column.type !== 'datetime';
  if (categorical && column.topValues && column.topValues.length > 0) {
    return column.topValues.map((entry) => ({ label: entry.value, title: `${entry.value}: ${entry.count} rows`, current: entry.count }));
  }
  if (column.histogram && column.histogram.length > 0) {
    const datetime = column.type === 'datetime';
    if (!datetime && isIntegerHistogram(column.histogram)) {
      return column.histogram.map((bin) => ({ label: String(bin.lower + 0.5), title: `${bin.lower + 0.5}: ${bin.count} rows`, current: bin.count }));
    }
    const span = column.histogram[0]!.upper - column.histogram[0]!.lower;
    return column.histogram.map((bin, index, bins) => ({
      label: formatEdge(bin.lower, datetime, span),
      title: `${formatEdge(bin.lower, datetime, span)} – ${formatEdge(bin.upper, datetime, span)}${index === bins.length - 1 ? ' (inclusive)' : ''}: ${bin.count} rows`,
      current: bin.count,
    }));
  }
  if (column.topValues && column.topValues.length > 0) {
    return column.topValues.map((entry) => ({ label: entry.value, title: `${entry.value}: ${entry.count} rows`, current: entry.count }));
  }
  return null;
}

/** The overlaid bars of a drifted column: both sides' shares over the same bins or values. */
export function driftBars(distribution: DriftDistribution): Bar[] {
  if (distribution.kind === 'bins') {
    return distribution.current.map((current, index) => {
      const lower = distribution.edges[index]!;
      const upper = distribution.edges[index + 1]!;
      return { label: formatNumber(lower), title: `${formatNumber(lower)} – ${formatNumber(upper)}`, current, reference: distribution.reference[index] ?? 0 };
    });
  }
  return distribution.values.map((value, index) => ({
    label: value,
    title: value,
    current: distribution.current[index] ?? 0,
    reference: distribution.reference[index] ?? 0,
  }));
}

const P_VALUE_TESTS: ReadonlySet<DriftTestName> = new Set(['ks', 'chisquare', 'z']);

/** Whether a test's score is a p-value (drift when it is small) rather than a distance (drift when it is large). */
export function isPValueTest(test: DriftTestName): boolean {
  return P_VALUE_TESTS.has(test);
}

/** How far a column is past (above 1) or short of (below 1) its threshold; untested columns 0. */
export function driftStrength(column: Pick<ColumnDrift, 'test' | 'score' | 'threshold'>): number {
  if (column.test === null || column.score === null || column.threshold === null || column.threshold <= 0) return 0;
  if (isPValueTest(column.test)) {
    const score = Math.max(column.score, 1e-300);
    return score >= 1 ? 0 : Math.log(score) / Math.log(column.threshold);
  }
  return column.score / column.threshold;
}

/** A drift report's columns, the most drifted first, untested ones last (each group by name after strength). */
export function columnsByDrift(columns: readonly ColumnDrift[]): ColumnDrift[] {
  return [...columns].sort((a, b) => {
    const tested = Number(b.test !== null) - Number(a.test !== null);
    if (tested !== 0) return tested;
    const drifted = Number(b.drift) - Number(a.drift);
    if (drifted !== 0) return drifted;
    return driftStrength(b) - driftStrength(a) || a.column.localeCompare(b.column);
  });
}
