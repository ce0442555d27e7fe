// The compare view's state: the runs, their metric series (one request per charted metric,
// reduced on the main side to the charts' width), the chart settings (x-axis, y scale,
// smoothing, zoom, grouping), the parallel-coordinates brushes, the scatter's fields and the
// diff table's switch; kept live while the runs log.
import type { StateCreator } from 'zustand';
import type { TrackerChange } from '../../shared/contract';
import { CairnError } from '../../shared/errors';
import type { MetricSeries, MetricXAxis } from '../../shared/metric-series';
import type { Run } from '../../shared/models';
import type { YScale } from '../models/charts/chart-scales';
import type { ParallelBrush } from '../models/charts/parallel-brushes';
import { defaultParallelAxes, defaultScatterFields } from '../models/compare/compare-defaults';
import type { AppState, SliceContext } from './app-store';
import { describeError } from './describe-error';
import { createRunRefresher } from './live-refresh';
import type { LoadStatus } from './run-page-slice';

/** How many metrics are charted when the view opens. */
const DEFAULT_CHARTED_METRICS = 8;

/** What the compare view shows. */
export interface CompareState {
  readonly runIds: readonly string[];
  readonly runs: Readonly<Record<string, Run>>;
  readonly status: LoadStatus;
  readonly error: string | null;
  /** The metrics drawn as charts, in order. */
  readonly chartKeys: readonly string[];
  readonly xAxis: MetricXAxis;
  readonly yScale: YScale;
  /** Debiased EMA weight in [0, 1). */
  readonly smoothing: number;
  /** The zoomed x-range shared by every chart, or null. */
  readonly xRange: readonly [number, number] | null;
  /** A field id ("param:optimizer", "tag:team") whose value groups the runs' lines, or null. */
  readonly groupBy: string | null;
  /** Series by metric key, then run id; a key's record is replaced whenever one of its series changes. */
  readonly series: Readonly<Record<string, Readonly<Record<string, MetricSeries>>>>;
  readonly seriesStatus: LoadStatus;
  /** Points per series (about a chart's width in device pixels). */
  readonly maxPoints: number;
  readonly parallelFields: readonly string[];
  readonly parallelColorBy: string | null;
  readonly brushes: Readonly<Record<string, ParallelBrush>>;
  readonly scatterFields: { readonly x: string | null; readonly y: string | null; readonly color: string | null };
  readonly hideIdenticalRows: boolean;
  /** Each run's colour (the same as in the runs table and on its page), no two alike while the palette has room. */
  readonly colors: Readonly<Record<string, string>>;
  /** The run whose chip was clicked: drawn on top, the others faded, until clicked again. */
  readonly pinnedRunId: string | null;
  /** The run whose chip the pointer is on: drawn like a pinned run while it stays there. */
  readonly hoveredRunId: string | null;
  /** Whether the user dismissed the suggestion to smooth noisy curves. */
  readonly smoothingHintDismissed: boolean;
}

/** The compare view's slice of the app store. */
export interface CompareSlice {
  readonly compare: CompareState;
  /** Shows these runs (2 to 500): loads them and the series of their first metrics. */
  openCompare(runIds: readonly string[], maxPoints: number): Promise<void>;
  setCompareChartKeys(keys: readonly string[]): Promise<void>;
  setCompareXAxis(xAxis: MetricXAxis): Promise<void>;
  setCompareYScale(yScale: YScale): void;
  setCompareSmoothing(weight: number): void;
  /** Zooms every chart into an x-range (null resets), refetching it at full detail. */
  zoomCompare(range: readonly [number, number] | null): Promise<void>;
  setCompareGroupBy(fieldId: string | null): void;
  setParallelFields(fieldIds: readonly string[]): void;
  setParallelColorBy(fieldId: string | null): void;
  /** Sets or (with null) clears the brush on an axis. */
  setBrush(fieldId: string, brush: ParallelBrush | null): void;
  setScatterField(which: 'x' | 'y' | 'color', fieldId: string | null): void;
  setHideIdenticalRows(hide: boolean): void;
  /** Pins a run (drawn on top, the others faded), or unpins it when it is pinned; null unpins. */
  togglePinnedRun(runId: string | null): void;
  /** The run whose chip the pointer is on, or null. */
  setHoveredRun(runId: string | null): void;
  dismissSmoothingHint(): void;
  /** Refetches the compared runs a change concerns (throttled) while the compare view is open. */
  refreshCompareAfter(change: TrackerChange): Promise<void>;
}

const EMPTY_COMPARE: CompareState = {
  runIds: [],
  runs: {},
  status: 'idle',
  error: null,
  chartKeys: [],
  xAxis: 'step',
  yScale: 'linear',
  smoothing: 0,
  xRange: null,
  groupBy: null,
  series: {},
  seriesStatus: 'idle',
  maxPoints: 1000,
  parallelFields: [],
  parallelColorBy: null,
  brushes: {},
  scatterFields: { x: null, y: null, color: null },
  hideIdenticalRows: false,
  colors: {},
  pinnedRunId: null,
  hoveredRunId: null,
  smoothingHintDismissed: false,
};


/** Creates the compare slice. */
export function createCompareSlice({ api }: SliceContext): StateCreator<AppState, [], [], CompareSlice> {
  return (set, get) => {
    /** Bumped whenever what the series mean changes (runs, x-axis, zoom): answers to older requests are dropped. */
    let generation = 0;

    const update = (change: Partial<CompareState> | ((state: CompareState) => Partial<CompareState>)) =>
      set((state) => ({ compare: { ...state.compare, ...(typeof change === 'function' ? change(state.compare) : change) } }));

    /** Fetches the given runs' series of the given keys, one request per key; a live refresh does not show as loading. */
    const fetchSeries = async (keys: readonly string[], runIds: readonly string[], live = false) => {
      const asked = generation;
      const { xAxis, xRange, maxPoints } = get().compare;
      if (keys.length === 0 || runIds.length === 0) {
        if (!live) update({ seriesStatus: 'ready' });
        return;
      }
      if (!live) update({ seriesStatus: 'loading' });
      try {
        await Promise.all(
          keys.map(async (key) => {
            const { series } = await api.getMetricSeries({
              runIds: [...runIds],
              keys: [key],
              xAxis,
              maxPoints,
              ...(xRange ? { xRange: [xRange[0], xRange[1]] as [number, number] } : {}),
            });
            if (asked !== generation) return;
            update((state) => {
              const merged: Record<string, MetricSeries> = { ...state.series[key] };
              for (const runId of runIds) delete merged[runId];
              for (const one of series) merged[one.runId] = one;
              return { series: { ...state.series, [key]: merged } };
            });
          }),
        );
        if (asked === generation && !live) update({ seriesStatus: 'ready' });
      } catch (error) {
        if (asked === generation) update({ seriesStatus: live ? get().compare.seriesStatus : 'error', error: describeError(error) });
      }
    };

    /** Refetches the charted series (after a new x-axis or zoom); series of metrics not charted are dropped, as they no longer match. */
    const refetchAll = (clearCharted: boolean) => {
      generation++;
      const { chartKeys, runIds } = get().compare;
      update((state) => ({ series: clearCharted ? {} : Object.fromEntries(chartKeys.flatMap((key) => (state.series[key] ? [[key, state.series[key]]] : []))) }));
      return fetchSeries(chartKeys, runIds);
    };

    /** The runs' colours from the app's book, moving runs that share one apart. */
    const colorsFor = (runIds: readonly string[]): Record<string, string> => {
      const book = get().runColors;
      book.assign(runIds, { distinct: true });
      return Object.fromEntries(runIds.map((runId) => [runId, book.colorOf(runId)]));
    };

    const refresher = createRunRefresher(async (runIds) => {
      const runs = await api.getRuns({ runIds: [...runIds] });
      update((state) => ({ runs: { ...state.runs, ...Object.fromEntries(runs.map((run) => [run.info.runId, run])) } }));
      // Metrics a run started logging since the view opened are charted while there is room.
      const known = new Set(Object.values(get().compare.runs).flatMap((run) => run.metrics.map((metric) => metric.key)));
      const { chartKeys } = get().compare;
      const newKeys = [...known].filter((key) => !chartKeys.includes(key)).sort();
      if (chartKeys.length < DEFAULT_CHARTED_METRICS && newKeys.length > 0) {
        update({ chartKeys: [...chartKeys, ...newKeys.slice(0, DEFAULT_CHARTED_METRICS - chartKeys.length)] });
      }
      await fetchSeries(get().compare.chartKeys, runIds, true);
    });

    return {
      compare: EMPTY_COMPARE,

      async openCompare(runIds, maxPoints) {
        const current = get().compare;
        if (current.status !== 'error' && current.runIds.join(',') === runIds.join(',') && current.maxPoints === maxPoints) {
          // Back to the same runs: what they logged meanwhile is fetched.
          update({ colors: colorsFor(runIds), hoveredRunId: null });
          refresher.add(runIds);
          return;
        }
        generation++;
        refresher.clear();
        set({ compare: { ...EMPTY_COMPARE, runIds, maxPoints, status: 'loading', colors: colorsFor(runIds) } });
        try {
          const runs = await api.getRuns({ runIds: [...runIds] });
          if (get().compare.runIds !== runIds) return;
          if (runs.length === 0) throw new CairnError('RESOURCE_DOES_NOT_EXIST', 'None of these runs exist any more; they may have been deleted for good.');
          const metricKeys = [...new Set(runs.flatMap((run) => run.metrics.map((metric) => metric.key)))].sort();
          const chartKeys = metricKeys.slice(0, DEFAULT_CHARTED_METRICS);
          const parallel = defaultParallelAxes(runs);
          update({
            runs: Object.fromEntries(runs.map((run) => [run.info.runId, run])),
            status: 'ready',
            chartKeys,
            parallelFields: parallel.fields,
            parallelColorBy: parallel.colorBy,
            scatterFields: defaultScatterFields(runs),
          });
          await fetchSeries(chartKeys, runIds);
        } catch (error) {
          if (get().compare.runIds === runIds) update({ status: 'error', error: describeError(error) });
        }
      },

      async setCompareChartKeys(keys) {
        const added = keys.filter((key) => !get().compare.series[key]);
        update({ chartKeys: keys });
        await fetchSeries(added, get().compare.runIds);
      },

      async setCompareXAxis(xAxis) {
        update({ xAxis, xRange: null });
        await refetchAll(true);
      },

      setCompareYScale(yScale) {
        update({ yScale });
      },

      setCompareSmoothing(weight) {
        update({ smoothing: Math.min(0.999, Math.max(0, weight)) });
      },

      async zoomCompare(range) {
        update({ xRange: range ? [range[0], range[1]] : null });
        // The charts zoom at once on what they have; the range's full detail follows.
        await refetchAll(false);
      },

      setCompareGroupBy(fieldId) {
        update({ groupBy: fieldId });
      },

      setParallelFields(fieldIds) {
        update((state) => ({
          parallelFields: fieldIds,
          brushes: Object.fromEntries(Object.entries(state.brushes).filter(([id]) => fieldIds.includes(id))),
        }));
      },

      setParallelColorBy(fieldId) {
        update({ parallelColorBy: fieldId });
      },

      setBrush(fieldId, brush) {
        update((state) => {
          const brushes = { ...state.brushes };
          if (brush) brushes[fieldId] = brush;
          else delete brushes[fieldId];
          return { brushes };
        });
      },

      setScatterField(which, fieldId) {
        update((state) => ({ scatterFields: { ...state.scatterFields, [which]: fieldId } }));
      },

      setHideIdenticalRows(hide) {
        update({ hideIdenticalRows: hide });
      },

      togglePinnedRun(runId) {
        update((state) => ({ pinnedRunId: runId === null || state.pinnedRunId === runId ? null : runId }));
      },

      setHoveredRun(runId) {
        if (get().compare.hoveredRunId !== runId) update({ hoveredRunId: runId });
      },

      dismissSmoothingHint() {
        update({ smoothingHintDismissed: true });
      },

      async refreshCompareAfter(change) {
        const { runs } = get().compare;
        if (get().route.name !== 'compare') return;
        refresher.add(change.runIds.filter((runId) => runId in runs));
      },
    };
  };
}
