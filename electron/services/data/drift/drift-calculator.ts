// Reference vs current, column by column, with Evidently's defaults: the kind of each column from
// the current data, cleaning (±inf become missing; missing values are dropped), the test chosen by
// the reference's size and the distinct values of both sides (or the column's chosen test), and
// the dataset verdict. It works on the sides' summaries (side-summary.ts): numeric columns as
// arrays, compared exactly; string and boolean columns as counts per value. Columns Evidently gives
// up on (all missing, numeric on one side only, absent on one side) are reported with the reason.
import type {
  ColumnDrift,
  ColumnDriftChoice,
  DatasetDriftSummary,
  DriftColumnKind,
  DriftDistribution,
  DriftOptions,
  DriftReport,
  DriftTestName,
} from '../../../../shared/data-models';
import type { DuckSession } from '../engine/duckdb-session';
import type { DriftSideInput } from '../engine/engine-protocol';
import type { LoadedTable } from '../engine/table-loader';
import { DEFAULT_THRESHOLDS, defaultDriftTest, inferDriftKind, isDrift, testAppliesTo } from './column-kinds';
import {
  chiSquarePValue,
  fillZeroes,
  histogramCounts,
  jensenShannonDistance,
  klDivergence,
  ksTwoSamplePValue,
  populationStabilityIndex,
  sturgesEdges,
  zTestPValue,
} from './drift-tests';
import { ecdfDistances } from './ecdf-distances';
import { isNumericStorage, summariseTable, type ColumnSummary, type SideSummary } from './side-summary';

/** One side as a loaded table (data checks). */
export interface DriftTableSide {
  readonly side: DriftSideInput;
  readonly loaded: LoadedTable;
}

/** One side as a summary. */
export interface DriftSummarySide {
  readonly side: DriftSideInput;
  readonly summary: SideSummary;
}

/** The dataset drifts when at least this share of tested columns drift (Evidently's drift_share). */
export const DEFAULT_DRIFT_SHARE = 0.5;
/** Numeric columns with more distinct reference values than this are binned (Sturges) for PSI, KL and Jensen-Shannon. */
const BINNING_DISTINCT_LIMIT = 20;
/** Distinct values are counted exactly up to this many; past it a column's distinctValues is null. */
const DISTINCT_CAP = 1000;
/** Categorical distributions keep this many values; the rest are summed as "(other)". */
const DISTRIBUTION_VALUES = 20;

/** How one comparison runs: when it started (for its duration), and whether per-column distributions are kept. */
export interface DriftRun {
  readonly startedAt: number;
  readonly withoutDistributions: boolean;
  /** Called between columns; throws when the job was cancelled. */
  readonly throwIfCancelled?: () => void;
  /** Compares a numeric column elsewhere (another thread); every other numeric column goes there while this thread does the rest. */
  readonly compareNumeric?: (plan: ColumnPlan) => Promise<ColumnDrift>;
}

/** Compares two tables loaded in `session` (the tables stay). */
export async function computeDrift(
  session: DuckSession,
  reference: DriftTableSide,
  current: DriftTableSide,
  options: DriftOptions,
  run: DriftRun,
): Promise<DriftReport> {
  return driftFromSummaries(
    { side: reference.side, summary: await summariseTable(session, reference.loaded) },
    { side: current.side, summary: await summariseTable(session, current.loaded) },
    options,
    { ...run, throwIfCancelled: run.throwIfCancelled ?? (() => session.throwIfCancelled()) },
  );
}

/** Compares `current` with `reference`. */
export async function driftFromSummaries(
  reference: DriftSummarySide,
  current: DriftSummarySide,
  options: DriftOptions,
  run: DriftRun,
): Promise<DriftReport> {
  const throwIfCancelled = run.throwIfCancelled ?? (() => {});
  const referenceColumns = new Map(reference.summary.columns.map((column) => [column.name, column]));
  const currentColumns = new Map(current.summary.columns.map((column) => [column.name, column]));
  let names = [...current.summary.columns.map((c) => c.name), ...reference.summary.columns.map((c) => c.name).filter((n) => !currentColumns.has(n))];
  if (options.only) names = names.filter((name) => options.only!.includes(name));

  // First decide each column: untested with a reason, or a numeric or categorical comparison.
  const decided: Array<ColumnDrift | ColumnPlan> = [];
  for (const name of names) {
    const inReference = referenceColumns.get(name);
    const inCurrent = currentColumns.get(name);
    const base: ColumnBase = {
      column: name,
      referenceValues: inReference ? cleanCount(inReference) : 0,
      currentValues: inCurrent ? cleanCount(inCurrent) : 0,
      referenceMissingShare: missingShare(reference.summary.rows, inReference ? cleanCount(inReference) : 0),
      currentMissingShare: missingShare(current.summary.rows, inCurrent ? cleanCount(inCurrent) : 0),
    };
    decided.push(planColumn(base, inReference, inCurrent, current.summary.rows, options));
  }

  // Categorical columns need counts per value on both sides: those not counted up front are counted now, one pass a side.
  const categorical = decided.filter((entry): entry is ColumnPlan => 'plan' in entry && entry.plan === 'cat');
  const [referenceCounts, currentCounts] = await Promise.all([
    missingCounts(reference.summary, categorical.map((plan) => plan.reference)),
    missingCounts(current.summary, categorical.map((plan) => plan.current)),
  ]);

  // Every other numeric column goes to compareNumeric (when given) before this thread starts on the rest.
  const numeric = decided.filter((entry): entry is ColumnPlan => 'plan' in entry && entry.plan === 'num');
  const elsewhere = new Map<ColumnPlan, Promise<ColumnDrift>>();
  if (run.compareNumeric) numeric.forEach((plan, i) => i % 2 === 1 && elsewhere.set(plan, run.compareNumeric!(plan)));
  // Settled now, so that a failure elsewhere is not left unhandled while this thread still works.
  const settled = [...elsewhere.values()].map((promise) => promise.then(() => null, (error: unknown) => (error instanceof Error ? error : new Error(String(error)))));

  const columns: Array<ColumnDrift | Promise<ColumnDrift>> = [];
  for (const entry of decided) {
    throwIfCancelled();
    if (!('plan' in entry)) columns.push(entry);
    else if (elsewhere.has(entry)) columns.push(elsewhere.get(entry)!);
    else if (entry.plan === 'num') columns.push(numericColumnDrift(entry, run.withoutDistributions, throwIfCancelled));
    else {
      const counts = (summary: ColumnSummary, fetched: ReadonlyMap<string, ReadonlyMap<string, number>>) =>
        summary.counts ?? fetched.get(summary.name) ?? countsOfValues(summary.values ?? new Float64Array(0));
      columns.push(categoricalColumnDrift(entry, counts(entry.reference, referenceCounts), counts(entry.current, currentCounts), run.withoutDistributions));
    }
  }
  const failure = (await Promise.all(settled)).find((error) => error !== null);
  if (failure) throw failure;
  const compared = await Promise.all(columns.map((column) => Promise.resolve(column)));

  return {
    reference: sideOf(reference),
    current: sideOf(current),
    columns: compared,
    dataset: summarise(compared, options.driftShare ?? DEFAULT_DRIFT_SHARE),
    computedTime: Date.now(),
    durationMs: Date.now() - run.startedAt,
  };
}

/** The dataset verdict from its columns. */
export function summarise(columns: readonly Pick<ColumnDrift, 'test' | 'score' | 'drift'>[], driftShare: number): DatasetDriftSummary {
  const tested = columns.filter((column) => column.test !== null && column.score !== null && !Number.isNaN(column.score));
  const drifted = tested.filter((column) => column.drift).length;
  const share = tested.length ? drifted / tested.length : 0;
  return { driftedColumns: drifted, testedColumns: tested.length, share, driftShare, drift: tested.length > 0 && share >= driftShare };
}

/** Values left once missing and infinite ones are dropped. */
function cleanCount(column: ColumnSummary): number {
  return column.values ? column.values.length : column.present;
}

/** Distinct values of the current data, as the kind needs them: counted for strings and booleans, up to a few for integers. */
function kindOf(column: ColumnSummary, rows: number): DriftColumnKind {
  const distinct = column.distinct ?? (column.values ? distinctValues(column.values, INTEGER_DISTINCT_PROBE).size : 0);
  return inferDriftKind({ storage: column.storage, present: column.present, missing: rows - column.present, distinct });
}

/** Integers need only be told apart from those with at most 10 distinct values. */
const INTEGER_DISTINCT_PROBE = 11;

type ColumnBase = Pick<ColumnDrift, 'column' | 'referenceValues' | 'currentValues' | 'referenceMissingShare' | 'currentMissingShare'>;

/** A column to compare: numeric or categorical, with its test choice. */
export interface ColumnPlan {
  readonly plan: 'num' | 'cat';
  readonly base: ColumnBase;
  readonly reference: ColumnSummary;
  readonly current: ColumnSummary;
  readonly choice: ColumnDriftChoice;
}

/** A column's comparison, or its untested result with the reason. */
function planColumn(
  base: ColumnBase,
  inReference: ColumnSummary | undefined,
  inCurrent: ColumnSummary | undefined,
  currentRows: number,
  options: DriftOptions,
): ColumnDrift | ColumnPlan {
  if (!inCurrent || !inReference) {
    const kind = inCurrent ? kindOf(inCurrent, currentRows) : 'unknown';
    return untested(base, kind, `The column is not in the ${inCurrent ? 'reference' : 'current'} data.`);
  }
  const kind = kindOf(inCurrent, currentRows);
  if (kind === 'text') return untested(base, kind, 'A text column (more distinct values than half its values): Cairn does not test text for drift yet.');
  if (kind === 'datetime') return untested(base, kind, 'A datetime column: Evidently does not test datetimes for drift.');
  if (kind === 'unknown') return untested(base, kind, `Cairn cannot compare values of type ${inCurrent.type}.`);
  if (base.referenceValues === 0 || base.currentValues === 0) {
    const side = base.referenceValues === 0 ? 'reference' : 'current';
    return untested(base, kind, `No values left in the ${side} data once missing and infinite values are dropped.`);
  }
  const choice = options.columns?.[base.column] ?? {};
  if (choice.test && !testAppliesTo(choice.test, kind)) {
    return untested(base, kind, `The ${choice.test} test is for numeric columns; this column is categorical.`);
  }
  if (kind === 'num' && !(isNumericStorage(inReference.storage) && inReference.values && inCurrent.values)) {
    return untested(base, kind, `Numeric in the current data but ${inReference.type} in the reference: Evidently needs numbers on both sides.`);
  }
  return { plan: kind, base, reference: inReference, current: inCurrent, choice };
}

/** The counts per value a side's summary left out, for the string and boolean columns among `columns`. */
function missingCounts(summary: SideSummary, columns: readonly ColumnSummary[]): Promise<ReadonlyMap<string, ReadonlyMap<string, number>>> {
  const names = columns.filter((column) => column.counts === null && column.values === null).map((column) => column.name);
  return summary.countValues(names);
}

function untested(base: ColumnBase, kind: DriftColumnKind, reason: string): ColumnDrift {
  return { ...base, kind, test: null, score: null, threshold: null, drift: false, reason, distinctValues: null, distribution: null };
}

function tested(base: ColumnBase, kind: 'num' | 'cat', test: DriftTestName, score: number, threshold: number, distinct: number | null, distribution: DriftDistribution | null): ColumnDrift {
  if (Number.isNaN(score)) {
    return { ...untested(base, kind, `The ${test} test gives no value for these data (too few distinct values).`), distinctValues: distinct, distribution };
  }
  return { ...base, kind, test, score, threshold, drift: isDrift(test, score, threshold), reason: null, distinctValues: distinct, distribution };
}

/** A numeric column's test, score and distribution (the exact comparison of both sides' values). */
export function numericColumnDrift(plan: ColumnPlan, withoutDistributions: boolean, throwIfCancelled: () => void): ColumnDrift {
  const { base, choice } = plan;
  const reference = plan.reference.values!;
  const current = plan.current.values!;
  const range = extremesOf(reference, current);
  const referenceDistinct = distinctValues(reference, BINNING_DISTINCT_LIMIT + 1);
  const union = distinctValues(current, DISTINCT_CAP + 1, distinctValues(reference, DISTINCT_CAP + 1));
  const u = union.size;
  const test = choice.test ?? defaultDriftTest('num', reference.length, u);
  const threshold = choice.threshold ?? DEFAULT_THRESHOLDS[test];
  const distinctCount = u > DISTINCT_CAP ? null : u;

  let score: number;
  if (test === 'ks' || test === 'wasserstein') {
    const distances = ecdfDistances(reference, current, { throwIfCancelled, range });
    score = test === 'ks' ? ksTwoSamplePValue(reference.length, current.length, distances.ks) : distances.wasserstein / Math.max(populationStd(reference), 0.001);
  } else {
    const binned = referenceDistinct.size > BINNING_DISTINCT_LIMIT;
    let referenceCounts: number[];
    let currentCounts: number[];
    if (binned) {
      const edges = sturgesEdges(range[0], range[1], reference.length + current.length);
      referenceCounts = histogramCounts(reference, edges);
      currentCounts = histogramCounts(current, edges);
    } else {
      const all = u > DISTINCT_CAP ? distinctValues(current, Number.POSITIVE_INFINITY, distinctValues(reference, Number.POSITIVE_INFINITY)) : union;
      const keys = [...all].sort((a, b) => a - b);
      referenceCounts = countsByKey(reference, keys);
      currentCounts = countsByKey(current, keys);
    }
    score = scoreFromCounts(test, referenceCounts, currentCounts);
  }
  const distribution = withoutDistributions ? null : numericDistribution(reference, current, u, range);
  return tested(base, 'num', test, score, threshold, distinctCount, distribution);
}

function categoricalColumnDrift(
  plan: ColumnPlan,
  referenceByValue: ReadonlyMap<string, number>,
  currentByValue: ReadonlyMap<string, number>,
  withoutDistributions: boolean,
): ColumnDrift {
  const { base, choice } = plan;
  const values = sortedValues(new Set([...referenceByValue.keys(), ...currentByValue.keys()]));
  const referenceCounts = values.map((value) => referenceByValue.get(value) ?? 0);
  const currentCounts = values.map((value) => currentByValue.get(value) ?? 0);
  const referenceValues = referenceCounts.reduce((a, b) => a + b, 0);
  const test = choice.test ?? defaultDriftTest('cat', referenceValues, values.length);
  const threshold = choice.threshold ?? DEFAULT_THRESHOLDS[test];
  const score = scoreFromCounts(test, referenceCounts, currentCounts);
  const distribution = withoutDistributions ? null : valueDistribution(values, referenceCounts, currentCounts);
  return tested(base, 'cat', test, score, threshold, values.length, distribution);
}

/** Values in order: numerically when they are all numbers, else as text. */
function sortedValues(values: ReadonlySet<string>): string[] {
  const all = [...values];
  if (all.every((value) => value.trim() !== '' && Number.isFinite(Number(value)))) return all.sort((a, b) => Number(a) - Number(b));
  return all.sort();
}

/** Counts per value of numbers, by their text (as DuckDB writes an integer). */
function countsOfValues(values: Float64Array): Map<string, number> {
  const counts = new Map<number, number>();
  for (let i = 0; i < values.length; i++) counts.set(values[i]!, (counts.get(values[i]!) ?? 0) + 1);
  return new Map([...counts].map(([value, count]) => [String(value), count]));
}

/** A test's score from counts per value (or per bin) on both sides. */
function scoreFromCounts(test: DriftTestName, reference: readonly number[], current: readonly number[]): number {
  const n1 = reference.reduce((a, b) => a + b, 0);
  const n2 = current.reduce((a, b) => a + b, 0);
  switch (test) {
    case 'chisquare':
      return chiSquarePValue(current, reference.map((count) => count * (n2 / n1)));
    case 'z':
      return zTestPValue(reference, current);
    case 'jensenshannon':
      return jensenShannonDistance(reference.map((c) => c / n1), current.map((c) => c / n2));
    case 'psi':
      return populationStabilityIndex(fillZeroes(reference.map((c) => c / n1)), fillZeroes(current.map((c) => c / n2)));
    case 'kl_div':
      return klDivergence(fillZeroes(reference.map((c) => c / n1)), fillZeroes(current.map((c) => c / n2)));
    default:
      return Number.NaN;
  }
}

function missingShare(rows: number, clean: number): number {
  return rows > 0 ? (rows - clean) / rows : 0;
}

/** Distinct values of `values` added to `into`, stopping once it holds `cap`. */
function distinctValues(values: Float64Array, cap: number, into: Set<number> = new Set()): Set<number> {
  const seen = new Set(into);
  for (let i = 0; i < values.length && seen.size < cap; i++) seen.add(values[i]!);
  return seen;
}

function countsByKey(values: Float64Array, keys: readonly number[]): number[] {
  const index = new Map(keys.map((key, i) => [key, i]));
  const counts = new Array<number>(keys.length).fill(0);
  for (let i = 0; i < values.length; i++) counts[index.get(values[i]!)!]!++;
  return counts;
}

function extremesOf(a: Float64Array, b: Float64Array): [number, number] {
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  for (const values of [a, b]) {
    for (let i = 0; i < values.length; i++) {
      if (values[i]! < min) min = values[i]!;
      if (values[i]! > max) max = values[i]!;
    }
  }
  return [min, max];
}

/** numpy's std: the population standard deviation, mean first. */
function populationStd(values: Float64Array): number {
  let total = 0;
  for (let i = 0; i < values.length; i++) total += values[i]!;
  const mean = total / values.length;
  let squares = 0;
  for (let i = 0; i < values.length; i++) squares += (values[i]! - mean) ** 2;
  return Math.sqrt(squares / values.length);
}

/** Both sides' shares over Sturges bins of both together, or per value when there are few. */
function numericDistribution(reference: Float64Array, current: Float64Array, distinct: number, range: readonly [number, number]): DriftDistribution {
  if (distinct <= BINNING_DISTINCT_LIMIT) {
    const keys = [...distinctValues(current, distinct + 1, distinctValues(reference, distinct + 1))].sort((a, b) => a - b);
    return valueDistribution(keys.map(String), countsByKey(reference, keys), countsByKey(current, keys));
  }
  const edges = sturgesEdges(range[0], range[1], reference.length + current.length);
  return {
    kind: 'bins',
    edges,
    reference: histogramCounts(reference, edges).map((c) => c / reference.length),
    current: histogramCounts(current, edges).map((c) => c / current.length),
  };
}

/** Shares per value, the most frequent values first, the rest summed as "(other)". */
function valueDistribution(values: readonly string[], reference: readonly number[], current: readonly number[]): DriftDistribution {
  const n1 = reference.reduce((a, b) => a + b, 0) || 1;
  const n2 = current.reduce((a, b) => a + b, 0) || 1;
  const order = values.map((_, i) => i).sort((a, b) => reference[b]! + current[b]! - (reference[a]! + current[a]!));
  const kept = order.slice(0, DISTRIBUTION_VALUES);
  const rest = order.slice(DISTRIBUTION_VALUES);
  const share = (counts: readonly number[], total: number, indexes: readonly number[]) => indexes.reduce((sum, i) => sum + counts[i]!, 0) / total;
  return {
    kind: 'values',
    values: [...kept.map((i) => values[i]!), ...(rest.length ? ['(other)'] : [])],
    reference: [...kept.map((i) => reference[i]! / n1), ...(rest.length ? [share(reference, n1, rest)] : [])],
    current: [...kept.map((i) => current[i]! / n2), ...(rest.length ? [share(current, n2, rest)] : [])],
  };
}

function sideOf(side: DriftSummarySide) {
  return { label: side.side.label, path: side.side.files.root, versionId: side.side.versionId, rows: side.summary.rows };
}
