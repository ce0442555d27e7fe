// The models page's state: the registered models of the model registry and, for the models whose
// versions are open, those versions; refetched when the tracker says the registry changed.
import type { StateCreator } from 'zustand';
import type { TrackerChange } from '../../shared/contract';
import type { ModelVersion, RegisteredModel } from '../../shared/models';
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

/** The models slice of the app store. */
export interface ModelsSlice {
  readonly registeredModels: RegisteredModelsState;
  /** Versions by registered model name, for the models that were opened. */
  readonly modelVersions: Readonly<Record<string, ModelVersionsState>>;
  /** Loads the registered models (keeping what is shown while it reloads). */
  loadRegisteredModels(): Promise<void>;
  /** Loads one registered model's versions. */
  loadModelVersions(name: string): Promise<void>;
  /** Refetches the registered models and the opened versions after a change to the registry. */
  refreshModelsAfter(change: TrackerChange): Promise<void>;
}

/** Whether a tracker change can alter registered models or their versions. */
export function changesRegistry(change: TrackerChange): boolean {
  return change.entities.includes('registered-model') || change.entities.includes('model-version');
}

/** Builds the models slice. */
export function createModelsSlice({ api }: SliceContext): StateCreator<AppState, [], [], ModelsSlice> {
  return (set, get) => {
    let generation = 0;
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
    return {
      registeredModels: { items: [], status: 'idle', error: null },
      modelVersions: {},

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

      async refreshModelsAfter(change) {
        // Off the models page nothing is refetched: the page loads afresh when it opens.
        if (get().route.name !== 'models' || get().registeredModels.status === 'idle' || !changesRegistry(change)) return;
        const opened = Object.keys(get().modelVersions);
        await Promise.all([get().loadRegisteredModels(), ...opened.map((name) => get().loadModelVersions(name))]);
      },
    };
  };
}
