// The run page's state: the run, its parent and children, its metric series (reduced on the main
// side to a chart's width), its note, its artifacts and its models; kept live while the run logs.
import type { StateCreator } from 'zustand';
import { MAX_ARTIFACT_READ_BYTES } from '../../shared/call-limits';
import type { ArtifactContent, TrackerChange } from '../../shared/contract';
import type { MetricSeries } from '../../shared/metric-series';
import { PARENT_RUN_TAG } from '../../shared/mlflow-tags';
import type { RunModelFolder } from '../../shared/model-registry';
import type { ArtifactFileInfo, LoggedModel, ModelVersion, Run } from '../../shared/models';
import { bytesOfBase64 } from './base64-bytes';
import type { AppState, SliceContext } from './app-store';
import { describeError } from './describe-error';
import { createRunRefresher } from './live-refresh';

/** Points per run-page chart (about its width in pixels at 2x). */
const RUN_CHART_POINTS = 1000;

/** Where a load stands. */
export type LoadStatus = 'idle' | 'loading' | 'ready' | 'error';

/** What the run page shows. */
export interface RunPageState {
  readonly runId: string | null;
  readonly run: Run | null;
  readonly status: LoadStatus;
  readonly error: string | null;
  readonly parentRun: Run | null;
  readonly childRuns: readonly Run[];
  /** The run's metric series, by key. */
  readonly series: Readonly<Record<string, MetricSeries>>;
  readonly seriesStatus: LoadStatus;
  /** The charts' zoomed step range, or null. */
  readonly xRange: readonly [number, number] | null;
  /** Each metric's smallest and largest value with their steps, from its whole series (the charts' series keep every extreme). */
  readonly extremes: Readonly<Record<string, MetricExtremes>>;
  readonly noteStatus: 'idle' | 'saving' | 'saved' | 'error';
  readonly noteError: string | null;
  /** Listed artifact folders by path ('' is the root). */
  readonly artifactFolders: Readonly<Record<string, readonly ArtifactFileInfo[]>>;
  readonly artifactsError: string | null;
  /** The artifact file being previewed. */
  readonly artifactPreview: ArtifactPreviewState | null;
  /** The models the run logged and the registry versions made from it; null until loaded. */
  readonly runModels: RunModelsState | null;
}

/** A metric's smallest and largest value and the first steps they were logged at; null when every value is NaN. */
export interface MetricExtremes {
  readonly min: { readonly value: number; readonly step: number } | null;
  readonly max: { readonly value: number; readonly step: number } | null;
}

/** The extremes of a series drawn by step (the main side keeps each bucket's min and max, so the series' own are among its points). */
export function seriesExtremes(series: Pick<MetricSeries, 'x' | 'y'>): MetricExtremes {
  let min: { value: number; step: number } | null = null;
  let max: { value: number; step: number } | null = null;
  for (let i = 0; i < series.y.length; i++) {
    const value = series.y[i]!;
    if (Number.isNaN(value)) continue;
    const step = series.x[i]!;
    if (!min || value < min.value) min = { value, step };
    if (!max || value > max.value) max = { value, step };
  }
  return { min, max };
}

/** A run's models: logged models whose source run it is, model versions registered from it, and the model folders among its artifacts (which Register offers). */
export interface RunModelsState {
  readonly loggedModels: readonly LoggedModel[];
  readonly modelVersions: readonly ModelVersion[];
  readonly modelFolders: readonly RunModelFolder[];
}

/** The previewed artifact: its first bytes once read. */
export interface ArtifactPreviewState {
  readonly path: string;
  readonly size: number;
  readonly status: LoadStatus;
  readonly content: ArtifactContent | null;
  readonly error: string | null;
}

/** How much of a file a preview reads: text is cut, images are read whole up to a limit. */
export const ARTIFACT_PREVIEW_BYTES = { text: 256 * 1024, image: 8 * 1024 * 1024 } as const;

/** The run page's slice of the app store. */
export interface RunPageSlice {
  readonly runPage: RunPageState;
  /** Loads a run and everything its page shows. */
  openRunPage(runId: string): Promise<void>;
  /** Zooms the run's charts into a step range (null resets), refetching it at full detail. */
  zoomRunCharts(range: readonly [number, number] | null): Promise<void>;
  /** Saves the run's note (the mlflow.note.content tag). */
  saveRunNote(note: string): Promise<void>;
  /** Refetches the run and its charts (throttled) when a change concerns the open run page. */
  refreshRunPageAfter(change: TrackerChange): Promise<void>;
  /** Lists one folder of the run's artifacts. */
  loadArtifactFolder(path: string): Promise<void>;
  /** Reads the start of an artifact file for its preview (`bytes`: how much to read). */
  previewArtifact(file: ArtifactFileInfo, bytes: number): Promise<void>;
  /** Reads a whole artifact file (up to the contract's limit) for a download. */
  readArtifactFile(file: ArtifactFileInfo): Promise<Uint8Array>;
}

const EMPTY_RUN_PAGE: RunPageState = {
  runId: null,
  run: null,
  status: 'idle',
  error: null,
  parentRun: null,
  childRuns: [],
  series: {},
  seriesStatus: 'idle',
  xRange: null,
  extremes: {},
  noteStatus: 'idle',
  noteError: null,
  artifactFolders: {},
  artifactsError: null,
  artifactPreview: null,
  runModels: null,
};



/** Kinds of change that can alter a run's models section. */
const MODEL_ENTITIES = ['registered-model', 'model-version', 'logged-model'] as const;

/** Creates the run page slice. */
export function createRunPageSlice({ api }: SliceContext): StateCreator<AppState, [], [], RunPageSlice> {
  return (set, get) => {
    const patch = (runId: string, change: Partial<RunPageState>) => {
      // Answers for a run the page no longer shows are dropped.
      if (get().runPage.runId !== runId) return;
      set((state) => ({ runPage: { ...state.runPage, ...change } }));
    };

    const loadSeries = async (run: Run) => {
      const runId = run.info.runId;
      const keys = run.metrics.map((metric) => metric.key);
      if (keys.length === 0) {
        patch(runId, { series: {}, seriesStatus: 'ready' });
        return;
      }
      const xRange = get().runPage.xRange;
      const { series } = await api.getMetricSeries({
        runIds: [runId],
        keys,
        xAxis: 'step',
        maxPoints: RUN_CHART_POINTS,
        ...(xRange ? { xRange: [xRange[0], xRange[1]] as [number, number] } : {}),
      });
      if (get().runPage.xRange !== xRange) return;
      const byKey = Object.fromEntries(series.map((one) => [one.key, one]));
      // Extremes come from whole series: a zoomed-in range keeps those found before.
      const extremes = xRange ? get().runPage.extremes : Object.fromEntries(series.map((one) => [one.key, seriesExtremes(one)]));
      patch(runId, { series: byKey, seriesStatus: 'ready', extremes });
    };

    const loadRelatives = async (run: Run) => {
      const runId = run.info.runId;
      const [parentRun, children] = await Promise.all([
        run.info.parentRunId ? api.getRun({ runId: run.info.parentRunId }).catch(() => null) : Promise.resolve(null),
        api.searchRuns({
          experimentIds: [run.info.experimentId],
          filter: `tags.\`${PARENT_RUN_TAG}\` = '${runId}'`,
          orderBy: ['attributes.start_time ASC'],
          maxResults: 200,
        }),
      ]);
      patch(runId, { parentRun, childRuns: children.items });
    };

    const loadRunModels = async (runId: string) => {
      const [{ loggedModels, modelVersions }, modelFolders] = await Promise.all([api.getRunModels({ runId }), api.listRunModelFolders({ runId })]);
      patch(runId, { runModels: { loggedModels, modelVersions, modelFolders } });
    };

    const refresher = createRunRefresher(async () => {
      const { runId } = get().runPage;
      if (!runId) return;
      const run = await api.getRun({ runId });
      patch(runId, { run });
      await Promise.all([loadSeries(run), loadRelatives(run), loadRunModels(runId)]);
    });

    return {
      runPage: EMPTY_RUN_PAGE,

      async openRunPage(runId) {
        refresher.clear();
        set({ runPage: { ...EMPTY_RUN_PAGE, runId, status: 'loading', seriesStatus: 'loading' } });
        try {
          const run = await api.getRun({ runId });
          patch(runId, { run, status: 'ready' });
          await Promise.all([
            loadSeries(run),
            loadRelatives(run),
            get().loadArtifactFolder(''),
            // The page works without its models section: a failure here only leaves it out.
            loadRunModels(runId).catch((error: unknown) => console.warn('cairn: could not load the run models', error)),
          ]);
        } catch (error) {
          patch(runId, { status: get().runPage.run ? 'ready' : 'error', seriesStatus: 'error', error: describeError(error) });
        }
      },

      async zoomRunCharts(range) {
        const { run } = get().runPage;
        if (!run) return;
        set((state) => ({ runPage: { ...state.runPage, xRange: range ? [range[0], range[1]] : null } }));
        try {
          await loadSeries(run);
        } catch (error) {
          patch(run.info.runId, { error: describeError(error) });
        }
      },

      async saveRunNote(note) {
        const { runId } = get().runPage;
        if (!runId) return;
        patch(runId, { noteStatus: 'saving', noteError: null });
        try {
          const run = await api.setRunNote({ runId, note });
          patch(runId, { run, noteStatus: 'saved' });
        } catch (error) {
          patch(runId, { noteStatus: 'error', noteError: describeError(error) });
        }
      },

      async loadArtifactFolder(path) {
        const { runId } = get().runPage;
        if (!runId) return;
        try {
          const entries = await api.listArtifacts({ runId, path });
          patch(runId, { artifactFolders: { ...get().runPage.artifactFolders, [path]: entries } });
        } catch (error) {
          patch(runId, { artifactsError: describeError(error) });
        }
      },

      async previewArtifact(file, bytes) {
        const { runId } = get().runPage;
        if (!runId) return;
        const base = { path: file.path, size: file.fileSize ?? 0, content: null, error: null };
        patch(runId, { artifactPreview: { ...base, status: bytes > 0 ? 'loading' : 'ready' } });
        if (bytes <= 0) return;
        try {
          const content = await api.readArtifact({ runId, path: file.path, maxBytes: Math.min(bytes, MAX_ARTIFACT_READ_BYTES) });
          if (get().runPage.artifactPreview?.path === file.path) patch(runId, { artifactPreview: { ...base, status: 'ready', content } });
        } catch (error) {
          if (get().runPage.artifactPreview?.path === file.path) patch(runId, { artifactPreview: { ...base, status: 'error', error: describeError(error) } });
        }
      },

      async readArtifactFile(file) {
        const { runId } = get().runPage;
        if (!runId) throw new Error('No run is open.');
        const content = await api.readArtifact({ runId, path: file.path, maxBytes: Math.min(Math.max(1, file.fileSize ?? 1), MAX_ARTIFACT_READ_BYTES) });
        return bytesOfBase64(content.base64);
      },

      async refreshRunPageAfter(change) {
        const { runId, childRuns } = get().runPage;
        if (!runId || get().route.name !== 'run') return;
        const concerned = change.runIds.some((id) => id === runId || childRuns.some((child) => child.info.runId === id));
        if (concerned) refresher.add([runId]);
        else if (MODEL_ENTITIES.some((entity) => change.entities.includes(entity))) {
          // A registry change need not name the run (an alias moved, a version deleted): refetch its models alone.
          await loadRunModels(runId);
        }
      },
    };
  };
}
