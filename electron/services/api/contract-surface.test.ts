// Pins the surface the renderer can reach: a new call or event shows up here in review. The
// zod-free names (what the preload exposes) are checked against the contract's calls at run time
// too; the type checker already refuses a mismatch (CallNamesMatch in shared/contract/index.ts).
import { describe, expect, it } from 'vitest';
import { calls, CALL_NAMES, CALL_NAMES_BY_CAPABILITY, EVENT_NAMES } from '../../../shared/contract';

describe('contract surface', () => {
  it('exposes exactly these calls, by capability, and these events', () => {
    const sorted = Object.fromEntries(
      Object.entries(CALL_NAMES_BY_CAPABILITY).map(([capability, names]) => [capability, [...names].sort()]),
    );
    expect(sorted).toMatchInlineSnapshot(`
      {
        "app": [
          "getAppInfo",
        ],
        "automations": [
          "addAutomationProject",
          "cancelAutomationFiring",
          "decideAutomationFiring",
          "listAutomationFirings",
          "listAutomationProjects",
          "listAutomations",
          "removeAutomationProject",
          "runAutomation",
          "setAutomationEnabled",
        ],
        "data": [
          "addDataset",
          "cancelDataJob",
          "compareDatasets",
          "getDataset",
          "getDatasetProfile",
          "getDriftSettings",
          "getDriftTimeline",
          "getRunDatasets",
          "listDataChecks",
          "listDatasets",
          "openDataset",
          "profileDataset",
          "runDataChecks",
          "setDriftSettings",
        ],
        "deploy": [
          "deployCancel",
          "deployCreate",
          "deployDelete",
          "deployHistory",
          "deployInputExample",
          "deployList",
          "deployLogs",
          "deployPredict",
          "deployRollback",
          "deploySetTargetSecret",
          "deployStatus",
          "deployTargetSecrets",
          "deployTargets",
          "deployTestConnection",
          "deployUpdate",
          "deployWarmUp",
        ],
        "pipelines": [
          "closePipelineProject",
          "comparePipelineExecutions",
          "getPipelineExecution",
          "getPipelineOverview",
          "getPipelineStatus",
          "getStageLog",
          "listPipelineExecutions",
          "listPipelineProjects",
          "openPipelineProject",
          "pickPipelineFolder",
          "runPipeline",
          "stopPipelineExecution",
        ],
        "registry": [
          "archiveModelVersion",
          "compareModelVersions",
          "deleteModel",
          "deleteModelAlias",
          "getModelVersionLineage",
          "getRegisteredModel",
          "getRunModels",
          "listLoggedModels",
          "listModelVersions",
          "listRegisteredModels",
          "listRunModelFolders",
          "planModelDeletion",
          "registerModel",
          "setModelAlias",
          "setModelDescription",
          "setModelTag",
          "transitionModelVersionStage",
        ],
        "tracking": [
          "createExperiment",
          "getMetricHistory",
          "getMetricSeries",
          "getRun",
          "getRuns",
          "getRunsTable",
          "listArtifacts",
          "listExperiments",
          "readArtifact",
          "searchRuns",
          "setRunNote",
        ],
      }
    `);
    expect([...EVENT_NAMES].sort()).toMatchInlineSnapshot(`
      [
        "automations.changed",
        "data.changed",
        "data.progress",
        "deploy.operation",
        "pipelines.progress",
        "storage.changed",
        "tracker.changed",
      ]
    `);
  });

  it('names exactly the calls the contract declares, each once', () => {
    expect(new Set(CALL_NAMES).size).toBe(CALL_NAMES.length);
    expect([...CALL_NAMES].sort()).toEqual(Object.keys(calls).sort());
  });
});
