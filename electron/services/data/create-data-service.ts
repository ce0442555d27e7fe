// Builds the data capability over an open tracker database: the catalog store, the engine (its
// worker starts on first use) and the service. One place, so the CLI, the app and the tests wire
// it the same way.
import type { ArtifactStore } from '../artifacts/artifact-store';
import type { CairnDatabase } from '../database/database';
import type { RegistryStore } from '../registry/registry-store';
import type { TrackerStore } from '../tracker/tracker-store';
import { DataService } from './data-service';
import { DataEngine } from './engine/data-engine';
import { SqliteDataStore } from './sqlite-data-store';

/** The running data capability. */
export interface DataCapability {
  readonly service: DataService;
  readonly store: SqliteDataStore;
  readonly engine: DataEngine;
  /** Cancels running jobs and stops the engine's worker (the database stays open: its owner closes it). */
  close(): Promise<void>;
}

/** Starts the data capability on the tracker's database; tracker and artifacts let checks be recorded as runs, the registry finds the default drift reference. */
export function createDataCapability(deps: {
  readonly database: CairnDatabase;
  readonly tracker?: TrackerStore;
  readonly artifacts?: ArtifactStore | null;
  readonly registry?: RegistryStore | null;
}): DataCapability {
  const store = new SqliteDataStore(deps.database);
  const engine = new DataEngine();
  const service = new DataService({ store, engine, tracker: deps.tracker, artifacts: deps.artifacts ?? null, registry: deps.registry ?? null });
  return { service, store, engine, close: () => engine.close() };
}
