// Values derived from the compare state and shared by its parts (charts, parallel coordinates,
// scatter, diff): the runs in order, their colors, the parallel axes and the brushed selection.
// Each is memoized on the state it reads, so every subscriber gets the same object until that changes.
import type { Run } from '../../../shared/models';
import { runsPassingBrushes, type ParallelAxis } from '../../models/charts/parallel-brushes';
import { isNoisy } from '../../models/charts/series-noise';
import { RUN_PALETTE } from '../../models/run-colors/run-palette';
import type { CompareState } from '../../stores/compare-slice';
import { fieldColumn, fieldLabel, parseFieldId, rawFieldValue } from './run-fields';

/** Caches the last result of a function of some inputs, compared by identity. */
function memoizeLast<Inputs extends readonly unknown[], Result>(compute: (...inputs: Inputs) => Result): (...inputs: Inputs) => Result {
  let last: { inputs: Inputs; result: Result } | null = null;
  return (...inputs) => {
    if (last && last.inputs.length === inputs.length && last.inputs.every((input, i) => input === inputs[i])) return last.result;
    const result = compute(...inputs);
    last = { inputs, result };
    return result;
  };
}

const loadedRuns = memoizeLast((runIds: readonly string[], runs: Readonly<Record<string, Run>>) =>
  runIds.map((runId) => runs[runId]).filter((run): run is Run => run !== undefined),
);

/** The loaded runs, in the order the view was opened with. */
export function selectComparedRuns(state: CompareState): readonly Run[] {
  return loadedRuns(state.runIds, state.runs);
}

const colors = memoizeLast((byRun: Readonly<Record<string, string>>) => new Map(Object.entries(byRun)));

/** Each run's colour in this view (the one it has everywhere). */
export function selectRunColors(state: CompareState): ReadonlyMap<string, string> {
  return colors(state.colors);
}

/** The run drawn on top with the others faded: the one under the pointer, else the pinned one. */
export function selectFocusedRun(state: CompareState): string | null {
  return state.hoveredRunId ?? state.pinnedRunId;
}

const noisy = memoizeLast((chartKeys: readonly string[], series: CompareState['series']) =>
  chartKeys.filter((key) => {
    const lines = Object.values(series[key] ?? {});
    // Noisy when most of the chart's lines are.
    return lines.length > 0 && lines.filter((one) => isNoisy(one.y)).length * 2 > lines.length;
  }),
);

/** The charted metrics whose curves are noisy enough that smoothing would help reading them. */
export function selectNoisyMetrics(state: CompareState): readonly string[] {
  return noisy(state.chartKeys, state.series);
}

const axes = memoizeLast((runs: readonly Run[], fieldIds: readonly string[]): ParallelAxis[] =>
  fieldIds.map((id) => {
    const column = fieldColumn(runs, parseFieldId(id));
    return { id, label: fieldLabel(column.field), numeric: column.numeric, values: column.values, categories: column.categories };
  }),
);

/** The parallel-coordinates axes. */
export function selectParallelAxes(state: CompareState): readonly ParallelAxis[] {
  return axes(selectComparedRuns(state), state.parallelFields);
}

const brushed = memoizeLast((runs: readonly Run[], parallelAxes: readonly ParallelAxis[], brushes: CompareState['brushes']) =>
  Object.keys(brushes).length === 0 ? null : runsPassingBrushes(runs.map((run) => run.info.runId), parallelAxes, brushes),
);

/** The runs passing every brush, or null when nothing is brushed (every run is selected). */
export function selectBrushedRuns(state: CompareState): ReadonlySet<string> | null {
  return brushed(selectComparedRuns(state), selectParallelAxes(state), state.brushes);
}

/** A group of runs sharing the group-by field's value, with its color in every chart. */
export interface RunGroup {
  readonly label: string;
  readonly color: string;
  readonly runIds: readonly string[];
}

const groups = memoizeLast((runs: readonly Run[], groupBy: string | null): readonly RunGroup[] => {
  if (!groupBy) return [];
  const field = parseFieldId(groupBy);
  const members = new Map<string, string[]>();
  for (const run of runs) {
    const label = String(rawFieldValue(run, field) ?? '(none)');
    members.set(label, [...(members.get(label) ?? []), run.info.runId]);
  }
  return [...members]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([label, runIds], index) => ({ label, color: RUN_PALETTE[index % RUN_PALETTE.length]!, runIds }));
});

/** The groups of runs when grouping is on (sorted by value), else none. */
export function selectRunGroups(state: CompareState): readonly RunGroup[] {
  return groups(selectComparedRuns(state), state.groupBy);
}
