// Where Cairn is assembled, in plain Node: the Electron shell, the browser mode, the CLI, the
// benchmarks and the tests all open a data folder's database and build its stores here, and
// start the services over them through startCairnServices.
import { createCallHandlers, type CallHandlers } from './api/call-handlers';
import { startAutomationChangeFeed } from './automations/automation-change-feed';
import { AutomationScheduler } from './automations/automation-scheduler';
import { createContinuousTraining, type ContinuousTraining } from './automations/create-continuous-training';
import type { AppInfo } from '../../shared/contract';
import type { ArtifactStore } from './artifacts/artifact-store';
import { FileArtifactStore } from './artifacts/file-artifact-store';
import { DEFAULT_CHANGE_INTERVAL_MS, startChangeFeed } from './change-feed';
import { createCoalescingThrottle } from '../../shared/coalescing-throttle';
import { createDataCapability, type DataCapability } from './data/create-data-service';
import { DataJobs } from './data/data-jobs';
import { recordPipelineStageData } from './data/pipeline-data-recorder';
import { startRunInputLinker } from './data/run-input-linker';
import { openDatabase, type CairnDatabase } from './database/database';
import { artifactsDir, artifactUploadsDir, trackerDatabaseFile } from './data-dir';
import { createDeploymentService } from './deploy/create-deployment-service';
import type { DeploymentService } from './deploy/deployment-service';
import type { EndpointHostLauncher } from './deploy/local/endpoint-host-launcher';
import type { SecretStore } from './deploy/secrets/secret-store';
import { EventHub } from './event-hub';
import type { LoggedModelStore } from './logged-models/logged-model-store';
import { SqliteLoggedModelStore } from './logged-models/sqlite-logged-model-store';
import { PipelineAppService } from './pipelines/pipeline-app-service';
import { PipelineProjectStore } from './pipelines/pipeline-project-store';
import { PipelineService } from './pipelines/pipeline-service';
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
  /**
   * How local endpoint hosts are started: Node running the bundled host when absent (`cairn serve`,
   * the tests); the desktop app passes Electron's utility processes. With a launcher whose hosts
   * end with the app, deployments that were to keep running are started again here.
   */
  readonly endpointHostLauncher?: EndpointHostLauncher;
  /** Start the local target's Python ahead when deployments exist, so that the next deploy is quick (the app and `cairn serve`). */
  readonly warmDeployTargets?: boolean;
  /** Where deploy targets' secrets are kept: the OS keychain in the desktop app; absent (browser mode): none, the cloud SDKs' own credentials. */
  readonly secrets?: SecretStore;
  /** The desktop app's folder picker, for opening a pipeline project (the chosen folder, or null when cancelled); absent in the browser mode. */
  readonly pickFolder?: () => Promise<string | null>;
}

/** The running services of one Cairn instance. */
export interface CairnServices {
  readonly dataDir: string;
  readonly store: TrackerStore;
  readonly handlers: CallHandlers;
  readonly events: EventHub;
  /** The stores behind the MLflow-compatible tracking API; the caller starts its server (tracking-server.ts). */
  readonly tracking: TrackingContext;
  /** Whether the data folder's disk is full, as its latest write found it (the storage.changed events come from it). */
  readonly storage: StorageHealth;
  /** Deployments of registered versions to deploy targets; local endpoints it starts stop with the app unless kept running. */
  readonly deployments: DeploymentService;
  /** Registry work (register, aliases, stages, lineage, comparison, deletion plans) over the same registry store. */
  readonly modelRegistry: ModelRegistryService;
  /** dvc.yaml pipelines: opened projects, executions started from the app, their live progress. */
  readonly pipelines: PipelineAppService;
  /** Datasets: the catalog, profiles, drift and checks (its engine's worker starts on first use). */
  readonly data: DataCapability;
  /** Resolves once the datasets of every run announced so far have been put in the catalog (tests wait on it). */
  dataLinked(): Promise<void>;
  /** Continuous training: the automations' service and the background scheduler running them on their triggers. */
  readonly automations: ContinuousTraining & { readonly scheduler: AutomationScheduler };
  /** Sets the address of the MLflow-compatible tracking API once it listens. */
  setTrackingUri(uri: string | null): void;
  close(): Promise<void>;
}

/** Opens the data folder's stores and wires the call handlers, the change events, the disk-full events and the pipelines' progress over them. */
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
  const data = createDataCapability({ database, tracker: store, artifacts: stores.artifacts, registry: stores.registry });
  const pipelineService = new PipelineService({
    dataDir: options.dataDir,
    store,
    artifacts: stores.artifacts,
    database,
    trackingUri: () => trackingUri,
    onStageSettled: recordPipelineStageData(data.service),
  });
  const pipelines = new PipelineAppService({
    service: pipelineService,
    projects: new PipelineProjectStore(database),
    publish: (progress) => events.publish('pipelines.progress', progress),
    pickFolder: options.pickFolder,
  });
  const dataJobs = new DataJobs((jobId, progress) => events.publish('data.progress', { jobId, progress }));
  const dataChanges = createCoalescingThrottle<string, Set<string>>({
    intervalMs: options.changeIntervalMs ?? DEFAULT_CHANGE_INTERVAL_MS,
    edge: 'trailing',
    createBatch: () => new Set(),
    addToBatch: (batch, datasetId) => batch.add(datasetId),
    flush: (batch) => events.publish('data.changed', { datasetIds: [...batch] }),
  });
  const stopDataEvents = data.store.onChange((change) => dataChanges.add(change.datasetId));
  const runInputLinker = startRunInputLinker({ tracker: store, service: data.service });
  const deployments = createDeploymentService({
    database,
    stores: { registry: stores.registry, artifacts: stores.artifacts, tracker: store, loggedModels: stores.loggedModels },
    dataDir: options.dataDir,
    via: 'app',
    keepRunningByDefault: false,
    launcher: options.endpointHostLauncher,
    secrets: options.secrets,
  });
  const stopDeployEvents = deployments.onEvent((event) => events.publish('deploy.operation', event));
  // Deployments a `cairn deploy` beside the app makes or changes appear live.
  const stopWatchingDeployments = deployments.watchOtherProcesses();
  const modelRegistry = new ModelRegistryService({
    registry: stores.registry,
    tracker: store,
    loggedModels: stores.loggedModels,
    artifacts: stores.artifacts,
    deployments: () => deployments.list(),
  });
  const continuousTraining = createContinuousTraining({ stores, via: 'scheduler', deployments, data, pipelines: pipelineService });
  const scheduler = new AutomationScheduler(continuousTraining.service, continuousTraining.store, {
    onError: (projectDir, error) => process.stderr.write(`cairn: automations of ${projectDir}: ${error.message}\n`),
  });
  const automations = { ...continuousTraining, scheduler };
  // Firings this process runs, and those a `cairn ct` or another Cairn runs on the same data folder, appear live.
  const stopAutomationEvents = startAutomationChangeFeed(continuousTraining.store, (change) => events.publish('automations.changed', change), {
    intervalMs: options.changeIntervalMs,
  });
  const schedulerStarted = scheduler.start().catch((error: unknown) => process.stderr.write(`cairn: the automation scheduler did not start: ${String(error)}\n`));
  const handlers = createCallHandlers({
    pipelines,
    store,
    metricSeries: new MetricSeriesService(new SqliteMetricSeriesReader(database)),
    runsTable: new SqliteRunsTableReader(database),
    artifacts: stores.artifacts,
    registry: stores.registry,
    loggedModels: stores.loggedModels,
    modelRegistry,
    deployments,
    data: data.service,
    dataJobs,
    automations,
    appInfo: () => ({ version: CAIRN_VERSION, dataDir: options.dataDir, trackingUri, mode: options.mode, diskFull: storage.diskFull }),
  });
  deployments.restartStopped();
  if (options.warmDeployTargets && deployments.list().some((deployment) => deployment.target === 'local')) {
    deployments.warmUp({ target: 'local' }).ready.catch((error: unknown) => console.warn('cairn: could not start the local deploy target ahead:', (error as Error).message));
  }
  return {
    dataDir: options.dataDir,
    store,
    handlers,
    events,
    tracking: stores,
    storage,
    deployments,
    modelRegistry,
    pipelines,
    data,
    dataLinked: () => runInputLinker.idle(),
    automations,
    setTrackingUri(uri) {
      trackingUri = uri;
    },
    async close() {
      stopChangeFeed();
      stopStorageEvents();
      await schedulerStarted;
      await scheduler.close();
      await continuousTraining.close();
      stopAutomationEvents();
      stopDataEvents();
      dataChanges.stop();
      await runInputLinker.stop();
      dataJobs.cancelAll();
      stopWatchingDeployments();
      await Promise.all([deployments.close(), pipelines.close(), data.close()]);
      stopDeployEvents();
      stores.close();
    },
  };
}
