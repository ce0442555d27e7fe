// Puts the datasets that MLflow clients log (log-inputs, mlflow.log_input) into the data catalog,
// linked to their runs, as they arrive: each run the tracker announces a change of is looked at
// once its write committed, and its inputs with a local source that is reachable are added as
// dataset versions (hashed on the data engine's worker, never on the thread that serves requests).
// Inputs seen before are not read again. Checks' own runs are left out: the check links its data.
import type { Run } from '../../../shared/models';
import type { TrackerStore } from '../tracker/tracker-store';
import { CHECK_RUN_TAG } from './check-run-recorder';
import type { DataService } from './data-service';

/** A running linker. */
export interface RunInputLinker {
  /** Resolves once every run announced so far has been looked at (tests wait on it). */
  idle(): Promise<void>;
  /** Stops listening; resolves once the run being linked is done. */
  stop(): Promise<void>;
}

/** Starts linking the inputs of runs `tracker` announces changes of. */
export function startRunInputLinker(deps: { readonly tracker: TrackerStore; readonly service: DataService }): RunInputLinker {
  const seen = new Set<string>();
  const queued = new Set<string>();
  let chain: Promise<void> = Promise.resolve();
  let stopped = false;

  const link = async (runId: string) => {
    queued.delete(runId);
    if (stopped) return;
    let run: Run;
    try {
      run = await deps.tracker.getRun(runId);
    } catch {
      return; // Deleted meanwhile.
    }
    if (run.tags.some((tag) => tag.key === CHECK_RUN_TAG)) return;
    const fresh = run.datasets.filter((input) => !seen.has(inputKey(runId, input.name, input.digest)));
    if (fresh.length === 0) return;
    for (const input of fresh) seen.add(inputKey(runId, input.name, input.digest));
    try {
      await deps.service.registerRunInputs(runId);
    } catch (error) {
      console.warn(`cairn: linking the datasets of run ${runId} failed`, error);
    }
  };

  const unsubscribe = deps.tracker.onChange((change) => {
    if (change.entity !== 'run' || !change.runId || queued.has(change.runId)) return;
    const runId = change.runId;
    queued.add(runId);
    chain = chain.then(() => link(runId));
  });

  return {
    idle: () => chain,
    async stop() {
      stopped = true;
      unsubscribe();
      await chain;
    },
  };
}

function inputKey(runId: string, name: string, digest: string): string {
  return JSON.stringify([runId, name, digest]);
}
