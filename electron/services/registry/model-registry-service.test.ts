// Registry work over the example's runs (trained with Debian's python3 against a real tracking
// server): registering, aliases, stages, lineage, comparison and deletion plans; every change is
// visible at once through the MLflow API that `mlflow` clients use.
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Deployment } from '../../../shared/deployments';
import { trainExample } from '../deploy/test-deploy-fixture';
import { startTestTrackingServer, type TestTrackingServer } from '../tracking-api/test-tracking-server';
import { ModelRegistryService } from './model-registry-service';

let server: TestTrackingServer;
let service: ModelRegistryService;
let deployments: Deployment[] = [];
let runA: string;
let runB: string;

beforeAll(async () => {
  server = await startTestTrackingServer();
  await trainExample(server.url, ['--alpha', '0.0001']);
  await trainExample(server.url, ['--alpha', '0.01', '--epochs', '5']);
  const versions = await server.context.registry.searchModelVersions({ filter: "name = 'digits-classifier'", orderBy: ['version_number ASC'] });
  [runA, runB] = versions.items.map((v) => v.runId!) as [string, string];
  service = new ModelRegistryService({
    registry: server.context.registry,
    tracker: server.store,
    loggedModels: server.context.loggedModels,
    deployments: () => deployments,
  });
}, 240_000);

afterAll(async () => {
  await server?.close();
});

it("registers a run's model as a new model with an alias, and as a new version of it; mlflow clients see both at once", async () => {
  const first = await service.register({ name: 'digits-prod', source: `runs:/${runA}/model`, description: 'first cut', alias: 'champion' });
  expect(first).toMatchObject({ name: 'digits-prod', version: '1', runId: runA, description: 'first cut', aliases: ['champion'] });
  const second = await service.register({ name: 'digits-prod', source: `runs:/${runB}/model`, tags: [{ key: 'team', value: 'vision' }] });
  expect(second).toMatchObject({ version: '2', runId: runB, tags: [{ key: 'team', value: 'vision' }] });
  const alias = await server.get('registered-models/alias', { name: 'digits-prod', alias: 'champion' });
  expect(alias.json.model_version.version).toBe('1');

  await expect(service.register({ name: 'digits-prod', source: 'runs:/no-such-run/model' })).rejects.toThrow(/no-such-run/);
  await expect(service.register({ name: 'digits-prod', source: 's3://bucket/model' })).rejects.toThrow(/Register from a run/);
  expect((await server.context.registry.getRegisteredModel('digits-prod')).latestVersions.map((v) => v.version)).toEqual(['2']);
});

it('registers an MLflow 3 logged model', async () => {
  const run = await server.store.getRun(runB);
  const logged = await server.context.loggedModels.createLoggedModel({ experimentId: run.info.experimentId, name: 'sgd', sourceRunId: runB });
  const version = await service.register({ name: 'digits-logged', source: `models:/${logged.modelId}` });
  expect(version).toMatchObject({ version: '1', modelId: logged.modelId, runId: runB });
  const lineage = await service.lineage('digits-logged', '1');
  expect(lineage.loggedModel?.modelId).toBe(logged.modelId);
  expect(lineage.run?.runId).toBe(runB);
});

it('moves and deletes aliases, transitions stages, archives, and edits descriptions and tags', async () => {
  expect(await service.setAlias('digits-prod', 'champion', '2')).toBe('1');
  expect(await service.setAlias('digits-prod', 'challenger', '1')).toBeNull();
  let versions = (await server.get('model-versions/search', { filter: "name='digits-prod'" })).json.model_versions;
  expect(Object.fromEntries(versions.map((v: any) => [v.version, v.aliases ?? []]))).toEqual({ '1': ['challenger'], '2': ['champion'] });
  await service.deleteAlias('digits-prod', 'challenger');

  await service.transitionStage('digits-prod', '1', 'Production');
  await service.transitionStage('digits-prod', '2', 'Production', true);
  versions = (await server.get('model-versions/search', { filter: "name='digits-prod'" })).json.model_versions;
  expect(Object.fromEntries(versions.map((v: any) => [v.version, v.current_stage]))).toEqual({ '1': 'Archived', '2': 'Production' });
  expect((await service.archive('digits-prod', '2')).currentStage).toBe('Archived');

  await service.setDescription('digits-prod', undefined, 'Digits, in production');
  await service.setDescription('digits-prod', '2', 'alpha 0.01');
  await service.setTag('digits-prod', undefined, 'owner', 'ml-team');
  await service.setTag('digits-prod', '2', 'team', null);
  const model = (await server.get('registered-models/get', { name: 'digits-prod' })).json.registered_model;
  expect(model.description).toBe('Digits, in production');
  expect(model.tags).toEqual([{ key: 'owner', value: 'ml-team' }]);
  const two = await server.context.registry.getModelVersion('digits-prod', '2');
  expect(two.description).toBe('alpha 0.01');
  expect(two.tags).toEqual([]);
});

it("shows a version's lineage: run, experiment, datasets and pipeline stage", async () => {
  const lineage = await service.lineage('digits-prod', '1');
  expect(lineage.run).toMatchObject({ runId: runA, runName: 'sgd-alpha-0.0001', experimentName: 'sklearn-digits', status: 'FINISHED', sourceName: 'examples/train_sklearn.py' });
  expect(lineage.datasets.map((d) => [d.name, d.context])).toEqual([['digits', 'training']]);
  expect(lineage.pipelineStage).toBeNull();
  expect(lineage.gaps).toEqual([]);

  await server.store.logBatch(runA, { tags: [{ key: 'cairn.pipeline.project', value: 'digits' }, { key: 'cairn.pipeline.stage', value: 'train' }] });
  expect((await service.lineage('digits-prod', '1')).pipelineStage).toEqual({ project: 'digits', stage: 'train', execution: null });

  await server.store.deleteRun(runA);
  expect((await service.lineage('digits-prod', '1')).gaps).toContain('The run is in the trash.');
  await server.store.restoreRun(runA);
});

it("compares two versions' params, metrics and datasets", async () => {
  const comparison = await service.compare({ name: 'digits-prod', version: '1' }, { name: 'digits-prod', version: '2' });
  const param = (key: string) => comparison.params.find((p) => p.key === key)!;
  expect(param('alpha')).toEqual({ key: 'alpha', a: '0.0001', b: '0.01', differs: true });
  expect(param('epochs')).toEqual({ key: 'epochs', a: '3', b: '5', differs: true });
  expect(param('model')).toEqual({ key: 'model', a: 'SGDClassifier', b: 'SGDClassifier', differs: false });
  const accuracy = comparison.metrics.find((m) => m.key === 'test_accuracy')!;
  expect(accuracy.a).toBeGreaterThan(0.5);
  expect(accuracy.delta).toBeCloseTo(accuracy.b! - accuracy.a!, 12);
  expect(comparison.datasets).toEqual([{ key: 'digits', a: expect.stringContaining('(training)'), b: expect.stringContaining('(training)'), differs: false }]);
});

it('says what a deletion removes, deployments included, before deleting', async () => {
  deployments = [
    {
      name: 'web',
      target: 'local',
      config: {},
      state: 'serving',
      endpointUrl: 'http://127.0.0.1:1',
      model: { name: 'digits-prod', version: '2', uri: 'models:/digits-prod@champion' },
      previousModel: { name: 'digits-prod', version: '1', uri: 'models:/digits-prod/1' },
      servingSince: 1,
      createdAt: 1,
      createdBy: { user: 'me', via: 'app' },
      updatedAt: 1,
      lastOperation: null,
    },
  ];
  const plan = await service.planDeletion('digits-prod', '2');
  expect(plan.versions.map((v) => v.version)).toEqual(['2']);
  expect(plan.aliases).toEqual(['champion']);
  expect(plan.deployments).toEqual([{ name: 'web', target: 'local', version: '2', serving: true }]);
  expect(plan.summary).toContain('Deletes digits-prod version 2, the alias @champion.');
  expect(plan.summary).toContain('Deployment web (local) serves version 2');

  const whole = await service.planDeletion('digits-prod');
  expect(whole.versions.map((v) => v.version)).toEqual(['1', '2']);
  expect(whole.deployments).toHaveLength(2);
  expect(whole.summary).toContain('the registered model digits-prod with its 2 versions');
  // Planning changed nothing.
  expect((await server.get('registered-models/get', { name: 'digits-prod' })).status).toBe(200);

  await service.delete('digits-prod', '2');
  expect((await server.get('model-versions/get', { name: 'digits-prod', version: '2' })).status).toBe(404);
  await service.delete('digits-prod');
  expect((await server.get('registered-models/get', { name: 'digits-prod' })).status).toBe(404);
  expect((await server.store.getRun(runA)).info.lifecycleStage).toBe('active');
});
