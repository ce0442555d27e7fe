// The Data page's state: the dataset catalog, the open dataset (its versions, the chosen version's
// profile, its recorded checks, reference-vs-current drift and drift over time), the datasets of
// the open run, and the long data jobs started from this window with their pushed progress
// (`data.progress`), each cancellable. Views refetch when the main side says a dataset changed
// (`data.changed`).
import type { StateCreator } from 'zustand';
import type { DatasetDetail, DatasetPage, RecordedCheck, RunDatasets } from '../../shared/contract';
import { pipelineOriginDetail, type DataJobProgress, type DatasetProfile, type DatasetSummary, type DatasetVersion, type DriftOptions, type DriftReport, type DriftTimeline } from '../../shared/data-models';
import { CairnError } from '../../shared/errors';
import type { AppState, SliceContext } from './app-store';
import { describeError } from './describe-error';
import type { ListStatus } from './experiments-slice';

/** What a long data job is doing, for its progress line. */
export type DataJobKind = 'add' | 'profile' | 'drift' | 'timeline' | 'checks';

/** A long data call started from this window. */
export interface DataJob {
  readonly jobId: string;
  readonly kind: DataJobKind;
  /** What it works on, as a person reads it ("orders.csv", "v1 → v3"). */
  readonly subject: string;
  /** The dataset version it works on, when one. */
  readonly versionId: string | null;
  readonly progress: DataJobProgress | null;
  readonly cancelling: boolean;
}

/** A value loaded on demand, with how its load went. */
export interface Loaded<T> {
  readonly data: T | null;
  readonly status: ListStatus;
  readonly error: string | null;
}

/** The open dataset of the Data page. */
export interface OpenDataset {
  readonly name: string;
  readonly detail: Loaded<DatasetDetail>;
  /** The version whose profile is shown (default: the newest). */
  readonly versionId: string | null;
  readonly profile: Loaded<DatasetProfile>;
  readonly checks: Loaded<readonly RecordedCheck[]>;
  /** The versions compared: reference and current. */
  readonly referenceVersionId: string | null;
  readonly currentVersionId: string | null;
  readonly drift: Loaded<DriftReport>;
  readonly timeline: Loaded<DriftTimeline>;
  /** The dataset's drift choices (columns, tests, thresholds), used by its comparisons. */
  readonly driftSettings: Loaded<DriftOptions>;
  /** The checks file last used on this dataset, to run again. */
  readonly lastChecksFile: string;
}

/** The open run's datasets with the stored profile of each version (null when it was never profiled). */
export interface RunDataState {
  readonly runId: string;
  readonly datasets: Loaded<RunDatasets>;
  readonly profiles: Readonly<Record<string, DatasetProfile | null>>;
}

/** A dataset a model's run trained on, and the drift of that dataset's newest version against it. */
export interface TrainingDataDrift {
  readonly datasetName: string;
  readonly trainedVersion: DatasetVersion;
  /** The dataset's newest version; null when the training data is still the newest. */
  readonly newestVersion: DatasetVersion | null;
  readonly report: DriftReport | null;
  readonly error: string | null;
}

/** The most compared runs whose datasets the compare view shows side by side. */
export const COMPARED_DATA_RUNS = 8;

/** The datasets of the compared runs (the first COMPARED_DATA_RUNS), each run's versions with their stored profiles. */
export interface ComparedDataState {
  readonly runIds: readonly string[];
  readonly status: ListStatus;
  readonly error: string | null;
  readonly runs: readonly { readonly runId: string; readonly versions: readonly DatasetVersion[] }[];
  readonly profiles: Readonly<Record<string, DatasetProfile | null>>;
}

/** The drift of the data a run trained on, for a registered model version's page. */
export interface TrainingDriftState {
  readonly runId: string;
  readonly status: ListStatus;
  readonly error: string | null;
  readonly items: readonly TrainingDataDrift[];
}

/** The data slice of the app store. */
export interface DataSlice {
  readonly datasets: Loaded<readonly DatasetSummary[]>;
  readonly openDataset: OpenDataset | null;
  readonly dataJobs: Readonly<Record<string, DataJob>>;
  /** Why the last add, profile, check or comparison failed, for the person to act on. */
  readonly dataActionError: string | null;
  readonly runData: RunDataState | null;
  readonly trainingDrift: TrainingDriftState | null;
  readonly comparedData: ComparedDataState | null;
  loadDatasets(): Promise<void>;
  /** Adds a file or folder as a dataset version and starts profiling it; resolves to the version, or null when adding failed. */
  addDataset(path: string, name?: string): Promise<DatasetVersion | null>;
  /** Opens a dataset by name: its versions, checks, the newest version's stored profile, and drift of the newest against the oldest. */
  openDatasetPage(name: string, versionId?: string | null): Promise<void>;
  /** Shows another version's profile (profiling it when asked). */
  selectDatasetVersion(versionId: string): Promise<void>;
  profileDatasetVersion(versionId: string, refresh?: boolean): Promise<void>;
  /** Compares two versions of the open dataset (answered from the store when compared before). */
  compareDatasetVersions(referenceVersionId: string, currentVersionId: string): Promise<void>;
  /** Every version of the open dataset against the reference. */
  loadDriftTimeline(referenceVersionId: string | null): Promise<void>;
  /** Stores the open dataset's drift choices and compares the shown pair again with them; resolves to whether they were stored. */
  saveDriftSettings(settings: DriftOptions): Promise<boolean>;
  runDatasetChecks(versionId: string, checksFile: string, referenceVersionId: string | null): Promise<RecordedCheck | null>;
  cancelDataJob(jobId: string): Promise<void>;
  clearDataActionError(): void;
  /** Loads a run's datasets and their stored profiles. */
  loadRunData(runId: string): Promise<void>;
  /**
   * For a model version's run: each dataset it took as input (mlflow.log_input or a pipeline dep)
   * compared with that dataset's newest version (answered from the store when compared before).
   */
  loadTrainingDrift(runId: string): Promise<void>;
  /** Loads the datasets of compared runs (the first COMPARED_DATA_RUNS) and their stored profiles. */
  loadComparedData(runIds: readonly string[]): Promise<void>;
  /** Follows pushed progress and changes; returns the function that stops it. */
  watchData(): () => void;
}

const IDLE = { data: null, status: 'idle', error: null } as const;
const LOADING = { data: null, status: 'loading', error: null } as const;

function ready<T>(data: T): Loaded<T> {
  return { data, status: 'ready', error: null };
}

function failed<T>(error: unknown): Loaded<T> {
  return { data: null, status: 'error', error: describeError(error) };
}

/** Whether a call failed because its job was cancelled (the person asked; no error to show). */
function wasCancelled(error: unknown): boolean {
  return error instanceof CairnError && error.code === 'INVALID_STATE' && /cancelled/.test(error.message);
}

/** A short label of a version in its dataset: v1, v2, ... in the order they were met. */
export function versionLabel(versions: readonly DatasetVersion[], versionId: string | null): string {
  const index = versions.findIndex((version) => version.versionId === versionId);
  return index < 0 ? 'another version' : `v${index + 1}`;
}

/** Builds the data slice. */
export function createDataSlice({ api }: SliceContext): StateCreator<AppState, [], [], DataSlice> {
  return (set, get) => {
    let jobCounter = 0;
    let openGeneration = 0;

    const patchOpen = (name: string, patch: Partial<OpenDataset> | ((open: OpenDataset) => Partial<OpenDataset>)) =>
      set((state) => {
        const open = state.openDataset;
        if (open?.name !== name) return {};
        return { openDataset: { ...open, ...(typeof patch === 'function' ? patch(open) : patch) } };
      });

    /** Runs a long call as a job of this window: listed with its progress while it runs, removed when it ends. */
    const asJob = async <T>(kind: DataJobKind, subject: string, versionId: string | null, work: (jobId: string) => Promise<T>): Promise<T> => {
      const jobId = `ui-${kind}-${Date.now().toString(36)}-${++jobCounter}`;
      set((state) => ({ dataJobs: { ...state.dataJobs, [jobId]: { jobId, kind, subject, versionId, progress: null, cancelling: false } } }));
      try {
        return await work(jobId);
      } finally {
        set((state) => {
          const { [jobId]: _ended, ...rest } = state.dataJobs;
          return { dataJobs: rest };
        });
      }
    };

    const loadStoredProfile = async (name: string, versionId: string) => {
      patchOpen(name, { profile: LOADING });
      try {
        const { profile } = await api.getDatasetProfile({ versionId });
        patchOpen(name, (open) => (open.versionId === versionId ? { profile: profile ? ready(profile) : IDLE } : {}));
      } catch (error) {
        patchOpen(name, (open) => (open.versionId === versionId ? { profile: failed(error) } : {}));
      }
    };

    const loadChecks = async (name: string) => {
      try {
        const checks = await api.listDataChecks({ dataset: name });
        patchOpen(name, { checks: ready(checks) });
      } catch (error) {
        patchOpen(name, { checks: failed(error) });
      }
    };

    /** Loads a dataset's versions into the store. */
    const refreshDetail = async (name: string) => {
      try {
        const detail = await api.getDataset({ dataset: name });
        patchOpen(name, (open) => ({ detail: ready(detail), versionId: open.versionId ?? detail.versions.at(-1)?.versionId ?? null }));
      } catch (error) {
        patchOpen(name, { detail: failed(error) });
      }
    };

    /** Profiles a version as a job; the open dataset shows the profile when it shows that version. */
    const profileJob = async (version: Pick<DatasetVersion, 'versionId' | 'datasetName'>, subject: string, refresh: boolean) => {
      const { versionId, datasetName } = version;
      const shows = (open: OpenDataset) => open.versionId === versionId;
      try {
        const { profile } = await asJob('profile', subject, versionId, (jobId) => api.profileDataset({ versionId, refresh, jobId }));
        patchOpen(datasetName, (open) => (shows(open) ? { profile: ready(profile) } : {}));
        if (get().openDataset?.name === datasetName) void refreshDetail(datasetName);
        void get().loadDatasets();
      } catch (error) {
        if (wasCancelled(error)) return;
        if (get().openDataset?.name === datasetName && get().openDataset?.versionId === versionId) patchOpen(datasetName, { profile: failed(error) });
        else set({ dataActionError: describeError(error) });
      }
    };

    return {
      datasets: IDLE,
      openDataset: null,
      dataJobs: {},
      dataActionError: null,
      runData: null,
      trainingDrift: null,
      comparedData: null,

      async loadDatasets() {
        if (get().datasets.status !== 'ready') set((state) => ({ datasets: { ...state.datasets, status: 'loading', error: null } }));
        try {
          set({ datasets: ready(await api.listDatasets({})) });
        } catch (error) {
          set({ datasets: failed(error) });
        }
      },

      async addDataset(path, name) {
        set({ dataActionError: null });
        const subject = path.trim().split('/').filter(Boolean).at(-1) ?? path;
        try {
          const version = await asJob('add', subject, null, (jobId) => api.addDataset({ path, ...(name?.trim() ? { name: name.trim() } : {}), jobId }));
          void get().loadDatasets();
          if (!version.profiled) void profileJob(version, `${version.datasetName} (${subject})`, false);
          return version;
        } catch (error) {
          if (!wasCancelled(error)) set({ dataActionError: describeError(error) });
          return null;
        }
      },

      async openDatasetPage(name, versionId = null) {
        const mine = ++openGeneration;
        const current = get().openDataset;
        if (current?.name !== name) {
          set({
            dataActionError: null,
            openDataset: {
              name,
              detail: LOADING,
              versionId,
              profile: IDLE,
              checks: LOADING,
              referenceVersionId: null,
              currentVersionId: null,
              drift: IDLE,
              timeline: IDLE,
              driftSettings: LOADING,
              lastChecksFile: '',
            },
          });
        } else {
          // The address names the version shown; none means the newest.
          patchOpen(name, (open) => (open.versionId === versionId ? {} : { versionId, profile: LOADING }));
        }
        // One answer with what is stored, drawn in one commit: the versions, the shown version's
        // profile and the oldest vs newest drift report (compared now when it is not stored). It
        // is asked for before the checks, which the main side then answers second.
        const answer = api.openDataset({ dataset: name, ...(versionId ? { versionId } : {}) });
        void loadChecks(name);
        let page: DatasetPage;
        try {
          page = await answer;
        } catch (error) {
          if (mine === openGeneration) patchOpen(name, { detail: failed(error), profile: IDLE, driftSettings: failed(error) });
          return;
        }
        if (mine !== openGeneration) return;
        const { detail } = page;
        const shown = versionId ?? detail.versions.at(-1)?.versionId ?? null;
        const pair = detail.versions.length >= 2 ? ([detail.versions[0]!.versionId, detail.versions.at(-1)!.versionId] as const) : null;
        const comparesNewest = pair !== null && get().openDataset?.referenceVersionId === null;
        // Another version chosen meanwhile keeps its own profile.
        patchOpen(name, (open) => ({
          detail: ready(detail),
          ...(open.versionId === versionId ? { versionId: shown, profile: page.profile ? ready(page.profile) : IDLE } : {}),
          driftSettings: ready(page.driftSettings),
          ...(comparesNewest && page.drift ? { referenceVersionId: pair[0], currentVersionId: pair[1], drift: ready(page.drift) } : {}),
        }));
        if (comparesNewest && !page.drift) await get().compareDatasetVersions(pair[0], pair[1]);
      },

      async selectDatasetVersion(versionId) {
        const open = get().openDataset;
        if (!open) return;
        patchOpen(open.name, { versionId });
        await loadStoredProfile(open.name, versionId);
      },

      async profileDatasetVersion(versionId, refresh = false) {
        const open = get().openDataset;
        if (!open) return;
        set({ dataActionError: null });
        patchOpen(open.name, (state) => (state.versionId === versionId ? { profile: { ...state.profile, error: null } } : {}));
        await profileJob({ versionId, datasetName: open.name }, `${open.name} ${versionLabel(open.detail.data?.versions ?? [], versionId)}`, refresh);
      },

      async compareDatasetVersions(referenceVersionId, currentVersionId) {
        const open = get().openDataset;
        if (!open) return;
        const versions = open.detail.data?.versions ?? [];
        patchOpen(open.name, { referenceVersionId, currentVersionId, drift: LOADING });
        const subject = `${open.name} ${versionLabel(versions, referenceVersionId)} → ${versionLabel(versions, currentVersionId)}`;
        try {
          const report = await asJob('drift', subject, currentVersionId, (jobId) => api.compareDatasets({ referenceVersionId, currentVersionId, jobId }));
          patchOpen(open.name, (state) =>
            state.referenceVersionId === referenceVersionId && state.currentVersionId === currentVersionId ? { drift: ready(report) } : {},
          );
        } catch (error) {
          patchOpen(open.name, (state) =>
            state.referenceVersionId === referenceVersionId && state.currentVersionId === currentVersionId
              ? { drift: wasCancelled(error) ? IDLE : failed(error) }
              : {},
          );
        }
      },

      async saveDriftSettings(settings) {
        const open = get().openDataset;
        if (!open) return false;
        set({ dataActionError: null });
        try {
          const stored = await api.setDriftSettings({ dataset: open.name, settings });
          patchOpen(open.name, { driftSettings: ready(stored) });
        } catch (error) {
          set({ dataActionError: describeError(error) });
          return false;
        }
        const { referenceVersionId, currentVersionId } = get().openDataset ?? open;
        if (referenceVersionId && currentVersionId) await get().compareDatasetVersions(referenceVersionId, currentVersionId);
        return true;
      },

      async loadDriftTimeline(referenceVersionId) {
        const open = get().openDataset;
        if (!open) return;
        patchOpen(open.name, { timeline: LOADING });
        try {
          const timeline = await asJob('timeline', `${open.name} over time`, null, (jobId) =>
            api.getDriftTimeline({ dataset: open.name, ...(referenceVersionId ? { referenceVersionId } : {}), jobId }),
          );
          patchOpen(open.name, { timeline: ready(timeline) });
        } catch (error) {
          patchOpen(open.name, { timeline: wasCancelled(error) ? IDLE : failed(error) });
        }
      },

      async runDatasetChecks(versionId, checksFile, referenceVersionId) {
        const open = get().openDataset;
        if (!open) return null;
        set({ dataActionError: null });
        patchOpen(open.name, { lastChecksFile: checksFile });
        try {
          const recorded = await asJob('checks', `${open.name} ${versionLabel(open.detail.data?.versions ?? [], versionId)}`, versionId, (jobId) =>
            api.runDataChecks({ versionId, checksFile, ...(referenceVersionId ? { referenceVersionId } : {}), jobId }),
          );
          patchOpen(open.name, (state) => ({ checks: ready([recorded, ...(state.checks.data ?? []).filter((check) => check.runId !== recorded.runId)]) }));
          void refreshDetail(open.name);
          void get().loadDatasets();
          return recorded;
        } catch (error) {
          if (!wasCancelled(error)) set({ dataActionError: describeError(error) });
          return null;
        }
      },

      async cancelDataJob(jobId) {
        set((state) => (state.dataJobs[jobId] ? { dataJobs: { ...state.dataJobs, [jobId]: { ...state.dataJobs[jobId], cancelling: true } } } : {}));
        try {
          await api.cancelDataJob({ jobId });
        } catch (error) {
          set({ dataActionError: describeError(error) });
        }
      },

      clearDataActionError() {
        set({ dataActionError: null });
      },

      async loadRunData(runId) {
        if (get().runData?.runId !== runId) set({ runData: { runId, datasets: LOADING, profiles: {} } });
        const patchRun = (patch: Partial<RunDataState>) =>
          set((state) => (state.runData?.runId === runId ? { runData: { ...state.runData, ...patch } } : {}));
        try {
          const datasets = await api.getRunDatasets({ runId });
          const profiles: Record<string, DatasetProfile | null> = {};
          await Promise.all(
            datasets.versions.map(async (version) => {
              profiles[version.versionId] = version.profiled ? (await api.getDatasetProfile({ versionId: version.versionId })).profile : null;
            }),
          );
          patchRun({ datasets: ready(datasets), profiles });
        } catch (error) {
          patchRun({ datasets: failed(error) });
        }
      },

      async loadTrainingDrift(runId) {
        if (get().trainingDrift?.runId !== runId) set({ trainingDrift: { runId, status: 'loading', error: null, items: [] } });
        const patchDrift = (patch: Partial<TrainingDriftState>) =>
          set((state) => (state.trainingDrift?.runId === runId ? { trainingDrift: { ...state.trainingDrift, ...patch } } : {}));
        try {
          const { versions } = await api.getRunDatasets({ runId });
          const inputs = versions.filter((version) =>
            version.origins.some((origin) => origin.runId === runId && (origin.kind === 'run-input' || pipelineOriginDetail(origin)?.role === 'dep')),
          );
          const items = await Promise.all(
            inputs.map(async (trainedVersion): Promise<TrainingDataDrift> => {
              const base = { datasetName: trainedVersion.datasetName, trainedVersion };
              try {
                // The newest content (versions come oldest first), not the one seen last: seeing the training file again must not hide newer data.
                const newest = (await api.getDataset({ dataset: trainedVersion.datasetName })).versions.at(-1);
                if (!newest || newest.versionId === trainedVersion.versionId) return { ...base, newestVersion: null, report: null, error: null };
                const report = await asJob('drift', `${trainedVersion.datasetName}: training data → newest`, newest.versionId, (jobId) =>
                  api.compareDatasets({ referenceVersionId: trainedVersion.versionId, currentVersionId: newest.versionId, jobId }),
                );
                return { ...base, newestVersion: newest, report, error: null };
              } catch (error) {
                return { ...base, newestVersion: null, report: null, error: wasCancelled(error) ? 'Cancelled.' : describeError(error) };
              }
            }),
          );
          patchDrift({ status: 'ready', items });
        } catch (error) {
          patchDrift({ status: 'error', error: describeError(error) });
        }
      },

      async loadComparedData(allRunIds) {
        const runIds = allRunIds.slice(0, COMPARED_DATA_RUNS);
        const key = runIds.join(',');
        set({ comparedData: { runIds, status: 'loading', error: null, runs: [], profiles: {} } });
        const mine = () => get().comparedData?.runIds.join(',') === key;
        try {
          const runs = await Promise.all(runIds.map(async (runId) => ({ runId, versions: (await api.getRunDatasets({ runId })).versions })));
          const versionIds = [...new Set(runs.flatMap((run) => run.versions.filter((version) => version.profiled).map((version) => version.versionId)))];
          const profiles: Record<string, DatasetProfile | null> = {};
          await Promise.all(
            versionIds.map(async (versionId) => {
              profiles[versionId] = (await api.getDatasetProfile({ versionId })).profile;
            }),
          );
          if (mine()) set({ comparedData: { runIds, status: 'ready', error: null, runs, profiles } });
        } catch (error) {
          if (mine()) set({ comparedData: { runIds, status: 'error', error: describeError(error), runs: [], profiles: {} } });
        }
      },

      watchData() {
        const stopProgress = api.onEvent('data.progress', ({ jobId, progress }) => {
          set((state) => (state.dataJobs[jobId] ? { dataJobs: { ...state.dataJobs, [jobId]: { ...state.dataJobs[jobId], progress } } } : {}));
        });
        const stopChanges = api.onEvent('data.changed', ({ datasetIds }) => {
          const state = get();
          if (state.datasets.status === 'ready') void state.loadDatasets();
          const open = state.openDataset;
          if (open?.detail.data && datasetIds.includes(open.detail.data.dataset.datasetId)) {
            void refreshDetail(open.name);
            void loadChecks(open.name);
          }
          const runId = state.runData?.runId;
          if (runId) void state.loadRunData(runId);
        });
        return () => {
          stopProgress();
          stopChanges();
        };
      },
    };
  };
}
