// Builds continuous training over one data folder's open stores: the pipelines, data, deploy and
// registry capabilities a firing drives, and the audit store, wired the same way for the CLI, the
// app and the tests.
import type { CairnStores } from '../cairn-services';
import { createDataCapability, type DataCapability } from '../data/create-data-service';
import { recordPipelineStageData } from '../data/pipeline-data-recorder';
import { createDeploymentService } from '../deploy/create-deployment-service';
import type { DeploymentService } from '../deploy/deployment-service';
import { PipelineService } from '../pipelines/pipeline-service';
import { ModelRegistryService } from '../registry/model-registry-service';
import { ContinuousTrainingService } from './continuous-training-service';
import { SqliteAutomationStore } from './sqlite-automation-store';

/** The running continuous-training capability. */
export interface ContinuousTraining {
  readonly service: ContinuousTrainingService;
  readonly store: SqliteAutomationStore;
  /** Waits for running firings, then stops what it started (the stores stay open: their owner closes them). */
  close(): Promise<void>;
}

/** Starts continuous training over `stores`; the deployments, data and pipeline services are shared when the caller runs them (the app), else its own are made. */
export function createContinuousTraining(setup: {
  readonly stores: CairnStores;
  readonly via: string;
  readonly deployments?: DeploymentService;
  readonly data?: DataCapability;
  readonly pipelines?: PipelineService;
  /** Whether endpoints it deploys outlive this process (the CLI: yes). */
  readonly keepEndpointsRunning?: boolean;
  readonly python?: string;
}): ContinuousTraining {
  const { stores } = setup;
  const store = new SqliteAutomationStore(stores.database);
  const ownData = setup.data ? null : createDataCapability({ database: stores.database, tracker: stores.store, artifacts: stores.artifacts });
  const data = setup.data ?? ownData!;
  const ownPipelines = setup.pipelines
    ? null
    : new PipelineService({
        dataDir: stores.dataDir,
        store: stores.store,
        artifacts: stores.artifacts,
        database: stores.database,
        onStageSettled: recordPipelineStageData(data.service),
      });
  const pipelines = setup.pipelines ?? ownPipelines!;
  const files = { registry: stores.registry, artifacts: stores.artifacts, tracker: stores.store, loggedModels: stores.loggedModels };
  const ownDeployments = setup.deployments
    ? null
    : createDeploymentService({ database: stores.database, stores: files, dataDir: stores.dataDir, via: setup.via, keepRunningByDefault: setup.keepEndpointsRunning ?? true });
  const deployments = setup.deployments ?? ownDeployments!;
  const modelRegistry = new ModelRegistryService({ registry: stores.registry, tracker: stores.store, loggedModels: stores.loggedModels, deployments: () => deployments.list() });
  const service = new ContinuousTrainingService({
    store,
    dataDir: stores.dataDir,
    files,
    modelRegistry,
    pipelines,
    data: data.service,
    deployments,
    via: setup.via,
    python: setup.python,
  });
  return {
    service,
    store,
    async close() {
      await service.idle();
      await ownPipelines?.close();
      await ownData?.close();
      await ownDeployments?.close();
    },
  };
}
