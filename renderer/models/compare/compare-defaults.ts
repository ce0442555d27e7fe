// What the compare view shows before the user chooses: the main metric (the one that says how good
// a run is), the validation metrics, the params that vary between the runs, and from them the
// scatter's axes and the parallel coordinates' axes and colouring. Pure functions of the runs.
import type { Run } from '../../../shared/models';

/** Words in a metric's name that mark it as measured on held-out data. */
const HELD_OUT = /(^|[^a-z])(val|valid|validation|eval|evaluation|test|dev|holdout)([^a-z]|$)/i;
/** Words in a metric's name that mark it as a measure of quality. */
const QUALITY = /(loss|acc|accuracy|f1|auc|roc|error|err|rmse|mse|mae|mape|r2|map|bleu|rouge|score|precision|recall|perplexity|ppl|iou|dice)/i;
/** Metrics that describe the training rather than its result. */
const BOOKKEEPING = /(^|[^a-z])(lr|learning_rate|learning-rate|epoch|epochs|step|steps|time|runtime|duration|seconds|second|throughput|samples|grad|gradient|norm|memory|gpu|cpu)([^a-z]|$)/i;

/** How many of the runs logged each metric. */
function metricCounts(runs: readonly Run[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const run of runs) for (const metric of run.metrics) counts.set(metric.key, (counts.get(metric.key) ?? 0) + 1);
  return counts;
}

function metricRank(key: string): number {
  let rank = 0;
  if (HELD_OUT.test(key)) rank += 2;
  if (QUALITY.test(key)) rank += 1;
  if (BOOKKEEPING.test(key) && !QUALITY.test(key)) rank -= 3;
  return rank;
}

/**
 * The metric that says how good a run is: among those most runs logged, a validation metric of
 * quality (val_loss, eval/accuracy) before a training one (loss), before bookkeeping (lr, epoch);
 * then by name. Null when the runs logged no metric.
 */
export function mainMetric(runs: readonly Run[]): string | null {
  const counts = metricCounts(runs);
  const most = Math.max(0, ...counts.values());
  const candidates = [...counts].filter(([, count]) => count * 2 >= most).map(([key]) => key);
  candidates.sort((a, b) => metricRank(b) - metricRank(a) || a.localeCompare(b));
  return candidates[0] ?? null;
}

/** The metrics measured on held-out data (val_*, eval/*, test_*), by name; the main metric when there are none. */
export function validationMetrics(runs: readonly Run[]): string[] {
  const keys = [...metricCounts(runs).keys()].filter((key) => HELD_OUT.test(key) && (QUALITY.test(key) || !BOOKKEEPING.test(key))).sort();
  if (keys.length > 0) return keys;
  const main = mainMetric(runs);
  return main === null ? [] : [main];
}

/** A param that takes more than one value among the runs. */
export interface VaryingParam {
  readonly key: string;
  /** Whether every value is a number. */
  readonly numeric: boolean;
  readonly distinctValues: number;
}

/** The params whose value differs between the runs (a run without it counts as a value), by name. */
export function varyingParams(runs: readonly Run[]): VaryingParam[] {
  const values = new Map<string, Set<string>>();
  const present = new Map<string, number>();
  for (const run of runs) {
    for (const param of run.params) {
      let set = values.get(param.key);
      if (!set) values.set(param.key, (set = new Set()));
      set.add(param.value);
      present.set(param.key, (present.get(param.key) ?? 0) + 1);
    }
  }
  const varying: VaryingParam[] = [];
  for (const [key, set] of values) {
    const missingSomewhere = (present.get(key) ?? 0) < runs.length;
    if (set.size < 2 && !missingSomewhere) continue;
    const numeric = [...set].every((value) => value.trim() !== '' && Number.isFinite(Number(value)));
    varying.push({ key, numeric, distinctValues: set.size + (missingSomewhere ? 1 : 0) });
  }
  return varying.sort((a, b) => a.key.localeCompare(b.key));
}

/** The scatter's fields when the user has not chosen: a numeric param that varies against the main metric. */
export function defaultScatterFields(runs: readonly Run[]): { x: string | null; y: string | null; color: string | null } {
  const main = mainMetric(runs);
  // The param with the most distinct numeric values spreads the points best (a learning rate, not a flag).
  const numeric = varyingParams(runs)
    .filter((param) => param.numeric)
    .sort((a, b) => b.distinctValues - a.distinctValues || a.key.localeCompare(b.key));
  let x = numeric[0] ? `param:${numeric[0].key}` : null;
  if (x === null) {
    // No numeric param varies: another metric that does.
    const other = [...metricCounts(runs).keys()].sort().find((key) => key !== main && metricVaries(runs, key));
    x = other ? `metric:${other}` : null;
  }
  return { x, y: main === null ? null : `metric:${main}`, color: null };
}

function metricVaries(runs: readonly Run[], key: string): boolean {
  const values = new Set(runs.map((run) => run.metrics.find((metric) => metric.key === key)?.value ?? null).filter((value) => value !== null));
  return values.size > 1;
}

/** Axes the parallel coordinates show by default, at most this many params. */
const PARALLEL_PARAMS = 6;
/** And at most this many validation metrics. */
const PARALLEL_METRICS = 3;

/**
 * The parallel coordinates' axes when the user has not chosen: the params that vary, then the
 * validation metrics with the main metric last (rightmost); coloured by the main metric.
 */
export function defaultParallelAxes(runs: readonly Run[]): { fields: string[]; colorBy: string | null } {
  const main = mainMetric(runs);
  const params = varyingParams(runs)
    .slice(0, PARALLEL_PARAMS)
    .map((param) => `param:${param.key}`);
  const metrics = validationMetrics(runs).filter((key) => key !== main);
  const chosen = [...metrics.slice(0, main === null ? PARALLEL_METRICS : PARALLEL_METRICS - 1), ...(main === null ? [] : [main])];
  return { fields: [...params, ...chosen.map((key) => `metric:${key}`)], colorBy: main === null ? null : `metric:${main}` };
}
