// The names of every call and event of the contract, without their schemas: all the preload needs
// to build its bridge, so that it bundles no zod. The type checker keeps these lists equal to the
// contract: each capability module declares its calls with `satisfies CapabilityCalls<...>` of its
// list here, and index.ts checks that the merged calls and the events match these names.
import type { Events } from './events';

/** The call names of each capability. A new capability adds one line (and its module, in index.ts). */
export const CALL_NAMES_BY_CAPABILITY = {
  app: ['getAppInfo'],
  tracking: [
    'listExperiments',
    'createExperiment',
    'searchRuns',
    'getRun',
    'getMetricHistory',
    'getRuns',
    'getMetricSeries',
    'setRunNote',
    'listArtifacts',
    'readArtifact',
    'getRunsTable',
  ],
  registry: [
    'getRunModels',
    'listRunModelFolders',
    'listRegisteredModels',
    'getRegisteredModel',
    'listModelVersions',
    'listLoggedModels',
    'registerModel',
    'setModelAlias',
    'deleteModelAlias',
    'transitionModelVersionStage',
    'archiveModelVersion',
    'setModelDescription',
    'setModelTag',
    'planModelDeletion',
    'deleteModel',
    'getModelVersionLineage',
    'compareModelVersions',
  ],
  deploy: [
    'deployTargets',
    'deployList',
    'deployStatus',
    'deployHistory',
    'deployCreate',
    'deployUpdate',
    'deployRollback',
    'deployDelete',
    'deployCancel',
    'deployPredict',
    'deployInputExample',
    'deployLogs',
    'deployWarmUp',
    'deployTargetSecrets',
    'deploySetTargetSecret',
    'deployTestConnection',
  ],
  pipelines: [
    'listPipelineProjects',
    'pickPipelineFolder',
    'openPipelineProject',
    'closePipelineProject',
    'getPipelineOverview',
    'getPipelineStatus',
    'runPipeline',
    'stopPipelineExecution',
    'listPipelineExecutions',
    'getPipelineExecution',
    'comparePipelineExecutions',
    'getStageLog',
  ],
  data: [
    'listDatasets',
    'getDataset',
    'openDataset',
    'addDataset',
    'getDatasetProfile',
    'profileDataset',
    'compareDatasets',
    'getDriftSettings',
    'setDriftSettings',
    'getDriftTimeline',
    'runDataChecks',
    'listDataChecks',
    'getRunDatasets',
    'cancelDataJob',
  ],
  automations: [
    'listAutomationProjects',
    'addAutomationProject',
    'removeAutomationProject',
    'listAutomations',
    'listAutomationFirings',
    'runAutomation',
    'setAutomationEnabled',
    'decideAutomationFiring',
    'cancelAutomationFiring',
  ],
} as const;

/** A capability of the contract (app, tracking, registry, ...). */
export type Capability = keyof typeof CALL_NAMES_BY_CAPABILITY;
/** The name of a call of capability `C`. */
export type CapabilityCallName<C extends Capability> = (typeof CALL_NAMES_BY_CAPABILITY)[C][number];
/** The name of any call. */
export type CallName = CapabilityCallName<Capability>;

/** The names of all calls, capability by capability. */
export const CALL_NAMES: readonly CallName[] = Object.values(CALL_NAMES_BY_CAPABILITY).flat();

/** The names of all events (their payloads are in events.ts). */
export const EVENT_NAMES = [
  'tracker.changed',
  'storage.changed',
  'pipelines.progress',
  'deploy.operation',
  'data.progress',
  'data.changed',
  'automations.changed',
] as const satisfies ReadonlyArray<keyof Events>;
/** The name of an event. */
export type EventName = (typeof EVENT_NAMES)[number];
