// Reference vs current, column by column, with Evidently's defaults: the kind of each column from
// the current data, cleaning (±inf become missing; missing values are dropped), the test chosen by
// the reference's size and the distinct values of both sides (or the column's chosen test), and
// the dataset verdict. Numeric columns are read out of DuckDB as arrays and compared exactly;
// categorical columns are counted per value by DuckDB. Columns Evidently gives up on (all missing,
// numeric on one side only, absent on one side) are reported with the reason.
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
import { quoteIdentifier, valueText, type DuckSession, type PlainRow } from '../engine/duckdb-session';
import type { DriftSideInput } from '../engine/engine-protocol';
import type { LoadedColumn, LoadedTable } from '../engine/table-loader';
import { storageClassOf } from '../engine/table-profiler';
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

/** One side: what it is and its loaded table. */
export interface DriftTableSide {
  readonly side: DriftSideInput;
  readonly loaded: LoadedTable;
}

/** The dataset drifts when at least this share of tested columns drift (Evidently's drift_share). */
export const DEFAULT_DRIFT_SHARE = 0.5;
/** Numeric columns with more distinct reference values than this are binned (Sturges) for PSI, KL and Jensen-Shannon. */
const BINNING_DISTINCT_LIMIT = 20;
/** Distinct values are counted exactly up to this many; past it a column's distinctValues is null. */
const DISTINCT_CAP = 1000;
/** Categorical distributions keep this many values; the rest are summed as "(other)". */
const DISTRIBUTION_VALUES = 20;

/** Compares `current` with `reference`. */
export async function computeDrift(
  session: DuckSession,
  reference: DriftTableSide,
  current: DriftTableSide,
  options: DriftOptions,
  run: { readonly startedAt: number; readonly withoutDistributions: boolean },
): Promise<DriftReport> {
  const referenceColumns = new Map(reference.loaded.columns.map((column) => [column.name, column]));
  const currentColumns = new Map(current.loaded.columns.map((column) => [column.name, column]));
  let names = [...current.loaded.columns.map((c) => c.name), ...reference.loaded.columns.map((c) => c.name).filter((n) => !currentColumns.has(n))];
  if (options.only) names = names.filter((name) => options.only!.includes(name));

  const referenceCounts = await columnCounts(session, reference.loaded, false);
  const currentCounts = await columnCounts(session, current.loaded, true);

  // First decide each column: untested with a reason, or a numeric or categorical comparison.
  const decided: Array<ColumnDrift | ColumnPlan> = [];
  for (const name of names) {
    const inReference = referenceColumns.get(name);
    const inCurrent = currentColumns.get(name);
    const refCount = referenceCounts.get(name);
    const curCount = currentCounts.get(name);
    const base: ColumnBase = {
      column: name,
      referenceValues: refCount?.clean ?? 0,
      currentValues: curCount?.clean ?? 0,
      referenceMissingShare: missingShare(reference.loaded.rows, refCount?.clean ?? 0),
      currentMissingShare: missingShare(current.loaded.rows, curCount?.clean ?? 0),
    };
    decided.push(planColumn(base, inReference, inCurrent, curCount, current.loaded.rows, options));
  }

  // Numeric columns are read out in groups, one scan of each table per group.
  const numeric = decided.filter((entry): entry is ColumnPlan => 'plan' in entry && entry.plan === 'num');
  const results = new Map<string, ColumnDrift>();
  for (let start = 0; start < numeric.length; start += NUMERIC_COLUMNS_PER_SCAN) {
    const group = numeric.slice(start, start + NUMERIC_COLUMNS_PER_SCAN);
    const referenceValues = await numericArrays(session, reference.loaded, group.map((plan) => plan.referenceColumn));
    const currentValues = await numericArrays(session, current.loaded, group.map((plan) => plan.currentColumn));
    for (const [index, plan] of group.entries()) {
      session.throwIfCancelled();
      results.set(plan.base.column, numericColumnDrift(plan, referenceValues[index]!, currentValues[index]!, run.withoutDistributions, () => session.throwIfCancelled()));
    }
  }
  const columns: ColumnDrift[] = [];
  for (const entry of decided) {
    session.throwIfCancelled();
    if (!('plan' in entry)) columns.push(entry);
    else if (entry.plan === 'num') columns.push(results.get(entry.base.column)!);
    else columns.push(await categoricalColumnDrift(session, entry, reference.loaded.table, current.loaded.table, run.withoutDistributions));
  }

  return {
    reference: sideOf(reference),
    current: sideOf(current),
    columns,
    dataset: summarise(columns, options.driftShare ?? DEFAULT_DRIFT_SHARE),
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

interface ColumnCounts {
  /** Non-missing values. */
  readonly present: number;
  /** Non-missing, finite values. */
  readonly clean: number;
  readonly distinct: number;
}

/** Per column: present and clean counts, and (for the current data's integers and strings) distinct values. */
async function columnCounts(session: DuckSession, loaded: LoadedTable, withDistinct: boolean): Promise<Map<string, ColumnCounts>> {
  const counts = new Map<string, ColumnCounts>();
  if (loaded.columns.length === 0) return counts;
  const parts: string[] = [];
  loaded.columns.forEach((column, i) => {
    const q = quoteIdentifier(column.name);
    const storage = storageClassOf(column.type);
    parts.push(`count(${q}) AS n${i}`);
    parts.push(storage === 'float' ? `count(${q}) FILTER (WHERE isfinite(${q}::DOUBLE)) AS f${i}` : `count(${q}) AS f${i}`);
    if (withDistinct && (storage === 'integer' || storage === 'string' || storage === 'boolean')) parts.push(`count(DISTINCT ${q}) AS d${i}`);
  });
  const row = (await session.rows(`SELECT ${parts.join(', ')} FROM ${loaded.table}`))[0] ?? {};
  loaded.columns.forEach((column, i) => {
    counts.set(column.name, { present: Number(row[`n${i}`] ?? 0), clean: Number(row[`f${i}`] ?? 0), distinct: Number(row[`d${i}`] ?? 0) });
  });
  return counts;
}

function kindOf(column: LoadedColumn, counts: ColumnCounts, rows: number): DriftColumnKind {
  return inferDriftKind({ storage: storageClassOf(column.type), present: counts.present, missing: rows - counts.present, distinct: counts.distinct });
}

type ColumnBase = Pick<ColumnDrift, 'column' | 'referenceValues' | 'currentValues' | 'referenceMissingShare' | 'currentMissingShare'>;

/** A column to compare: numeric or categorical, with its test choice. */
interface ColumnPlan {
  readonly plan: 'num' | 'cat';
  readonly base: ColumnBase;
  readonly referenceColumn: LoadedColumn;
  readonly currentColumn: LoadedColumn;
  readonly choice: ColumnDriftChoice;
}

/** How many numeric columns one scan reads out (bounds the memory the arrays take). */
const NUMERIC_COLUMNS_PER_SCAN = 8;

/** A column's comparison, or its untested result with the reason. */
function planColumn(
  base: ColumnBase,
  inReference: LoadedColumn | undefined,
  inCurrent: LoadedColumn | undefined,
  curCount: ColumnCounts | undefined,
  currentRows: number,
  options: DriftOptions,
): ColumnDrift | ColumnPlan {
  if (!inCurrent || !inReference) {
    const kind = inCurrent && curCount ? kindOf(inCurrent, curCount, currentRows) : 'unknown';
    return untested(base, kind, `The column is not in the ${inCurrent ? 'reference' : 'current'} data.`);
  }
  const kind = kindOf(inCurrent, curCount!, currentRows);
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
  if (kind === 'num') {
    const refStorage = storageClassOf(inReference.type);
    if (refStorage !== 'integer' && refStorage !== 'float') {
      return untested(base, kind, `Numeric in the current data but ${inReference.type} in the reference: Evidently needs numbers on both sides.`);
    }
  }
  return { plan: kind, base, referenceColumn: inReference, currentColumn: inCurrent, choice };
}

/** The columns' values as arrays, missing and infinite values dropped (Evidently's cleaning). */
async function numericArrays(session: DuckSession, loaded: LoadedTable, columns: readonly LoadedColumn[]): Promise<Float64Array[]> {
  const select = columns.map((column) => `coalesce(${quoteIdentifier(column.name)}::DOUBLE, 'NaN'::DOUBLE)`).join(', ');
  const raw = await session.numberColumns(`SELECT ${select} FROM ${loaded.table}`, columns.length, loaded.rows);
  return raw.map((values) => {
    let kept = 0;
    for (let i = 0; i < values.length; i++) if (Number.isFinite(values[i]!)) kept++;
    if (kept === values.length) return values;
    const clean = new Float64Array(kept);
    let at = 0;
    for (let i = 0; i < values.length; i++) if (Number.isFinite(values[i]!)) clean[at++] = values[i]!;
    return clean;
  });
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

function numericColumnDrift(
  plan: ColumnPlan,
  reference: Float64Array,
  current: Float64Array,
  withoutDistributions: boolean,
  throwIfCancelled: () => void,
): ColumnDrift {
  const { base, choice } = plan;
  const referenceDistinct = distinctValues(reference, BINNING_DISTINCT_LIMIT + 1);
  const union = distinctValues(current, DISTINCT_CAP + 1, distinctValues(reference, DISTINCT_CAP + 1));
  const u = union.size;
  const test = choice.test ?? defaultDriftTest('num', reference.length, u);
  const threshold = choice.threshold ?? DEFAULT_THRESHOLDS[test];
  const distinctCount = u > DISTINCT_CAP ? null : u;

  let score: number;
  if (test === 'ks' || test === 'wasserstein') {
    const distances = ecdfDistances(reference, current, throwIfCancelled);
    score = test === 'ks' ? ksTwoSamplePValue(reference.length, current.length, distances.ks) : distances.wasserstein / Math.max(populationStd(reference), 0.001);
  } else {
    const binned = referenceDistinct.size > BINNING_DISTINCT_LIMIT;
    let referenceCounts: number[];
    let currentCounts: number[];
    if (binned) {
      const [min, max] = extremesOf(reference, current);
      const edges = sturgesEdges(min, max, reference.length + current.length);
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
  const distribution = withoutDistributions ? null : numericDistribution(reference, current, u);
  return tested(base, 'num', test, score, threshold, distinctCount, distribution);
}

async function categoricalColumnDrift(
  session: DuckSession,
  plan: ColumnPlan,
  referenceTable: string,
  currentTable: string,
  withoutDistributions: boolean,
): Promise<ColumnDrift> {
  const { base, referenceColumn, currentColumn, choice } = plan;
  const sameType = referenceColumn.type === currentColumn.type;
  const value = (column: LoadedColumn) => (sameType ? quoteIdentifier(column.name) : `${quoteIdentifier(column.name)}::VARCHAR`);
  const rows: PlainRow[] = await session.rows(
    `WITH r AS (SELECT ${value(referenceColumn)} AS v, count(*) AS n FROM ${referenceTable} WHERE ${quoteIdentifier(referenceColumn.name)} IS NOT NULL GROUP BY 1),
          c AS (SELECT ${value(currentColumn)} AS v, count(*) AS n FROM ${currentTable} WHERE ${quoteIdentifier(currentColumn.name)} IS NOT NULL GROUP BY 1)
     SELECT v::VARCHAR AS value, coalesce(r.n, 0) AS rn, coalesce(c.n, 0) AS cn FROM r FULL OUTER JOIN c USING (v) ORDER BY v`,
  );
  const referenceCounts = rows.map((row) => Number(row.rn));
  const currentCounts = rows.map((row) => Number(row.cn));
  const referenceValues = referenceCounts.reduce((a, b) => a + b, 0);
  const test = choice.test ?? defaultDriftTest('cat', referenceValues, rows.length);
  const threshold = choice.threshold ?? DEFAULT_THRESHOLDS[test];
  const score = scoreFromCounts(test, referenceCounts, currentCounts);
  const distribution = withoutDistributions ? null : valueDistribution(rows.map((row) => valueText(row.value)), referenceCounts, currentCounts);
  return tested(base, 'cat', test, score, threshold, rows.length, distribution);
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
function numericDistribution(reference: Float64Array, current: Float64Array, distinct: number): DriftDistribution {
  if (distinct <= BINNING_DISTINCT_LIMIT) {
    const keys = [...distinctValues(current, distinct + 1, distinctValues(reference, distinct + 1))].sort((a, b) => a - b);
    return valueDistribution(keys.map(String), countsByKey(reference, keys), countsByKey(current, keys));
  }
  const [min, max] = extremesOf(reference, current);
  const edges = sturgesEdges(min, max, reference.length + current.length);
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

function sideOf(side: DriftTableSide) {
  return { label: side.side.label, path: side.side.files.root, versionId: side.side.versionId, rows: side.loaded.rows };
}
