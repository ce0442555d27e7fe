// Builds the services behind the MLflow-compatible API over one data folder and one open
// database, so that every place that starts the tracking server (the CLI's serve, the Electron
// shell, tests) wires them the same way.
import path from 'node:path';
import { FileArtifactStore } from '../artifacts/file-artifact-store';
import { SqliteLoggedModelStore } from '../logged-models/sqlite-logged-model-store';
import { SqliteRegistryStore } from '../registry/sqlite-registry-store';
import type { SqliteDatabase } from '../tracker/database';
import type { TrackerStore } from '../tracker/tracker-store';
import type { TrackingContext } from './tracking-context';

/** What the tracking context is built from: the tracker store, its database handle, the data folder. */
export interface TrackingContextServices {
  readonly store: TrackerStore;
  /** The tracker's open database; the registry and logged models keep their tables in it. */
  readonly db: SqliteDatabase;
  readonly dataDir: string;
}

/** The folder of artifact files inside a data folder (mlflow-artifacts:/<path> is <dataDir>/artifacts/<path>). */
export function artifactsDir(dataDir: string): string {
  return path.join(dataDir, 'artifacts');
}

/** Builds the full tracking context: the tracker store plus the artifact, registry and logged-model stores. */
export function createTrackingContext(services: TrackingContextServices): TrackingContext {
  const loggedModels = new SqliteLoggedModelStore(services.db, services.store);
  return {
    store: services.store,
    dataDir: services.dataDir,
    artifacts: new FileArtifactStore({
      root: artifactsDir(services.dataDir),
      uploadsDir: path.join(services.dataDir, 'artifact-uploads'),
    }),
    registry: new SqliteRegistryStore(services.db, loggedModels),
    loggedModels,
  };
}
