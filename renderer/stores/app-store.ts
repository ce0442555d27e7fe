// The one store of the renderer, composed from slices (zustand's slices pattern). Components
// select single fields or use useShallow; actions, not components, call the API.
import { create } from 'zustand';
import { createCompareSlice, type CompareSlice } from './compare-slice';
import { createExperimentsSlice, type ExperimentsSlice } from './experiments-slice';
import { createModelsSlice, type ModelsSlice } from './models-slice';
import { createRunPageSlice, type RunPageSlice } from './run-page-slice';
import { createRunsTableSlice, type RunsTableSlice } from './runs-table-slice';
import { createUiSlice, type UiSlice } from './ui-slice';

/** The whole renderer state: every slice's fields and actions. */
export type AppState = UiSlice & ExperimentsSlice & RunsTableSlice & RunPageSlice & CompareSlice & ModelsSlice;

/** The app store hook; `useAppStore.getState()` outside React. */
export const useAppStore = create<AppState>()((...args) => ({
  ...createUiSlice(...args),
  ...createExperimentsSlice(...args),
  ...createRunsTableSlice(...args),
  ...createRunPageSlice(...args),
  ...createCompareSlice(...args),
  ...createModelsSlice(...args),
}));
