// What the routes of the MLflow-compatible API need: the stores they read and write.
import type { ArtifactStore } from '../artifacts/artifact-store';
import type { LoggedModelStore } from '../logged-models/logged-model-store';
import type { RegistryStore } from '../registry/registry-store';
import type { TrackerStore } from '../tracker/tracker-store';

/** The services behind the MLflow-compatible API. Fields are added as capabilities land. */
export interface TrackingContext {
  readonly store: TrackerStore;
  /** The data folder; artifacts live under `<dataDir>/artifacts`. */
  readonly dataDir: string;
  /** Artifact files of runs and logged models (the proxied mlflow-artifacts API). */
  readonly artifacts: ArtifactStore;
  /** The model registry: registered models and their versions. */
  readonly registry: RegistryStore;
  /** MLflow 3 logged models. */
  readonly loggedModels: LoggedModelStore;
}
