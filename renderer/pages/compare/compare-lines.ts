// The lines of one compare chart, read straight from the store: one per run in its colour (dimmed
// outside the brushed selection; with a run focused from its chip, that run on top and the others
// faded), or with grouping one mean ± std line per group. The chart subscribes to the source, so
// new points logged by live runs are drawn without a React render.
import type { MetricSeries } from '../../../shared/metric-series';
import type { Run } from '../../../shared/models';
import type { ChartLine, LineSource } from '../../components/charts/chart-lines';
import type { CompareSlice } from '../../stores/compare-slice';
import { selectBrushedRuns, selectComparedRuns, selectFocusedRun, selectRunColors, selectRunGroups, type RunGroup } from './compare-selection';
import { groupLine } from './group-lines';
import { parseFieldId } from './run-fields';

/** A run's name for legends and tooltips. */
export function runLabel(run: Run | undefined, runId: string): string {
  return run?.info.runName || runId.slice(0, 8);
}

function runLines(
  runs: readonly Run[],
  series: Readonly<Record<string, MetricSeries>>,
  colors: ReadonlyMap<string, string>,
  selection: ReadonlySet<string> | null,
  focused: string | null,
): ChartLine[] {
  const lines: ChartLine[] = [];
  let focusedLine: ChartLine | null = null;
  for (const run of runs) {
    const runId = run.info.runId;
    const one = series[runId];
    if (!one) continue;
    const line: ChartLine = {
      id: runId,
      label: runLabel(run, runId),
      color: colors.get(runId) ?? '#888',
      x: one.x,
      y: one.y,
      steps: one.steps,
      dimmed: selection !== null && !selection.has(runId),
      ...(focused === null ? {} : runId === focused ? { focused: true } : { faded: true }),
    };
    if (runId === focused) focusedLine = line;
    else lines.push(line);
  }
  // The focused run is drawn last, over the others.
  if (focusedLine) lines.push(focusedLine);
  return lines;
}

function groupedLines(
  groups: readonly RunGroup[],
  series: Readonly<Record<string, MetricSeries>>,
  groupBy: string,
  selection: ReadonlySet<string> | null,
): ChartLine[] {
  const field = parseFieldId(groupBy);
  const lines: ChartLine[] = [];
  for (const group of groups) {
    const members = group.runIds.filter((runId) => !selection || selection.has(runId)).flatMap((runId) => series[runId] ?? []);
    if (members.length > 0) lines.push(groupLine(`group:${group.label}`, `${field.key}=${group.label}`, group.color, members));
  }
  return lines;
}

/** The part of the app store a line source reads. */
export interface CompareStore {
  getState(): CompareSlice;
  subscribe(listener: () => void): () => void;
}

/** The line source of the chart of one metric key. */
export function compareLineSource(store: CompareStore, key: string): LineSource {
  let last: { inputs: readonly unknown[]; lines: readonly ChartLine[] } | null = null;
  const getLines = () => {
    const state = store.getState().compare;
    const inputs = [
      state.series[key],
      selectComparedRuns(state),
      selectRunColors(state),
      selectBrushedRuns(state),
      state.groupBy,
      selectRunGroups(state),
      selectFocusedRun(state),
    ];
    if (last && inputs.every((input, i) => input === last!.inputs[i])) return last.lines;
    const [series, runs, colors, selection, groupBy, groups, focused] = inputs as [
      Readonly<Record<string, MetricSeries>> | undefined,
      readonly Run[],
      ReadonlyMap<string, string>,
      ReadonlySet<string> | null,
      string | null,
      readonly RunGroup[],
      string | null,
    ];
    const lines = !series ? [] : groupBy ? groupedLines(groups, series, groupBy, selection) : runLines(runs, series, colors, selection, focused);
    last = { inputs, lines };
    return lines;
  };
  return { getLines, subscribe: (listener) => store.subscribe(listener) };
}
