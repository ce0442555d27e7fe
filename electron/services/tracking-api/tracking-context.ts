// What the routes of the MLflow-compatible API need: the stores they read and write.
import type { TrackerStore } from '../tracker/tracker-store';

/** The services behind the MLflow-compatible API. Fields are added as capabilities land. */
export interface TrackingContext {
  readonly store: TrackerStore;
  /** The data folder; artifacts live under `<dataDir>/artifacts`. */
  readonly dataDir: string;
}
