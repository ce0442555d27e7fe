// Starts every main-side service over one data folder. Plain Node: the Electron shell,
// the browser mode, the CLI and the tests all start Cairn through this one function.
import type { AppInfo } from '../../shared/contract';
import { createCallHandlers, type CallHandlers } from './api/call-handlers';
import { startChangeFeed } from './change-feed';
import { trackerDatabaseFile } from './data-dir';
import { createDeploymentService } from './deploy/create-deployment-service';
import type { DeploymentService } from './deploy/deployment-service';
import { EventHub } from './event-hub';
import { MetricSeriesService } from './metrics/metric-series-service';
import { ModelRegistryService } from './registry/model-registry-service';
import { RunsTableService } from './runs-table/runs-table-service';
import { createTrackingContext } from './tracking-api/create-tracking-context';
import type { TrackingContext } from './tracking-api/tracking-context';
import { SqliteTrackerStore } from './tracker/sqlite-tracker-store';
import type { TrackerStore } from './tracker/tracker-store';
import { CAIRN_VERSION } from './version';

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
  /** Sets the address of the MLflow-compatible tracking API once it listens. */
  setTrackingUri(uri: string | null): void;
  close(): Promise<void>;
}

/** Opens the tracker in `dataDir` and wires the call handlers and the change events of the tracker, registry and logged models. */
export function startCairnServices(options: CairnServicesOptions): CairnServices {
  const store = new SqliteTrackerStore({ file: trackerDatabaseFile(options.dataDir) });
  const events = new EventHub();
  let trackingUri: string | null = null;
  const tracking = createTrackingContext({ store, db: store.db, dataDir: options.dataDir });
  const stopChangeFeed = startChangeFeed(
    [store, tracking.registry, tracking.loggedModels],
    (change) => events.publish('tracker.changed', change),
    options.changeIntervalMs,
  );
  const handlers = createCallHandlers({
    store,
    metricSeries: new MetricSeriesService(store.db),
    runsTable: new RunsTableService(store.db),
    artifacts: tracking.artifacts,
    registry: tracking.registry,
    loggedModels: tracking.loggedModels,
    appInfo: () => ({ version: CAIRN_VERSION, dataDir: options.dataDir, trackingUri, mode: options.mode }),
  });
  const deployments = createDeploymentService({
    db: store.db,
    stores: { registry: tracking.registry, artifacts: tracking.artifacts, tracker: store, loggedModels: tracking.loggedModels },
    dataDir: options.dataDir,
    via: 'app',
    keepRunningByDefault: false,
  });
  const modelRegistry = new ModelRegistryService({
    registry: tracking.registry,
    tracker: store,
    loggedModels: tracking.loggedModels,
    deployments: () => deployments.list(),
  });
  return {
    dataDir: options.dataDir,
    store,
    handlers,
    events,
    tracking,
    deployments,
    modelRegistry,
    setTrackingUri(uri) {
      trackingUri = uri;
    },
    async close() {
      stopChangeFeed();
      await deployments.close();
      store.close();
    },
  };
}
