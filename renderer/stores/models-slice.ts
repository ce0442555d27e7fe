// The model registry's state: the registered models and MLflow 3 logged models (the Models page),
// one registered model's page (its versions with the names of their source runs, the lineage of
// the open version, two versions compared, a deletion's plan), and the registry's actions
// (register, aliases, stages, archive, descriptions, tags, delete). Every action goes through the
// registry the MLflow API uses; what is shown is refetched when the tracker says the registry
// changed, whoever changed it.
import type { StateCreator } from 'zustand';
import type { CallRequest, TrackerChange } from '../../shared/contract';
import type { ModelVersionComparison, ModelVersionLineage, RegistryDeletionPlan } from '../../shared/model-registry';
import type { LoggedModel, ModelVersion, ModelVersionStage, RegisteredModel } from '../../shared/models';
import type { AppState, SliceContext } from './app-store';
import { describeError } from './describe-error';
import type { ListStatus } from './experiments-slice';

/** The registered models as shown. */
export interface RegisteredModelsState {
  readonly items: readonly RegisteredModel[];
  readonly status: ListStatus;
  readonly error: string | null;
}

/** One registered model's versions as shown. */
export interface ModelVersionsState {
  readonly items: readonly ModelVersion[];
  readonly status: ListStatus;
  readonly error: string | null;
}

/** The MLflow 3 logged models as shown. */
export interface LoggedModelsState {
  readonly items: readonly LoggedModel[];
  readonly status: ListStatus;
  readonly error: string | null;
}

/** Something loaded on demand: where it stands, and what came back. */
export interface Loadable<T> {
  readonly status: ListStatus;
  readonly value: T | null;
  readonly error: string | null;
}

/** The run a version came from, as the model page names it. */
export interface SourceRun {
  readonly runName: string;
  readonly experimentId: string;
}

/** A registered model's page. */
export interface ModelPageState {
  readonly name: string | null;
  readonly model: RegisteredModel | null;
  readonly status: ListStatus;
  readonly error: string | null;
  /** The source runs of its versions, by run id (a version shows its run by name). */
  readonly sourceRuns: Readonly<Record<string, SourceRun>>;
  /** Lineage of the versions opened, by version. */
  readonly lineage: Readonly<Record<string, Loadable<ModelVersionLineage>>>;
  /** Two versions compared, when asked. */
  readonly comparison: (Loadable<ModelVersionComparison> & { readonly a: string; readonly b: string }) | null;
}

/** Where the latest registry action stands: what it was (for the message), and its error. */
export interface RegistryActionState {
  readonly status: 'idle' | 'working' | 'done' | 'error';
  readonly label: string;
  readonly error: string | null;
}

/** What deleting a registered model (no version) or a version would remove, once planned. */
export interface DeletionPlanState extends Loadable<RegistryDeletionPlan> {
  readonly name: string;
  readonly version: string | null;
}

/** The models slice of the app store. */
export interface ModelsSlice {
  readonly registeredModels: RegisteredModelsState;
  /** Versions by registered model name, for the models that were opened. */
  readonly modelVersions: Readonly<Record<string, ModelVersionsState>>;
  readonly loggedModels: LoggedModelsState;
  readonly modelPage: ModelPageState;
  readonly registryAction: RegistryActionState;
  /** The deletion being confirmed, if any. */
  readonly deletionPlan: DeletionPlanState | null;
  /** Loads the registered models (keeping what is shown while it reloads). */
  loadRegisteredModels(): Promise<void>;
  /** Loads one registered model's versions. */
  loadModelVersions(name: string): Promise<void>;
  /** Loads the MLflow 3 logged models of every experiment. */
  loadLoggedModels(): Promise<void>;
  /** Opens a registered model's page: the model, its versions and their source runs' names. */
  openModelPage(name: string): Promise<void>;
  /** Loads where a version came from (run, datasets, pipeline stage). */
  loadLineage(name: string, version: string): Promise<void>;
  /** Loads two versions side by side. */
  compareVersions(name: string, a: string, b: string): Promise<void>;
  /** Registers a run's model folder or a logged model; resolves to the new version, or null (the error is in registryAction). */
  registerModel(request: CallRequest<'registerModel'>): Promise<ModelVersion | null>;
  /** Points an alias at a version (moving it from another). */
  setModelAlias(name: string, alias: string, version: string): Promise<boolean>;
  deleteModelAlias(name: string, alias: string): Promise<boolean>;
  transitionStage(name: string, version: string, stage: ModelVersionStage, archiveExisting?: boolean): Promise<boolean>;
  archiveVersion(name: string, version: string): Promise<boolean>;
  /** Sets the description of a model (no version) or one version. */
  setModelDescription(name: string, version: string | null, description: string): Promise<boolean>;
  /** Sets (value given) or removes (null) a tag of a model (no version) or one version. */
  setModelTag(name: string, version: string | null, key: string, value: string | null): Promise<boolean>;
  /** Asks what deleting a model (no version) or a version would remove, for the confirmation. */
  planDeletion(name: string, version: string | null): Promise<void>;
  /** Forgets the deletion being confirmed. */
  cancelDeletion(): void;
  /** Carries out the planned deletion. */
  confirmDeletion(): Promise<boolean>;
  /** Forgets the latest action's outcome (its message was read). */
  clearRegistryAction(): void;
  /** Refetches what the models pages show after a change to the registry. */
  refreshModelsAfter(change: TrackerChange): Promise<void>;
}

/** Whether a tracker change can alter registered models or their versions. */
export function changesRegistry(change: TrackerChange): boolean {
  return change.entities.includes('registered-model') || change.entities.includes('model-version') || change.entities.includes('logged-model');
}

const EMPTY_MODEL_PAGE: ModelPageState = { name: null, model: null, status: 'idle', error: null, sourceRuns: {}, lineage: {}, comparison: null };

/** The registered model a route shows, if any. */
function routeModelName(route: AppState['route']): string | null {
  if (route.name === 'models') return route.modelName;
  if (route.name === 'model-version' || route.name === 'model-compare') return route.modelName;
  return null;
}

/** Builds the models slice. */
export function createModelsSlice({ api }: SliceContext): StateCreator<AppState, [], [], ModelsSlice> {
  return (set, get) => {
    let generation = 0;
    let pageGeneration = 0;
    const versionGenerations = new Map<string, number>();
    const update = (patch: Partial<RegisteredModelsState>) =>
      set((state) => ({ registeredModels: { ...state.registeredModels, ...patch } }));
    const updateVersions = (name: string, patch: Partial<ModelVersionsState>) =>
      set((state) => ({
        modelVersions: {
          ...state.modelVersions,
          [name]: { items: [], status: 'idle', error: null, ...state.modelVersions[name], ...patch },
        },
      }));
    const updatePage = (name: string, patch: Partial<ModelPageState>) =>
      set((state) => (state.modelPage.name === name ? { modelPage: { ...state.modelPage, ...patch } } : {}));

    /** Runs a registry action, recording where it stands; resolves to its result, or null when it failed. */
    const act = async <T>(label: string, work: () => Promise<T>): Promise<T | null> => {
      set({ registryAction: { status: 'working', label, error: null } });
      try {
        const result = await work();
        set({ registryAction: { status: 'done', label, error: null } });
        // The change feed refetches too; this makes the page show the result at once.
        await refreshShown();
        return result;
      } catch (error) {
        set({ registryAction: { status: 'error', label, error: describeError(error) } });
        return null;
      }
    };

    const loadSourceRuns = async (name: string, versions: readonly ModelVersion[]) => {
      const known = get().modelPage.sourceRuns;
      const runIds = [...new Set(versions.flatMap((v) => (v.runId && !known[v.runId] ? [v.runId] : [])))];
      if (runIds.length === 0) return;
      const runs = await api.getRuns({ runIds });
      updatePage(name, {
        sourceRuns: {
          ...get().modelPage.sourceRuns,
          ...Object.fromEntries(runs.map((run) => [run.info.runId, { runName: run.info.runName, experimentId: run.info.experimentId }])),
        },
      });
    };

    const refreshShown = async () => {
      const state = get();
      const name = routeModelName(state.route);
      const loads: Promise<void>[] = [];
      if (state.route.name === 'models' && name === null) loads.push(state.loadRegisteredModels(), state.loadLoggedModels());
      if (name !== null && state.modelPage.name === name) {
        loads.push(reloadModelPage(name));
        for (const version of Object.keys(state.modelPage.lineage)) loads.push(state.loadLineage(name, version));
        const comparison = state.modelPage.comparison;
        if (comparison && state.route.name === 'model-compare') loads.push(state.compareVersions(name, comparison.a, comparison.b));
      }
      await Promise.all(loads);
    };

    const reloadModelPage = async (name: string) => {
      const mine = ++pageGeneration;
      try {
        const [model] = await Promise.all([api.getRegisteredModel({ name }), get().loadModelVersions(name)]);
        if (mine !== pageGeneration) return;
        updatePage(name, { model, status: 'ready', error: null });
        await loadSourceRuns(name, get().modelVersions[name]?.items ?? []);
      } catch (error) {
        if (mine === pageGeneration) updatePage(name, { status: 'error', error: describeError(error) });
      }
    };

    return {
      registeredModels: { items: [], status: 'idle', error: null },
      modelVersions: {},
      loggedModels: { items: [], status: 'idle', error: null },
      modelPage: EMPTY_MODEL_PAGE,
      registryAction: { status: 'idle', label: '', error: null },
      deletionPlan: null,

      async loadRegisteredModels() {
        const mine = ++generation;
        if (get().registeredModels.status !== 'ready') update({ status: 'loading', error: null });
        try {
          const items = await api.listRegisteredModels({});
          if (mine === generation) update({ items, status: 'ready', error: null });
        } catch (error) {
          if (mine === generation) update({ status: 'error', error: describeError(error) });
        }
      },

      async loadModelVersions(name) {
        const mine = (versionGenerations.get(name) ?? 0) + 1;
        versionGenerations.set(name, mine);
        if (get().modelVersions[name]?.status !== 'ready') updateVersions(name, { status: 'loading', error: null });
        try {
          const items = await api.listModelVersions({ name });
          if (versionGenerations.get(name) === mine) updateVersions(name, { items, status: 'ready', error: null });
        } catch (error) {
          if (versionGenerations.get(name) === mine) updateVersions(name, { status: 'error', error: describeError(error) });
        }
      },

      async loadLoggedModels() {
        if (get().loggedModels.status !== 'ready') set((state) => ({ loggedModels: { ...state.loggedModels, status: 'loading', error: null } }));
        try {
          const items = await api.listLoggedModels({});
          set({ loggedModels: { items, status: 'ready', error: null } });
        } catch (error) {
          set((state) => ({ loggedModels: { ...state.loggedModels, status: 'error', error: describeError(error) } }));
        }
      },

      async openModelPage(name) {
        if (get().modelPage.name !== name) set({ modelPage: { ...EMPTY_MODEL_PAGE, name, status: 'loading' } });
        await reloadModelPage(name);
      },

      async loadLineage(name, version) {
        const current = get().modelPage.lineage[version];
        if (!current || current.status !== 'ready') {
          updatePage(name, { lineage: { ...get().modelPage.lineage, [version]: { status: 'loading', value: current?.value ?? null, error: null } } });
        }
        try {
          const value = await api.getModelVersionLineage({ name, version });
          updatePage(name, { lineage: { ...get().modelPage.lineage, [version]: { status: 'ready', value, error: null } } });
        } catch (error) {
          updatePage(name, { lineage: { ...get().modelPage.lineage, [version]: { status: 'error', value: null, error: describeError(error) } } });
        }
      },

      async compareVersions(name, a, b) {
        const current = get().modelPage.comparison;
        const same = current && current.a === a && current.b === b;
        if (!same || current.status !== 'ready') updatePage(name, { comparison: { a, b, status: 'loading', value: same ? current.value : null, error: null } });
        try {
          const value = await api.compareModelVersions({ a: { name, version: a }, b: { name, version: b } });
          updatePage(name, { comparison: { a, b, status: 'ready', value, error: null } });
        } catch (error) {
          updatePage(name, { comparison: { a, b, status: 'error', value: null, error: describeError(error) } });
        }
      },

      async registerModel(request) {
        return act(`Register ${request.name}`, () => api.registerModel(request));
      },

      async setModelAlias(name, alias, version) {
        return (await act(`Point @${alias} at version ${version}`, () => api.setModelAlias({ name, alias, version }))) !== null;
      },

      async deleteModelAlias(name, alias) {
        return (await act(`Remove @${alias}`, () => api.deleteModelAlias({ name, alias }))) !== null;
      },

      async transitionStage(name, version, stage, archiveExisting = false) {
        return (await act(`Move version ${version} to ${stage}`, () => api.transitionModelVersionStage({ name, version, stage, archiveExisting }))) !== null;
      },

      async archiveVersion(name, version) {
        return (await act(`Archive version ${version}`, () => api.archiveModelVersion({ name, version }))) !== null;
      },

      async setModelDescription(name, version, description) {
        const label = version === null ? `Describe ${name}` : `Describe version ${version}`;
        return (await act(label, () => api.setModelDescription({ name, ...(version === null ? {} : { version }), description }))) !== null;
      },

      async setModelTag(name, version, key, value) {
        const label = value === null ? `Remove the tag ${key}` : `Set the tag ${key}`;
        return (await act(label, () => api.setModelTag({ name, ...(version === null ? {} : { version }), key, value }))) !== null;
      },

      async planDeletion(name, version) {
        set({ deletionPlan: { name, version, status: 'loading', value: null, error: null } });
        try {
          const value = await api.planModelDeletion({ name, ...(version === null ? {} : { version }) });
          if (get().deletionPlan?.name === name && get().deletionPlan?.version === version) set({ deletionPlan: { name, version, status: 'ready', value, error: null } });
        } catch (error) {
          if (get().deletionPlan?.name === name) set({ deletionPlan: { name, version, status: 'error', value: null, error: describeError(error) } });
        }
      },

      cancelDeletion() {
        set({ deletionPlan: null });
      },

      async confirmDeletion() {
        const plan = get().deletionPlan;
        if (!plan || plan.status !== 'ready') return false;
        const label = plan.version === null ? `Delete ${plan.name}` : `Delete version ${plan.version}`;
        const done = await act(label, () => api.deleteModel({ name: plan.name, ...(plan.version === null ? {} : { version: plan.version }) }));
        if (done === null) return false;
        set((state) => ({
          deletionPlan: null,
          modelPage:
            plan.version !== null && state.modelPage.name === plan.name
              ? { ...state.modelPage, lineage: Object.fromEntries(Object.entries(state.modelPage.lineage).filter(([v]) => v !== plan.version)) }
              : state.modelPage,
        }));
        return true;
      },

      clearRegistryAction() {
        set({ registryAction: { status: 'idle', label: '', error: null } });
      },

      async refreshModelsAfter(change) {
        // Off the models pages nothing is refetched: a page loads afresh when it opens.
        if (!changesRegistry(change)) return;
        const route = get().route;
        if (route.name === 'models' && route.modelName === null && get().registeredModels.status === 'idle') return;
        if (routeModelName(route) === null && route.name !== 'models') return;
        await refreshShown();
      },
    };
  };
}
