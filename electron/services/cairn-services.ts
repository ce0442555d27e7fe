// Where Cairn is assembled, in plain Node: the Electron shell, the browser mode, the CLI, the
// benchmarks and the tests all open a data folder's database and build its stores here, and
// start the services over them through startCairnServices.
import { createCallHandlers, type CallHandlers } from './api/call-handlers';
import { AutomationScheduler } from './automations/automation-scheduler';
import { createContinuousTraining, type ContinuousTraining } from './automations/create-continuous-training';
import type { AppInfo } from '../../shared/contract';
import type { ArtifactStore } from './artifacts/artifact-store';
import { FileArtifactStore } from './artifacts/file-artifact-store';
import { startChangeFeed } from './change-feed';
import { openDatabase, type CairnDatabase } from './database/database';
import { artifactsDir, artifactUploadsDir, trackerDatabaseFile } from './data-dir';
import { createDeploymentService } from './deploy/create-deployment-service';
import type { DeploymentService } from './deploy/deployment-service';
import { EventHub } from './event-hub';
import type { LoggedModelStore } from './logged-models/logged-model-store';
import { SqliteLoggedModelStore } from './logged-models/sqlite-logged-model-store';
import { MetricSeriesService } from './metrics/metric-series-service';
import { SqliteMetricSeriesReader } from './metrics/sqlite-metric-series-reader';
import type { RegistryStore } from './registry/registry-store';
import { SqliteRegistryStore } from './registry/sqlite-registry-store';
import { SqliteRunsTableReader } from './runs-table/sqlite-runs-table-reader';
import { StorageHealth } from './storage-health';
import { ModelRegistryService } from './registry/model-registry-service';
import type { TrackingContext } from './tracking-api/tracking-context';
import { SqliteTrackerStore } from './tracker/sqlite-tracker-store';
import type { TrackerImportStore, TrackerStore } from './tracker/tracker-store';
import { CAIRN_VERSION } from './version';

/** The stores kept in the database: the tracker (which also takes `cairn import`'s writes), the model registry, the logged models. */
export interface DatabaseStores {
  readonly store: TrackerStore & TrackerImportStore;
  readonly registry: RegistryStore;
  readonly loggedModels: LoggedModelStore;
}

/** Builds the stores kept in an open database; none of them opens or closes it. */
export function createDatabaseStores(database: CairnDatabase): DatabaseStores {
  const store = new SqliteTrackerStore(database);
  const loggedModels = new SqliteLoggedModelStore(database, store);
  return { store, loggedModels, registry: new SqliteRegistryStore(database, loggedModels) };
}

/** The artifact files of a data folder (<dataDir>/artifacts), reporting a full disk to `storage`. */
export function createArtifactStore(dataDir: string, storage: StorageHealth): ArtifactStore {
  return new FileArtifactStore({ root: artifactsDir(dataDir), uploadsDir: artifactUploadsDir(dataDir), storage });
}

/** Every store of one data folder, over its open database: what the routes of the tracking API need, and the database to close. */
export interface CairnStores extends TrackingContext, DatabaseStores {
  readonly store: DatabaseStores['store'];
  readonly database: CairnDatabase;
  /** Whether the folder's disk is full, as its latest write found it. */
  readonly storage: StorageHealth;
  /** Closes the database (the stores hold nothing else). */
  close(): void;
}

/** Opens the database of `dataDir` (creating the folder when missing) and builds every store over it. */
export function openCairnStores(dataDir: string): CairnStores {
  const storage = new StorageHealth(dataDir);
  const database = openDatabase(trackerDatabaseFile(dataDir), { storage });
  try {
    return {
      ...createDatabaseStores(database),
      dataDir,
      artifacts: createArtifactStore(dataDir, storage),
      database,
      storage,
      close: () => database.close(),
    };
  } catch (error) {
    database.close();
    throw error;
  }
}

/** How to start the services. */
export interface CairnServicesOptions {
  readonly dataDir: string;
  readonly mode: AppInfo['mode'];
  /** Milliseconds between pushed change events (tests shorten it). */
  readonly changeIntervalMs?: number;
}

/** The running services of one Cairn instance. */
export interface CairnServices {
  readonly dataDir: string;
  readonly store: TrackerStore;
  readonly handlers: CallHandlers;
  readonly events: EventHub;
  /** The stores behind the MLflow-compatible tracking API; the caller starts its server (tracking-server.ts). */
  readonly tracking: TrackingContext;
  /** Deployments of registered versions to deploy targets; local endpoints it starts stop with the app unless kept running. */
  readonly deployments: DeploymentService;
  /** Registry work (register, aliases, stages, lineage, comparison, deletion plans) over the same registry store. */
  readonly modelRegistry: ModelRegistryService;
  /** Continuous training: the automations' service and the background scheduler running them on their triggers. */
  readonly automations: ContinuousTraining & { readonly scheduler: AutomationScheduler };
  /** Sets the address of the MLflow-compatible tracking API once it listens. */
  setTrackingUri(uri: string | null): void;
  close(): Promise<void>;
}

/** Opens the data folder's stores and wires the call handlers, the change events and the disk-full events over them. */
export function startCairnServices(options: CairnServicesOptions): CairnServices {
  const stores = openCairnStores(options.dataDir);
  const { database, store, storage } = stores;
  const events = new EventHub();
  let trackingUri: string | null = null;
  const stopChangeFeed = startChangeFeed(
    [store, stores.registry, stores.loggedModels],
    (change) => events.publish('tracker.changed', change),
    options.changeIntervalMs,
  );
  const stopStorageEvents = storage.onChange((diskFull) => events.publish('storage.changed', { dataDir: options.dataDir, diskFull }));
  const deployments = createDeploymentService({
    database,
    stores: { registry: stores.registry, artifacts: stores.artifacts, tracker: store, loggedModels: stores.loggedModels },
    dataDir: options.dataDir,
    via: 'app',
    keepRunningByDefault: false,
  });
  const modelRegistry = new ModelRegistryService({
    registry: stores.registry,
    tracker: store,
    loggedModels: stores.loggedModels,
    deployments: () => deployments.list(),
  });
  const continuousTraining = createContinuousTraining({ stores, via: 'scheduler', deployments });
  const scheduler = new AutomationScheduler(continuousTraining.service, continuousTraining.store, {
    onError: (projectDir, error) => process.stderr.write(`cairn: automations of ${projectDir}: ${error.message}\n`),
  });
  const schedulerStarted = scheduler.start().catch((error: unknown) => process.stderr.write(`cairn: the automation scheduler did not start: ${String(error)}\n`));
  const handlers = createCallHandlers({
    store,
    metricSeries: new MetricSeriesService(new SqliteMetricSeriesReader(database)),
    runsTable: new SqliteRunsTableReader(database),
    artifacts: stores.artifacts,
    registry: stores.registry,
    loggedModels: stores.loggedModels,
    automations: { ...continuousTraining, scheduler },
    appInfo: () => ({ version: CAIRN_VERSION, dataDir: options.dataDir, trackingUri, mode: options.mode, diskFull: storage.diskFull }),
  });
  return {
    dataDir: options.dataDir,
    store,
    handlers,
    events,
    tracking: stores,
    deployments,
    modelRegistry,
    automations: { ...continuousTraining, scheduler },
    setTrackingUri(uri) {
      trackingUri = uri;
    },
    async close() {
      stopChangeFeed();
      stopStorageEvents();
      await schedulerStarted;
      await scheduler.close();
      await continuousTraining.close();
      await deployments.close();
      stores.close();
    },
  };
}
