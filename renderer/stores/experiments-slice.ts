// The experiments list: loading it, creating an experiment, and refetching it when the tracker
// says experiments or runs changed.
import type { StateCreator } from 'zustand';
import type { TrackerChange } from '../../shared/contract';
import type { Experiment, ExperimentSummary } from '../../shared/models';
import type { AppState, SliceContext } from './app-store';
import { describeError } from './describe-error';

/** Where a load stands. */
export type ListStatus = 'idle' | 'loading' | 'ready' | 'error';

/** The experiments list as shown. */
export interface ExperimentsState {
  readonly items: readonly ExperimentSummary[];
  readonly status: ListStatus;
  readonly error: string | null;
}

/** The experiments slice of the app store. */
export interface ExperimentsSlice {
  readonly experiments: ExperimentsState;
  /** Loads the list (keeping what is shown while it reloads). */
  loadExperiments(): Promise<void>;
  /** Creates an experiment; resolves to it, or throws an error whose message can be shown. */
  createExperiment(name: string): Promise<Experiment>;
  /** Refetches the list after a tracker change that can alter it. */
  refreshExperimentsAfter(change: TrackerChange): Promise<void>;
}

/** Builds the experiments slice. */
export function createExperimentsSlice({ api }: SliceContext): StateCreator<AppState, [], [], ExperimentsSlice> {
  return (set, get) => {
    let generation = 0;
    const update = (patch: Partial<ExperimentsState>) => set((state) => ({ experiments: { ...state.experiments, ...patch } }));
    return {
      experiments: { items: [], status: 'idle', error: null },

      async loadExperiments() {
        const mine = ++generation;
        if (get().experiments.status !== 'ready') update({ status: 'loading', error: null });
        try {
          const items = await api.listExperiments({});
          if (mine === generation) update({ items, status: 'ready', error: null });
        } catch (error) {
          if (mine === generation) update({ status: 'error', error: describeError(error) });
        }
      },

      async createExperiment(name) {
        const experiment = await api.createExperiment({ name });
        await get().loadExperiments();
        return experiment;
      },

      async refreshExperimentsAfter(change) {
        if (get().experiments.status === 'idle') return;
        if (change.entities.includes('experiment') || change.entities.includes('run')) await get().loadExperiments();
      },
    };
  };
}
