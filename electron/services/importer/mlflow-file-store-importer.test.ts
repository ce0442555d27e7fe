import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CairnError } from '../../../shared/errors';
import type { Run } from '../../../shared/models';
import type { LoggedModelStore } from '../logged-models/logged-model-store';
import { createDatabaseStores, openCairnStores, type CairnStores } from '../cairn-services';
import { openDatabase } from '../database/database';
import type { TrackerImportStore, TrackerStore } from '../tracker/tracker-store';
import { loggedModelJson } from '../tracking-api/routes/logged-model-routes';
import {
  IMPORT_SOURCE_TAG,
  importMlflowFileStore,
  type MlflowImportOptions,
  type MlflowImportProgress,
  type MlflowImportSummary,
} from './mlflow-file-store-importer';
import { writeMlflowExperiment, writeMlflowLoggedModel, writeMlflowRegisteredModel, writeMlflowRun } from './mlflow-file-store-writer';

const PARENT = 'a1b2c3d4e5f60718293a4b5c6d7e8f90';
const CHILD = 'b1b2c3d4e5f60718293a4b5c6d7e8f91';
const DELETED = 'c1b2c3d4e5f60718293a4b5c6d7e8f92';
const REMOTE = 'd1b2c3d4e5f60718293a4b5c6d7e8f93';
const MALFORMED = 'e1b2c3d4e5f60718293a4b5c6d7e8f94';
const IN_DEFAULT = 'f1b2c3d4e5f60718293a4b5c6d7e8f95';
const IN_TRASH = '01b2c3d4e5f60718293a4b5c6d7e8f96';
/** A run id that no run folder has. */
const UNKNOWN_RUN = '99b2c3d4e5f60718293a4b5c6d7e8f99';
const MODEL = 'm-1f2e3d4c5b6a79880716253443526170';
const FAILED_MODEL = 'm-2f2e3d4c5b6a79880716253443526171';
const BROKEN_MODEL = 'm-3f2e3d4c5b6a79880716253443526172';
const TRASHED_MODEL = 'm-4f2e3d4c5b6a79880716253443526173';
const MLMODEL = `artifact_path: null\nflavors:\n  sklearn: {}\nmodel_id: ${MODEL}\n`;
const EXPERIMENT = '436172150399485423';
const TRASHED_EXPERIMENT = '7';
const T0 = 1_700_000_000_000;
const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0xff, 0x10]);
const OLD_LOCATION = '/home/ana/old-laptop/project/mlruns';

let dir: string;
let mlruns: string;
let dataDir: string;
let opened: CairnStores[] = [];

/**
 * A realistic mlruns folder, in the layout and meta.yaml format MLflow 2.x writes, with MLflow 3's
 * logged models as its FileStore writes them (mlflow/store/tracking/file_store.py): a metric logged
 * with a model id is in the run's metric file and in the model's, with the run id.
 */
function writeFixture(root: string): void {
  writeMlflowExperiment(root, { experimentId: '0', name: 'Default', creationTime: T0 - 86_400_000 });
  writeMlflowRun(root, {
    experimentId: '0',
    runId: IN_DEFAULT,
    runName: 'quick-check',
    startTime: T0 - 3_600_000,
    params: { alpha: '0.5' },
    tags: { 'mlflow.runName': 'quick-check', 'mlflow.user': 'ana' },
    metrics: { rmse: [`${T0 - 3_500_000} 0.81 0`] },
  });

  writeMlflowExperiment(root, {
    experimentId: EXPERIMENT,
    name: 'churn-model',
    creationTime: T0,
    tags: { 'mlflow.note.content': 'Weekly churn model.\nSee the wiki.', team: 'growth' },
  });
  writeMlflowRun(root, {
    experimentId: EXPERIMENT,
    runId: PARENT,
    runName: 'parent-sweep',
    startTime: T0,
    endTime: T0 + 600_000,
    userId: 'ana',
    // The mlruns folder was copied from another machine: the recorded location no longer exists.
    artifactUri: `file://${OLD_LOCATION}/${EXPERIMENT}/${PARENT}/artifacts`,
    params: { lr: '0.01', epochs: '5', 'optimizer/name': 'adam' },
    tags: {
      'mlflow.runName': 'parent-sweep',
      'mlflow.user': 'ana',
      'mlflow.source.name': 'train.py',
      'mlflow.source.type': 'LOCAL',
      'mlflow.note.content': 'Sweep over learning rates.',
    },
    metrics: {
      loss: [`${T0 + 1000} 0.9 0`, `${T0 + 2000} nan 1`, `${T0 + 3000} 0.5 2`, `${T0 + 4000} inf 3`, `${T0 + 5000} 0.25 4`],
      'eval/loss': [`${T0 + 1500} 1.1 0`, `${T0 + 3500} 0.7 2`],
      // Written by an MLflow older than 1.0: no step.
      acc: [`${T0 + 6000} 0.5`],
      // Logged with the id of MODEL, and (val_f1) a dataset, by MLflow 3.
      accuracy: [`${T0 + 7500} 0.9 0`],
      val_f1: [`${T0 + 7000} 0.8 0 eval_set 3a5c1e9f`, `${T0 + 8000} 0.85 1 eval_set 3a5c1e9f`],
    },
    artifacts: {
      'model/MLmodel': 'artifact_path: model\nflavors:\n  sklearn: {}\n',
      'model/model.pkl': 'pickled bytes',
      'README.txt': 'read me',
    },
    datasets: [{ name: 'customers', digest: 'd41d8cd9', sourceType: 'local', source: '{"uri": "data/customers.csv"}', context: 'training' }],
  });
  fs.writeFileSync(path.join(root, EXPERIMENT, PARENT, 'artifacts', 'roc.png'), PNG);
  writeMlflowRun(root, {
    experimentId: EXPERIMENT,
    runId: CHILD,
    runName: 'child-lr-0.1',
    status: 4,
    startTime: T0 + 10_000,
    endTime: T0 + 20_000,
    params: { lr: '0.1' },
    tags: { 'mlflow.runName': 'child-lr-0.1', 'mlflow.parentRunId': PARENT, 'mlflow.user': 'ana' },
    metrics: { loss: [`${T0 + 11_000} 2.5 0`, `${T0 + 12_000} -inf 1`], grad_norm: [`${T0 + 11_000} 3.5 0`, `${T0 + 12_000} oops 1`, `${T0 + 13_000} 1.5 2`] },
    meta: { custom_field: 'from a fork of MLflow' },
  });
  writeMlflowRun(root, {
    experimentId: EXPERIMENT,
    runId: DELETED,
    runName: 'abandoned',
    status: 5,
    startTime: T0 + 30_000,
    lifecycleStage: 'deleted',
    meta: { deleted_time: T0 + 40_000 },
    params: { lr: '1.0' },
    metrics: { loss: [`${T0 + 31_000} 9.5 0`], accuracy: [`${T0 + 32_000} 0.4 0`] },
  });
  writeMlflowRun(root, {
    experimentId: EXPERIMENT,
    runId: REMOTE,
    runName: 'on-the-cluster',
    startTime: T0 + 50_000,
    artifactUri: `s3://ml-bucket/mlflow/${EXPERIMENT}/${REMOTE}/artifacts`,
    params: { lr: '0.05' },
  });
  const malformed = writeMlflowRun(root, { experimentId: EXPERIMENT, runId: MALFORMED, startTime: T0 + 60_000, params: { lr: '9' } });
  fs.writeFileSync(
    path.join(malformed, 'meta.yaml'),
    `artifact_uri: file:///x\nexperiment_id: '${EXPERIMENT}'\nrun_id: ${MALFORMED}\nstart_time: 'unterminated\nstatus: 3\n`,
  );

  writeMlflowLoggedModel(root, {
    experimentId: EXPERIMENT,
    modelId: MODEL,
    name: 'churn-clf',
    creationTimestamp: T0 + 6500,
    lastUpdatedTimestamp: T0 + 9000,
    status: 'READY',
    sourceRunId: PARENT,
    // Finalized: finalize_logged_model rewrote meta.yaml without lifecycle_stage.
    lifecycleStage: null,
    params: { alpha: '0.5', 'optimizer/name': 'adam' },
    tags: { 'mlflow.source.name': 'train.py', 'mlflow.modelVersions': '[{"name": "churn-classifier", "version": 3}]' },
    metrics: {
      accuracy: [`${T0 + 7500} 0.9 0 ${PARENT}`, `${T0 + 32_000} 0.4 0 ${DELETED}`, `${T0 + 33_000} 0.7 0 ${UNKNOWN_RUN}`, `${T0 + 34_000} 0.7`],
      val_f1: [`${T0 + 7000} 0.8 0 ${PARENT} eval_set 3a5c1e9f`, `${T0 + 8000} 0.85 1 ${PARENT} eval_set 3a5c1e9f`],
    },
    artifacts: { MLmodel: MLMODEL, 'model.pkl': 'model bytes' },
  });
  // Written by a later MLflow (status as a number), deleted, and never given any files.
  writeMlflowLoggedModel(root, {
    experimentId: EXPERIMENT,
    modelId: FAILED_MODEL,
    name: 'churn-agent',
    creationTimestamp: T0 + 50_000,
    lastUpdatedTimestamp: T0 + 55_000,
    status: 3,
    statusMessage: 'upload interrupted',
    modelType: 'agent',
    lifecycleStage: 'deleted',
    tags: { note: 'retry later' },
  });
  writeMlflowLoggedModel(root, { experimentId: EXPERIMENT, modelId: BROKEN_MODEL, name: 'broken', creationTimestamp: T0, status: 7 });

  writeMlflowExperiment(root, { experimentId: TRASHED_EXPERIMENT, name: 'old-experiment', trashed: true, creationTime: T0 - 1000 });
  writeMlflowRun(root, {
    experimentId: TRASHED_EXPERIMENT,
    trashedExperiment: true,
    runId: IN_TRASH,
    startTime: T0 - 500,
    lifecycleStage: 'deleted',
    params: { kind: 'baseline' },
    metrics: { loss: [`${T0 - 400} 1.25 0`] },
  });
  // Its meta.yaml still names the folder the experiment had before it went to the trash.
  writeMlflowLoggedModel(root, {
    experimentId: TRASHED_EXPERIMENT,
    trashedExperiment: true,
    modelId: TRASHED_MODEL,
    name: 'baseline',
    creationTimestamp: T0 - 450,
    status: 2,
    sourceRunId: IN_TRASH,
    params: { kind: 'baseline' },
    artifacts: { 'weights.bin': 'w' },
  });

  writeMlflowRegisteredModel(root, {
    name: 'churn-classifier',
    description: 'Predicts churn',
    creationTimestamp: T0 + 700_000,
    tags: { owner: 'growth' },
    aliases: { champion: 2 },
    versions: [
      {
        version: 1,
        source: `file://${OLD_LOCATION}/${EXPERIMENT}/${PARENT}/artifacts/model`,
        runId: PARENT,
        creationTimestamp: T0 + 700_000,
        stage: 'Archived',
        tags: { validated: 'false' },
      },
      { version: 2, source: `runs:/${PARENT}/model`, runId: PARENT, creationTimestamp: T0 + 800_000, stage: 'Production', description: 'retrained' },
      // Registered from an MLflow 3 logged model.
      {
        version: 3,
        source: `models:/${MODEL}`,
        runId: PARENT,
        modelId: MODEL,
        storageLocation: pathToFileURL(path.join(root, EXPERIMENT, 'models', MODEL, 'artifacts')).href,
        creationTimestamp: T0 + 900_000,
      },
    ],
  });
}

function open(): { store: TrackerStore & TrackerImportStore; context: CairnStores } {
  const context = openCairnStores(dataDir);
  opened.push(context);
  return { store: context.store, context };
}

async function importInto(
  entry: { store: TrackerStore & TrackerImportStore; context: CairnStores },
  extra: Partial<MlflowImportOptions> = {},
): Promise<MlflowImportSummary> {
  return importMlflowFileStore({
    source: mlruns,
    store: entry.store,
    artifacts: entry.context.artifacts,
    registry: entry.context.registry,
    loggedModels: entry.context.loggedModels,
    metricChunkSize: 3,
    ...extra,
  });
}

function tableCounts(context: CairnStores): Record<string, number> {
  const tables = [
    'experiments',
    'experiment_tags',
    'runs',
    'params',
    'tags',
    'metric_series',
    'metric_points',
    'datasets',
    'run_inputs',
    'logged_models',
    'logged_model_tags',
    'logged_model_params',
    'logged_model_metrics',
    'registered_models',
    'model_versions',
    'model_version_tags',
    'registered_model_aliases',
  ];
  return Object.fromEntries(tables.map((table) => [table, (context.database.connection.prepare(`SELECT COUNT(*) AS n FROM ${table}`).get() as { n: number }).n]));
}

function filesUnder(folder: string): string[] {
  if (!fs.existsSync(folder)) return [];
  return fs.readdirSync(folder, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => path.relative(folder, path.join(entry.parentPath, entry.name)))
    .sort();
}

function tagMap(run: Run): Record<string, string> {
  return Object.fromEntries(run.tags.map((tag) => [tag.key, tag.value]));
}

async function history(store: TrackerStore, runId: string, key: string) {
  return (await store.getMetricHistory({ runId, key })).items;
}

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cairn-import-'));
  mlruns = path.join(dir, 'project', 'mlruns');
  dataDir = path.join(dir, 'data');
  writeFixture(mlruns);
});

afterEach(() => {
  for (const entry of opened) entry.close();
  opened = [];
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('importMlflowFileStore', () => {
  it('imports experiments, runs, params, metrics, tags, inputs, artifacts, logged models and the registry field by field', async () => {
    const { store, context } = open();
    const progress: MlflowImportProgress[] = [];
    const summary = await importInto({ store, context }, { onProgress: (p) => progress.push(p) });

    expect(summary).toMatchObject({
      source: mlruns,
      dryRun: false,
      experimentsCreated: 2,
      experimentsMatched: 1,
      experimentTags: 2,
      runs: 6,
      runsResumed: 0,
      params: 8,
      tags: 10,
      metricPoints: 19,
      datasetInputs: 1,
      artifactFiles: 7,
      artifactBytes:
        'artifact_path: model\nflavors:\n  sklearn: {}\n'.length + 'pickled bytes'.length + 'read me'.length + PNG.length +
        MLMODEL.length + 'model bytes'.length + 'w'.length,
      loggedModels: 3,
      loggedModelParams: 3,
      loggedModelTags: 3,
      loggedModelMetricPoints: 3,
      registeredModels: 1,
      modelVersions: 3,
      aliases: 1,
    });
    // The malformed run and logged model are not counted: they were set aside before the import began.
    expect(progress.at(-1)).toMatchObject({ runsDone: 6, runsTotal: 6, modelsDone: 3, modelsTotal: 3, metricPoints: 22 });
    expect(progress.at(-1)!.metricBytesDone).toBe(progress.at(-1)!.metricBytesTotal);

    // Experiments: Default matched by name, the others created with Cairn's own ids.
    const experiments = await store.listExperiments('ALL');
    expect(experiments.map((e) => [e.name, e.lifecycleStage]).sort()).toEqual([
      ['Default', 'active'],
      ['churn-model', 'active'],
      ['old-experiment', 'deleted'],
    ]);
    const churn = (await store.getExperimentByName('churn-model'))!;
    expect(churn.experimentId).not.toBe(EXPERIMENT);
    expect(churn.tags).toEqual([
      { key: 'mlflow.note.content', value: 'Weekly churn model.\nSee the wiki.' },
      { key: 'team', value: 'growth' },
    ]);

    const parent = await store.getRun(PARENT);
    expect(parent.info).toEqual({
      runId: PARENT,
      experimentId: churn.experimentId,
      runName: 'parent-sweep',
      status: 'FINISHED',
      startTime: T0,
      endTime: T0 + 600_000,
      lifecycleStage: 'active',
      userId: 'ana',
      artifactUri: `mlflow-artifacts:/${churn.experimentId}/${PARENT}/artifacts`,
      parentRunId: null,
    });
    expect(parent.params).toEqual([
      { key: 'epochs', value: '5' },
      { key: 'lr', value: '0.01' },
      { key: 'optimizer/name', value: 'adam' },
    ]);
    expect(tagMap(parent)).toEqual({
      'mlflow.runName': 'parent-sweep',
      'mlflow.user': 'ana',
      'mlflow.source.name': 'train.py',
      'mlflow.source.type': 'LOCAL',
      'mlflow.note.content': 'Sweep over learning rates.',
      [IMPORT_SOURCE_TAG]: mlruns,
    });
    expect(await history(store, PARENT, 'loss')).toEqual([
      { step: 0, timestamp: T0 + 1000, value: 0.9 },
      { step: 1, timestamp: T0 + 2000, value: Number.NaN },
      { step: 2, timestamp: T0 + 3000, value: 0.5 },
      { step: 3, timestamp: T0 + 4000, value: Number.POSITIVE_INFINITY },
      { step: 4, timestamp: T0 + 5000, value: 0.25 },
    ]);
    expect(await history(store, PARENT, 'eval/loss')).toEqual([
      { step: 0, timestamp: T0 + 1500, value: 1.1 },
      { step: 2, timestamp: T0 + 3500, value: 0.7 },
    ]);
    expect(await history(store, PARENT, 'acc')).toEqual([{ step: 0, timestamp: T0 + 6000, value: 0.5 }]);
    // Read from the run's file (with its dataset) and again from the model's: kept once.
    expect(await history(store, PARENT, 'val_f1')).toEqual([
      { step: 0, timestamp: T0 + 7000, value: 0.8 },
      { step: 1, timestamp: T0 + 8000, value: 0.85 },
    ]);
    expect(parent.metrics.find((m) => m.key === 'loss')).toMatchObject({ step: 4, value: 0.25, min: 0.25, max: Number.POSITIVE_INFINITY });
    expect(parent.datasets).toEqual([
      {
        name: 'customers',
        digest: 'd41d8cd9',
        sourceType: 'local',
        source: '{"uri": "data/customers.csv"}',
        schema: null,
        profile: null,
        context: 'training',
        tags: [{ key: 'mlflow.data.context', value: 'training' }],
      },
    ]);

    // Artifacts: copied from the run folder (the recorded location is gone) into Cairn's artifact folder.
    const artifactFolder = path.join(dataDir, 'artifacts', churn.experimentId, PARENT, 'artifacts');
    expect(filesUnder(artifactFolder)).toEqual(['README.txt', path.join('model', 'MLmodel'), path.join('model', 'model.pkl'), 'roc.png']);
    expect(fs.readFileSync(path.join(artifactFolder, 'roc.png')).equals(PNG)).toBe(true);
    expect(fs.readFileSync(path.join(artifactFolder, 'model', 'model.pkl'), 'utf8')).toBe('pickled bytes');
    const listed = await context.artifacts.listArtifacts(parent.info.artifactUri, 'model');
    expect(listed.map((entry) => entry.path)).toEqual(['model/MLmodel', 'model/model.pkl']);

    const child = await store.getRun(CHILD);
    expect(child.info).toMatchObject({ status: 'FAILED', parentRunId: PARENT, runName: 'child-lr-0.1', startTime: T0 + 10_000 });
    expect(await history(store, CHILD, 'loss')).toEqual([
      { step: 0, timestamp: T0 + 11_000, value: 2.5 },
      { step: 1, timestamp: T0 + 12_000, value: Number.NEGATIVE_INFINITY },
    ]);
    expect(await history(store, CHILD, 'grad_norm')).toEqual([
      { step: 0, timestamp: T0 + 11_000, value: 3.5 },
      { step: 2, timestamp: T0 + 13_000, value: 1.5 },
    ]);

    const deleted = await store.getRun(DELETED);
    expect(deleted.info).toMatchObject({ lifecycleStage: 'deleted', status: 'KILLED', endTime: T0 + 90_000 });
    expect(tagMap(deleted)[IMPORT_SOURCE_TAG]).toBe(mlruns);
    const active = await store.searchRuns({ experimentIds: [churn.experimentId] });
    expect(active.items.map((run) => run.info.runId).sort()).toEqual([PARENT, CHILD, REMOTE].sort());

    const remote = await store.getRun(REMOTE);
    expect(remote.info.artifactUri).toBe(`s3://ml-bucket/mlflow/${EXPERIMENT}/${REMOTE}/artifacts`);

    await expect(store.getRun(MALFORMED)).rejects.toBeInstanceOf(CairnError);

    const inDefault = await store.getRun(IN_DEFAULT);
    expect(inDefault.info.experimentId).toBe('0');
    const trashed = await store.getRun(IN_TRASH);
    expect(trashed.info).toMatchObject({ lifecycleStage: 'deleted', runName: `run-${IN_TRASH.slice(0, 6)}` });
    expect(trashed.info.experimentId).toBe((await store.getExperimentByName('old-experiment'))!.experimentId);

    // The registry: versions keep their numbers, a source inside the run's old folder now points at Cairn's copy.
    const model = await context.registry.getRegisteredModel('churn-classifier');
    expect(model).toMatchObject({
      description: 'Predicts churn',
      creationTimestamp: T0 + 700_000,
      tags: [{ key: 'owner', value: 'growth' }],
      aliases: [{ alias: 'champion', version: '2' }],
    });
    const v1 = await context.registry.getModelVersion('churn-classifier', '1');
    expect(v1).toMatchObject({
      source: `mlflow-artifacts:/${churn.experimentId}/${PARENT}/artifacts/model`,
      runId: PARENT,
      currentStage: 'Archived',
      status: 'READY',
      creationTimestamp: T0 + 700_000,
      tags: [{ key: 'validated', value: 'false' }],
    });
    const v2 = await context.registry.getModelVersion('churn-classifier', '2');
    expect(v2).toMatchObject({ source: `runs:/${PARENT}/model`, currentStage: 'Production', description: 'retrained', aliases: ['champion'] });
    // A version made from a logged model: its storage location (what clients download) is now Cairn's copy of the model's files.
    const v3 = await context.registry.getModelVersion('churn-classifier', '3');
    expect(v3).toMatchObject({ source: `models:/${MODEL}`, modelId: MODEL, runId: PARENT });
    expect(await context.registry.getModelVersionDownloadUri('churn-classifier', '3')).toBe(
      `mlflow-artifacts:/${churn.experimentId}/models/${MODEL}/artifacts`,
    );

    // What was skipped, and why.
    const skipped = summary.skipped.map((skip) => [skip.kind, skip.subject, skip.path && path.relative(mlruns, skip.path), skip.line]);
    expect(skipped).toEqual(
      expect.arrayContaining([
        ['malformed', `run folder ${MALFORMED} in experiment 'churn-model'`, path.join(EXPERIMENT, MALFORMED, 'meta.yaml'), 4],
        ['malformed', `1 line(s) of metric 'grad_norm' of run ${CHILD}`, path.join(EXPERIMENT, CHILD, 'metrics', 'grad_norm'), 2],
        ['remote-artifacts', `artifacts of run ${REMOTE} in experiment 'churn-model'`, path.join(EXPERIMENT, REMOTE), null],
        ['unknown-field', "field 'custom_field' of run meta.yaml", path.join(EXPERIMENT, CHILD, 'meta.yaml'), null],
        ['malformed', `logged model folder ${BROKEN_MODEL} in experiment 'churn-model'`, path.join(EXPERIMENT, 'models', BROKEN_MODEL, 'meta.yaml'), 10],
        ['malformed', `1 line(s) of metric 'accuracy' of logged model ${MODEL}`, path.join(EXPERIMENT, 'models', MODEL, 'metrics', 'accuracy'), 4],
        ['unsupported', `1 metric point(s) of logged model ${MODEL} logged in run ${DELETED}`, path.join(EXPERIMENT, 'models', MODEL, 'metrics'), null],
        ['unsupported', `1 metric point(s) of logged model ${MODEL} logged in run ${UNKNOWN_RUN}`, path.join(EXPERIMENT, 'models', MODEL, 'metrics'), null],
      ]),
    );
    expect(summary.skipped).toHaveLength(8);
    expect(summary.skipped.filter((skip) => skip.kind === 'unsupported').map((skip) => skip.reason)).toEqual([
      `the run ${DELETED} is deleted, and Cairn logs metrics to active runs only`,
      `the run ${UNKNOWN_RUN} is not in Cairn (it was not imported)`,
    ]);
  });

  it('imports MLflow 3 logged models with their ids, fields, params, tags, metrics and files', async () => {
    const { store, context } = open();
    await importInto({ store, context });
    const churn = (await store.getExperimentByName('churn-model'))!;

    const model = await context.loggedModels.getLoggedModel(MODEL);
    const artifactLocation = `mlflow-artifacts:/${churn.experimentId}/models/${MODEL}/artifacts`;
    expect(model).toEqual({
      modelId: MODEL,
      experimentId: churn.experimentId,
      name: 'churn-clf',
      artifactLocation,
      creationTimestamp: T0 + 6500,
      lastUpdatedTimestamp: T0 + 9000,
      status: 'READY',
      statusMessage: null,
      modelType: null,
      sourceRunId: PARENT,
      lifecycleStage: 'active',
      tags: [
        { key: 'mlflow.modelVersions', value: '[{"name": "churn-classifier", "version": 3}]' },
        { key: 'mlflow.source.name', value: 'train.py' },
      ],
      params: [
        { key: 'alpha', value: '0.5' },
        { key: 'optimizer/name', value: 'adam' },
      ],
      // Only the points of the run that is in Cairn and active.
      metrics: [
        { key: 'accuracy', value: 0.9, timestamp: T0 + 7500, step: 0, runId: PARENT, datasetName: null, datasetDigest: null },
        { key: 'val_f1', value: 0.8, timestamp: T0 + 7000, step: 0, runId: PARENT, datasetName: 'eval_set', datasetDigest: '3a5c1e9f' },
        { key: 'val_f1', value: 0.85, timestamp: T0 + 8000, step: 1, runId: PARENT, datasetName: 'eval_set', datasetDigest: '3a5c1e9f' },
      ],
    });
    // As the tracking API answers GET logged-models/{id}.
    expect(loggedModelJson(model)).toEqual({
      info: {
        model_id: MODEL,
        experiment_id: churn.experimentId,
        name: 'churn-clf',
        creation_timestamp_ms: T0 + 6500,
        last_updated_timestamp_ms: T0 + 9000,
        artifact_uri: artifactLocation,
        status: 'LOGGED_MODEL_READY',
        source_run_id: PARENT,
        tags: model.tags,
      },
      data: {
        params: model.params,
        metrics: [
          { key: 'accuracy', value: 0.9, timestamp: T0 + 7500, step: 0, run_id: PARENT, model_id: MODEL },
          { key: 'val_f1', value: 0.8, timestamp: T0 + 7000, step: 0, run_id: PARENT, model_id: MODEL, dataset_name: 'eval_set', dataset_digest: '3a5c1e9f' },
          { key: 'val_f1', value: 0.85, timestamp: T0 + 8000, step: 1, run_id: PARENT, model_id: MODEL, dataset_name: 'eval_set', dataset_digest: '3a5c1e9f' },
        ],
      },
    });
    // Its files, where Cairn keeps a logged model's files.
    expect((await context.artifacts.listArtifacts(artifactLocation)).map((entry) => entry.path)).toEqual(['MLmodel', 'model.pkl']);
    expect(fs.readFileSync(path.join(dataDir, 'artifacts', churn.experimentId, 'models', MODEL, 'artifacts', 'MLmodel'), 'utf8')).toBe(MLMODEL);
    // Its metrics are searchable as any logged model's.
    const found = await context.loggedModels.searchLoggedModels({ experimentIds: [churn.experimentId], filter: 'metrics.val_f1 > 0.84' });
    expect(found.items.map((item) => item.modelId)).toEqual([MODEL]);

    // Deleted in MLflow, written with a later MLflow's numeric status: deleted in Cairn, no files, no metrics.
    await expect(context.loggedModels.getLoggedModel(FAILED_MODEL)).rejects.toMatchObject({ code: 'RESOURCE_DOES_NOT_EXIST' });
    expect(await context.loggedModels.getLoggedModel(FAILED_MODEL, { allowDeleted: true })).toEqual({
      modelId: FAILED_MODEL,
      experimentId: churn.experimentId,
      name: 'churn-agent',
      artifactLocation: `mlflow-artifacts:/${churn.experimentId}/models/${FAILED_MODEL}/artifacts`,
      creationTimestamp: T0 + 50_000,
      lastUpdatedTimestamp: T0 + 55_000,
      status: 'FAILED',
      statusMessage: 'upload interrupted',
      modelType: 'agent',
      sourceRunId: null,
      lifecycleStage: 'deleted',
      tags: [{ key: 'note', value: 'retry later' }],
      params: [],
      metrics: [],
    });

    // In a deleted experiment: its files are found in the trash, though meta.yaml names the old folder.
    const old = (await store.getExperimentByName('old-experiment'))!;
    const trashed = await context.loggedModels.getLoggedModel(TRASHED_MODEL);
    expect(trashed).toMatchObject({
      experimentId: old.experimentId,
      status: 'READY',
      sourceRunId: IN_TRASH,
      lastUpdatedTimestamp: T0 - 450,
      params: [{ key: 'kind', value: 'baseline' }],
    });
    expect(fs.readFileSync(path.join(dataDir, 'artifacts', old.experimentId, 'models', TRASHED_MODEL, 'artifacts', 'weights.bin'), 'utf8')).toBe('w');

    // The malformed one is not there; everything else is.
    await expect(context.loggedModels.getLoggedModel(BROKEN_MODEL, { allowDeleted: true })).rejects.toMatchObject({ code: 'RESOURCE_DOES_NOT_EXIST' });
  });

  it('resumes a logged model whose import was interrupted, without duplicating its metrics', async () => {
    const { store, context } = open();
    // A logged-model store that dies when the model itself is written, after its metrics and files.
    const failing: LoggedModelStore = Object.assign(Object.create(context.loggedModels) as LoggedModelStore, {
      importLoggedModel: async () => {
        throw new Error('disk unplugged');
      },
    });
    const interrupted = await importInto({ store, context }, { loggedModels: failing });
    expect(interrupted.skipped.find((skip) => skip.kind === 'failed' && skip.subject.startsWith(`logged model ${MODEL}`))).toMatchObject({
      reason: 'writing the logged model failed: disk unplugged; the logged model is not in Cairn, and the next import brings it in whole',
    });
    await expect(context.loggedModels.getLoggedModel(MODEL)).rejects.toMatchObject({ code: 'RESOURCE_DOES_NOT_EXIST' });
    const before = tableCounts(context);

    const resumed = await importInto({ store, context });
    expect(resumed).toMatchObject({ runs: 0, loggedModels: 3, loggedModelMetricPoints: 3, artifactFiles: 3 });
    expect((await context.loggedModels.getLoggedModel(MODEL)).metrics).toHaveLength(3);
    expect(tableCounts(context)).toEqual({ ...before, logged_models: 3, logged_model_tags: 3, logged_model_params: 3 });
  });

  it('adds nothing when importing again, and says so', async () => {
    const first = open();
    await importInto(first);
    const before = tableCounts(first.context);
    const artifactsBefore = filesUnder(path.join(dataDir, 'artifacts'));

    const again = await importInto(first);
    expect(again).toMatchObject({
      experimentsCreated: 0,
      experimentsMatched: 3,
      experimentTags: 0,
      runs: 0,
      params: 0,
      tags: 0,
      metricPoints: 0,
      datasetInputs: 0,
      artifactFiles: 0,
      loggedModels: 0,
      loggedModelParams: 0,
      loggedModelTags: 0,
      loggedModelMetricPoints: 0,
      registeredModels: 0,
      modelVersions: 0,
      aliases: 0,
    });
    const already = again.skipped.filter((skip) => skip.kind === 'already-imported').map((skip) => skip.subject);
    expect(already).toEqual(
      expect.arrayContaining([
        `run ${PARENT} in experiment 'churn-model'`,
        `run ${IN_TRASH} in experiment 'old-experiment'`,
        `logged model ${MODEL} in experiment 'churn-model'`,
        `logged model ${FAILED_MODEL} in experiment 'churn-model'`,
        `logged model ${TRASHED_MODEL} in experiment 'old-experiment'`,
        "registered model 'churn-classifier'",
        "version 1 of registered model 'churn-classifier'",
        "alias 'champion' of registered model 'churn-classifier'",
      ]),
    );
    expect(already.filter((subject) => subject.startsWith('run '))).toHaveLength(6);
    expect(already.filter((subject) => subject.startsWith('logged model '))).toHaveLength(3);
    expect(tableCounts(first.context)).toEqual(before);
    expect(filesUnder(path.join(dataDir, 'artifacts'))).toEqual(artifactsBefore);
  });

  it('resumes a run whose import was interrupted, without duplicating anything', async () => {
    const { store, context } = open();
    let metricCalls = 0;
    // A store that dies on the second metric chunk of the parent run, as a killed process would.
    const failing = new Proxy(store, {
      get(target, key, receiver) {
        if (key === 'logBatch') {
          return async (runId: string, batch: { metrics?: unknown[] }) => {
            if (runId === PARENT && batch.metrics && ++metricCalls === 2) throw new Error('disk unplugged');
            return target.logBatch(runId, batch as never);
          };
        }
        const value = Reflect.get(target, key, receiver) as unknown;
        return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
      },
    });
    const interrupted = await importInto({ store: failing, context });
    expect(interrupted.skipped.find((skip) => skip.kind === 'failed')).toMatchObject({
      subject: `run ${PARENT} in experiment 'churn-model'`,
      reason: expect.stringMatching(/importing metrics failed: disk unplugged; .*next import resumes it/),
    });
    const partial = await store.getRun(PARENT);
    expect(tagMap(partial)[IMPORT_SOURCE_TAG]).toBeUndefined();
    expect((await history(store, PARENT, 'loss')).length).toBeLessThan(5);

    const resumed = await importInto({ store, context });
    // The logged model came in with the interrupted import: its points went to the unfinished run.
    expect(resumed).toMatchObject({ runs: 1, runsResumed: 1, metricPoints: 11, artifactFiles: 4, loggedModels: 0 });
    const complete = await store.getRun(PARENT);
    expect(tagMap(complete)[IMPORT_SOURCE_TAG]).toBe(mlruns);
    expect(await history(store, PARENT, 'loss')).toHaveLength(5);
    const counts = context.database.connection
      .prepare('SELECT s.key, s.point_count AS n FROM metric_series s WHERE s.run_uuid = ? ORDER BY s.key')
      .all(PARENT) as { key: string; n: number }[];
    expect(counts).toEqual([
      { key: 'acc', n: 1 },
      { key: 'accuracy', n: 1 },
      { key: 'eval/loss', n: 2 },
      { key: 'loss', n: 5 },
      { key: 'val_f1', n: 2 },
    ]);
    expect((await context.loggedModels.getLoggedModel(MODEL)).metrics).toHaveLength(3);
    expect(complete.datasets).toHaveLength(1);
  });

  it('writes nothing in a dry run, and reports what a real import would bring', async () => {
    // A data folder without a database is a fresh Cairn: an empty database in memory stands in for it.
    const fresh = openDatabase(':memory:');
    const { store: freshStore, registry, loggedModels } = createDatabaseStores(fresh);
    const dry = await importMlflowFileStore({ source: mlruns, store: freshStore, artifacts: null, registry, loggedModels, dryRun: true });
    fresh.close();
    expect(fs.existsSync(dataDir)).toBe(false);

    const real = await importInto(open());
    const { skipped: drySkipped, elapsedMs: _dryMs, dryRun, ...dryCounts } = dry;
    const { skipped: realSkipped, elapsedMs: _realMs, dryRun: _realDry, ...realCounts } = real;
    expect(dryRun).toBe(true);
    expect(dryCounts).toEqual(realCounts);
    expect(drySkipped.map((skip) => skip.subject).sort()).toEqual(realSkipped.map((skip) => skip.subject).sort());
  });

  it('in a dry run over an imported data folder, finds everything already there and changes nothing', async () => {
    const { store, context } = open();
    await importInto({ store, context });
    const before = tableCounts(context);
    const dry = await importInto({ store, context }, { dryRun: true });
    expect(dry).toMatchObject({ dryRun: true, runs: 0, metricPoints: 0, loggedModels: 0, loggedModelMetricPoints: 0, modelVersions: 0 });
    expect(tableCounts(context)).toEqual(before);
  });

  it('imports one experiment with --experiment, leaving out the registry', async () => {
    const { store, context } = open();
    const summary = await importInto({ store, context }, { experimentName: 'old-experiment' });
    expect(summary).toMatchObject({ experimentsCreated: 1, runs: 1, loggedModels: 1, registeredModels: 0 });
    expect(summary.skipped).toEqual([expect.objectContaining({ kind: 'unsupported', subject: 'the model registry' })]);
    expect((await store.listExperiments('ALL')).map((e) => e.name).sort()).toEqual(['Default', 'old-experiment']);
    await expect(importInto({ store, context }, { experimentName: 'nope' })).rejects.toMatchObject({ code: 'RESOURCE_DOES_NOT_EXIST' });
  });

  it('refuses a folder that is not an MLflow file store, and finds mlruns inside a project folder', async () => {
    const empty = path.join(dir, 'empty');
    fs.mkdirSync(empty);
    const { store } = open();
    await expect(importMlflowFileStore({ source: empty, store, artifacts: null, registry: null, loggedModels: null, dryRun: true })).rejects.toMatchObject({
      code: 'INVALID_PARAMETER_VALUE',
    });
    const summary = await importMlflowFileStore({ source: path.dirname(mlruns), store, artifacts: null, registry: null, loggedModels: null, dryRun: true });
    expect(summary.source).toBe(mlruns);
    expect(summary.skipped).toContainEqual(
      expect.objectContaining({ kind: 'unsupported', subject: "registered model 'churn-classifier' (3 version(s))", reason: 'no model registry store is available' }),
    );
  });

  it('skips the runs of a source experiment whose Cairn namesake is deleted', async () => {
    const { store, context } = open();
    const existing = await store.createExperiment({ name: 'churn-model' });
    await store.deleteExperiment(existing.experimentId);
    const summary = await importInto({ store, context });
    expect(summary.skipped).toContainEqual(
      expect.objectContaining({ kind: 'conflict', subject: "experiment 'churn-model' and its 4 run(s) and 2 logged model(s)" }),
    );
    await expect(store.getRun(PARENT)).rejects.toMatchObject({ code: 'RESOURCE_DOES_NOT_EXIST' });
    // Version 1's run was not imported, so its source stays as MLflow recorded it.
    expect((await context.registry.getModelVersion('churn-classifier', '1')).source).toBe(
      `file://${OLD_LOCATION}/${EXPERIMENT}/${PARENT}/artifacts/model`,
    );
    await expect(context.loggedModels.getLoggedModel(MODEL)).rejects.toMatchObject({ code: 'RESOURCE_DOES_NOT_EXIST' });
    expect(await context.registry.getModelVersionDownloadUri('churn-classifier', '3')).toMatch(/^file:\/\//);
  });
});

describe('symbolic links in the mlruns folder', () => {
  const SECRET = '-----BEGIN OPENSSH PRIVATE KEY-----\nfake key for the symlink test\n-----END OPENSSH PRIVATE KEY-----\n';
  const LINKED_RUN = '77b2c3d4e5f60718293a4b5c6d7e8f77';
  let outside: string;

  /** Real links: out of the folder (a file, a folder, a meta.yaml, a run's artifacts folder, a whole experiment), inside it, broken, and loops. */
  function writeLinks(): void {
    outside = path.join(dir, 'home', 'ana');
    fs.mkdirSync(path.join(outside, '.ssh'), { recursive: true });
    fs.writeFileSync(path.join(outside, '.ssh', 'id_rsa'), SECRET);
    fs.writeFileSync(path.join(outside, 'meta.yaml'), `run_id: ${LINKED_RUN}\nexperiment_id: '${EXPERIMENT}'\nstatus: 3\n`);
    writeMlflowExperiment(path.join(outside, 'elsewhere'), { experimentId: '99', name: 'private-experiment' });

    const artifacts = path.join(mlruns, EXPERIMENT, PARENT, 'artifacts');
    fs.symlinkSync(path.join(outside, '.ssh', 'id_rsa'), path.join(artifacts, 'id_rsa'));
    fs.symlinkSync('../../../..', path.join(artifacts, 'project'));
    fs.symlinkSync('..', path.join(artifacts, 'model', 'again'));
    fs.symlinkSync('self', path.join(artifacts, 'self'));
    fs.symlinkSync('nowhere', path.join(artifacts, 'gone'));
    fs.symlinkSync('README.txt', path.join(artifacts, 'README-link.txt'));
    fs.symlinkSync('model', path.join(artifacts, 'model-copy'));
    fs.symlinkSync(path.join(outside, '.ssh', 'id_rsa'), path.join(mlruns, EXPERIMENT, PARENT, 'params', 'ssh_key'));
    const childArtifacts = path.join(mlruns, EXPERIMENT, CHILD, 'artifacts');
    fs.rmSync(childArtifacts, { recursive: true });
    fs.symlinkSync(path.join(outside, '.ssh'), childArtifacts);
    const linkedRun = path.join(mlruns, EXPERIMENT, LINKED_RUN);
    fs.mkdirSync(linkedRun);
    fs.symlinkSync(path.join(outside, 'meta.yaml'), path.join(linkedRun, 'meta.yaml'));
    fs.symlinkSync(path.join(outside, 'elsewhere', '99'), path.join(mlruns, '99'));
  }

  function linkSkips(summary: MlflowImportSummary): string[][] {
    return summary.skipped
      .filter((skip) => skip.kind === 'symlink')
      .map((skip) => [skip.subject, skip.target!, skip.reason.replace(/^it (points outside the mlruns folder|points back to|points to)\b.*$/s, '$1')])
      .sort();
  }

  function everyFileUnder(folder: string): Buffer[] {
    return fs.readdirSync(folder, { recursive: true, withFileTypes: true })
      .filter((entry) => entry.isFile())
      .map((entry) => fs.readFileSync(path.join(entry.parentPath, entry.name)));
  }

  beforeEach(() => writeLinks());

  const expectedLinks = () =>
    [
      [`symbolic link ${path.join(EXPERIMENT, PARENT, 'artifacts', 'id_rsa')}`, path.join(outside, '.ssh', 'id_rsa'), 'points outside the mlruns folder'],
      [`symbolic link ${path.join(EXPERIMENT, PARENT, 'artifacts', 'project')}`, path.join(dir, 'project'), 'points outside the mlruns folder'],
      [`symbolic link ${path.join(EXPERIMENT, PARENT, 'artifacts', 'model', 'again')}`, path.join(mlruns, EXPERIMENT, PARENT, 'artifacts'), 'points back to'],
      // The same loop, met again through the model-copy link (which is followed: it stays inside).
      [`symbolic link ${path.join(EXPERIMENT, PARENT, 'artifacts', 'model-copy', 'again')}`, path.join(mlruns, EXPERIMENT, PARENT, 'artifacts'), 'points back to'],
      [`symbolic link ${path.join(EXPERIMENT, PARENT, 'artifacts', 'self')}`, path.join(mlruns, EXPERIMENT, PARENT, 'artifacts', 'self'), 'points back to'],
      [`symbolic link ${path.join(EXPERIMENT, PARENT, 'artifacts', 'gone')}`, path.join(mlruns, EXPERIMENT, PARENT, 'artifacts', 'nowhere'), 'points to'],
      [`symbolic link ${path.join(EXPERIMENT, PARENT, 'params', 'ssh_key')}`, path.join(outside, '.ssh', 'id_rsa'), 'points outside the mlruns folder'],
      [`symbolic link ${path.join(EXPERIMENT, CHILD, 'artifacts')}`, path.join(outside, '.ssh'), 'points outside the mlruns folder'],
      [`symbolic link ${path.join(EXPERIMENT, LINKED_RUN, 'meta.yaml')}`, path.join(outside, 'meta.yaml'), 'points outside the mlruns folder'],
      [`symbolic link 99`, path.join(outside, 'elsewhere', '99'), 'points outside the mlruns folder'],
    ].sort();

  it('copies nothing a link outside the folder points at, follows links that stay inside, and reports every link it left out', async () => {
    const { store, context } = open();
    const summary = await importInto({ store, context });

    expect(linkSkips(summary)).toEqual(expectedLinks());
    // The key is nowhere in Cairn's data folder: not as an artifact, not as a param, not in the database.
    const marker = Buffer.from('fake key for the symlink test');
    expect(everyFileUnder(dataDir).filter((bytes) => bytes.includes(marker))).toHaveLength(0);
    const churn = (await store.getExperimentByName('churn-model'))!;
    expect(filesUnder(path.join(dataDir, 'artifacts', churn.experimentId, PARENT, 'artifacts'))).toEqual([
      'README-link.txt',
      'README.txt',
      path.join('model-copy', 'MLmodel'),
      path.join('model-copy', 'model.pkl'),
      path.join('model', 'MLmodel'),
      path.join('model', 'model.pkl'),
      'roc.png',
    ]);
    expect(fs.readFileSync(path.join(dataDir, 'artifacts', churn.experimentId, PARENT, 'artifacts', 'README-link.txt'), 'utf8')).toBe('read me');
    expect((await store.getRun(PARENT)).params.map((param) => param.key)).toEqual(['epochs', 'lr', 'optimizer/name']);
    // The run whose artifacts folder leads out is imported without its artifacts; the one whose meta.yaml does is not imported.
    expect(filesUnder(path.join(dataDir, 'artifacts', churn.experimentId, CHILD))).toEqual([]);
    expect((await store.getRun(CHILD)).info.runName).toBe('child-lr-0.1');
    await expect(store.getRun(LINKED_RUN)).rejects.toMatchObject({ code: 'RESOURCE_DOES_NOT_EXIST' });
    expect(summary.skipped).toContainEqual(
      expect.objectContaining({ kind: 'malformed', subject: `run folder ${LINKED_RUN} in experiment 'churn-model'`, path: path.join(mlruns, EXPERIMENT, LINKED_RUN, 'meta.yaml') }),
    );
    expect((await store.listExperiments('ALL')).map((experiment) => experiment.name)).not.toContain('private-experiment');
    // Three more artifact files than without the links: README-link.txt and model-copy's two files.
    expect(summary.artifactFiles).toBe(7 + 3);
  });

  it('reports the same links in a dry run, and reads nothing they point at', async () => {
    const fresh = openDatabase(':memory:');
    const { store: freshStore, registry, loggedModels } = createDatabaseStores(fresh);
    const dry = await importMlflowFileStore({ source: mlruns, store: freshStore, artifacts: null, registry, loggedModels, dryRun: true });
    fresh.close();
    expect(linkSkips(dry)).toEqual(expectedLinks());
    expect(dry.artifactFiles).toBe(7 + 3);
    expect(fs.existsSync(dataDir)).toBe(false);
  });
});
