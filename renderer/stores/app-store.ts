// The one store of the renderer, composed from slices (zustand's slices pattern). Components
// select single fields or use useShallow; actions, not components, call the API. The store is
// built from the API it is given: the app builds it once over the bridge (renderer/use-app-store.ts),
// tests over the in-process API (test-support/in-process-api.ts).
import { create, type StoreApi, type UseBoundStore } from 'zustand';
import type { CairnApi } from '../../shared/contract';
import { createAutomationsSlice, type AutomationsSlice } from './automations-slice';
import { createCompareSlice, type CompareSlice } from './compare-slice';
import { createDataSlice, type DataSlice } from './data-slice';
import { createDeploySlice, type DeploySlice } from './deploy-slice';
import { createExperimentsSlice, type ExperimentsSlice } from './experiments-slice';
import { createModelsSlice, type ModelsSlice } from './models-slice';
import { createPipelinesSlice, type PipelinesSlice } from './pipelines-slice';
import { createRunColorsSlice, type RunColorsSlice } from './run-colors-slice';
import { createRunPageSlice, type RunPageSlice } from './run-page-slice';
import { loadRunsTableInThread, type RunsTableLoader } from './runs-table-loader';
import { createRunsTableSlice, type RunsTableSlice } from './runs-table-slice';
import { createUiSlice, type UiSlice } from './ui-slice';

/** The whole renderer state: every slice's fields and actions. */
export type AppState = UiSlice &
  ExperimentsSlice &
  RunsTableSlice &
  RunPageSlice &
  CompareSlice &
  ModelsSlice &
  PipelinesSlice &
  RunColorsSlice &
  DeploySlice &
  DataSlice &
  AutomationsSlice;

/** The app store: a hook for components, and getState/setState/subscribe outside React. */
export type AppStore = UseBoundStore<StoreApi<AppState>>;

/** Where choices are remembered across sessions (the theme, column layouts): localStorage in the app. */
export type PreferenceStorage = Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>;

/**
 * What the slices work with: the API their actions call, where they remember choices (null:
 * nowhere), and how large runs tables are loaded and decoded (the app: in a worker).
 */
export interface SliceContext {
  readonly api: CairnApi;
  readonly preferences: PreferenceStorage | null;
  readonly loadLargeRunsTable: RunsTableLoader;
}

/** Builds an app store whose actions call `api`. */
export function createAppStore(
  api: CairnApi,
  options: { preferences?: PreferenceStorage | null; loadLargeRunsTable?: RunsTableLoader } = {},
): AppStore {
  const context: SliceContext = {
    api,
    preferences: options.preferences ?? null,
    loadLargeRunsTable: options.loadLargeRunsTable ?? loadRunsTableInThread(api),
  };
  return create<AppState>()((...args) => ({
    ...createUiSlice(context)(...args),
    ...createExperimentsSlice(context)(...args),
    ...createRunsTableSlice(context)(...args),
    ...createRunPageSlice(context)(...args),
    ...createCompareSlice(context)(...args),
    ...createModelsSlice(context)(...args),
    ...createPipelinesSlice(context)(...args),
    ...createRunColorsSlice(context)(...args),
    ...createDeploySlice(context)(...args),
    ...createDataSlice(context)(...args),
    ...createAutomationsSlice(context)(...args),
  }));
}
