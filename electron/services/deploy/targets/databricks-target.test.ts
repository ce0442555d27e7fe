// The Databricks target against a workspace made of local peers: its MLflow is a second, real
// Cairn tracking server (checking the same bearer token), which the target registers into through
// MLflow's REST API and artifact proxy; its Model Serving is a fake following the
// serving-endpoints API 2.0 whose served entities really serve the copied version (Cairn's local
// endpoint host with Debian's Python). The scikit-learn example is deployed, scored, updated
// (throttling retried), a version that cannot load refused while the old one serves, rolled back
// by moving traffic, and deleted; bad tokens and a busy endpoint give actionable errors.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DeploymentOperation } from '../../../../shared/deployments';
import { FakeDatabricks } from '../../../../test-support/cloud-peers/fake-databricks';
import { startTestTrackingServer, type TestTrackingServer } from '../../tracking-api/test-tracking-server';
import { DeployTargets } from '../deploy-targets';
import { DeploymentService } from '../deployment-service';
import type { SecretName, SecretStore } from '../secrets/secret-store';
import { bundleEndpointHost, crashingModelFiles, pythonPredictions, registerModelFiles, stopEveryEndpoint, TEST_PYTHON, trainExample } from '../test-deploy-fixture';

const MODEL = 'digits-classifier';
const TOKEN = 'dapi0123456789abcdef0123456789abcdef';
const COLUMNS = Array.from({ length: 64 }, (_, i) => `pixel_${i}`);

let server: TestTrackingServer;
let workspace: TestTrackingServer;
let fake: FakeDatabricks;
let rows: number[][];
const savedEnv = { ...process.env };

/** A secret store holding given values, as the desktop app's keychain would. */
class MemorySecretStore implements SecretStore {
  readonly persistent = true;
  readonly values = new Map<string, string>();
  async get(name: SecretName) {
    return this.values.get(name) ?? null;
  }
  async set(name: SecretName, value: string) {
    this.values.set(name, value);
  }
  async delete(name: SecretName) {
    this.values.delete(name);
  }
}

function newService(secrets: SecretStore): DeploymentService {
  const context = server.context;
  return new DeploymentService({
    database: server.database,
    stores: { registry: context.registry, artifacts: context.artifacts, tracker: context.store, loggedModels: context.loggedModels },
    targets: new DeployTargets({
      dataDir: server.dataDir,
      localLauncher: { lifetime: 'independent', launch: () => { throw new Error('these tests deploy to Databricks only'); } },
      defaultPython: TEST_PYTHON,
      keepRunningByDefault: false,
      secrets,
    }),
    dataDir: server.dataDir,
    via: 'api',
    secrets,
  });
}

const settings = (extra: Record<string, string> = {}) => ({ host: fake.url, poll_seconds: '0.1', timeout_seconds: '120', ...extra });

async function finished(job: Promise<{ done: Promise<DeploymentOperation> }>): Promise<DeploymentOperation> {
  return (await job).done;
}

function stepNames(operation: DeploymentOperation): string[] {
  return operation.steps.map((step) => `${step.name}:${step.outcome}`);
}

async function exampleFolder(version: string): Promise<string> {
  const uri = await server.context.registry.getModelVersionDownloadUri(MODEL, version);
  const run = await server.store.getRun(/^runs:\/([^/]+)/.exec(uri)![1]!);
  return server.context.artifacts.artifactFilePath(run.info.artifactUri, 'model');
}

beforeAll(async () => {
  server = await startTestTrackingServer();
  workspace = await startTestTrackingServer({ token: TOKEN });
  fake = await FakeDatabricks.start({ token: TOKEN, mlflowUrl: workspace.url, launcher: await bundleEndpointHost(), python: TEST_PYTHON });
  expect(await trainExample(server.url, ['--alpha', '0.0001'])).toBe('1');
  expect(await trainExample(server.url, ['--alpha', '0.05'])).toBe('2');
  // A version whose pickle ends Python while it loads: the served entity cannot start.
  expect(await registerModelFiles(server.context, MODEL, crashingModelFiles(await exampleFolder('1')))).toBe('3');
  const example = JSON.parse(fs.readFileSync(path.join(await exampleFolder('1'), 'input_example.json'), 'utf8')) as { data: number[][] };
  rows = [...example.data, example.data[0]!.map((value) => 1 - value)];
  // No token from the environment or a profile: each test says where its token comes from.
  delete process.env.DATABRICKS_TOKEN;
  delete process.env.DATABRICKS_HOST;
  process.env.DATABRICKS_CONFIG_FILE = path.join(server.dataDir, 'no-databrickscfg');
}, 240_000);

afterAll(async () => {
  await fake?.close();
  if (server) await stopEveryEndpoint(server.dataDir);
  await workspace?.close();
  await server?.close();
  process.env = savedEnv;
}, 60_000);

describe('Databricks target', { timeout: 180_000 }, () => {
  const secrets = new MemorySecretStore();
  let service: DeploymentService;

  it('tells what is wrong before saving: no token, a refused token, then every check passing', async () => {
    service = newService(secrets);
    const none = await service.testConnection('databricks', settings());
    expect(none.ok).toBe(false);
    expect(none.checks[1]).toMatchObject({ name: 'token', ok: false });
    expect(none.checks[1]!.message).toMatch(/No Databricks token: keep a personal access token .*DATABRICKS_TOKEN/);

    await service.setTargetSecret('databricks', 'token', 'dapi-wrong-token-000000');
    const wrong = await service.testConnection('databricks', settings());
    expect(wrong.checks[1]!.message).toMatch(/PERMISSION_DENIED \(HTTP 403\): Invalid access token\. The token is invalid or expired: create a new personal access token/);
    expect(JSON.stringify(wrong)).not.toContain('dapi-wrong-token-000000');

    await service.setTargetSecret('databricks', 'token', TOKEN);
    expect(await service.targetSecrets('databricks')).toEqual([{ key: 'token', inKeychain: true }]);
    const good = await service.testConnection('databricks', settings());
    expect(good).toMatchObject({ ok: true });
    expect(good.checks.map((c) => c.name)).toEqual(['settings', 'token', 'experiment', 'registry']);
    expect(good.checks[1]!.message).toContain('the token kept in the OS keychain');

    const bad = await service.testConnection('databricks', settings({ host: 'http://example.com', workload_size: 'Huge' }));
    expect(bad.checks[0]!.message).toMatch(/host must be an https:\/\/ URL.*workload_size must be Small, Medium or Large, got 'Huge'/);
  });

  it('copies the version into the workspace registry through MLflow, serves it, and scores through invocations', async () => {
    const created = await finished(service.create({ name: 'digits', target: 'databricks', modelUri: `models:/${MODEL}/1`, config: settings() }));
    expect(created.error).toBeNull();
    expect(stepNames(created)).toEqual([
      'resolve-model:succeeded',
      'copy-model:succeeded',
      'check-endpoint:succeeded',
      'upload-model:succeeded',
      'register-model:succeeded',
      'create-endpoint:succeeded',
      'wait-ready:succeeded',
    ]);
    // The workspace's MLflow holds a new registered version whose files are the example's.
    const version = await workspace.get('model-versions/get', { name: MODEL, version: '1' });
    expect(version.json.model_version).toMatchObject({ name: MODEL, version: '1', status: 'READY' });
    expect(version.json.model_version.source).toMatch(/^mlflow-artifacts:\/\d+\/\w+\/artifacts\/model$/);
    const source = version.json.model_version.source.slice('mlflow-artifacts:/'.length);
    const pickle = await fetch(`${workspace.url}/api/2.0/mlflow-artifacts/artifacts/${source}/model.pkl`, { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(Buffer.from(await pickle.arrayBuffer()).equals(fs.readFileSync(path.join(await exampleFolder('1'), 'model.pkl')))).toBe(true);

    const status = await service.status('digits');
    expect(status).toMatchObject({ health: 'serving', deployment: { endpointUrl: `${fake.url}/serving-endpoints/digits/invocations` } });
    expect(status.message).toMatch(/digits is READY, config update NOT_UPDATING; traffic: digits-classifier-1 100 %/);

    const answer = await service.predict('digits', { json: { dataframe_split: { columns: COLUMNS, data: rows } } });
    expect(answer.status).toBe(200);
    expect((answer.json as { predictions: number[] }).predictions).toEqual(pythonPredictions(await exampleFolder('1'), COLUMNS, rows));
  });

  it('updates with throttling retried: the new version is beside the old one, with all the traffic', async () => {
    fake.throttle(/^PUT \/api\/2\.0\/serving-endpoints\/digits\/config$/, 2);
    const updated = await finished(service.update({ name: 'digits', modelUri: `models:/${MODEL}/2` }));
    expect(updated.error).toBeNull();
    expect(updated.steps.find((s) => s.name === 'wait-ready')!.detail).toMatch(/2 requests throttled or refused for a moment, retried with backoff/);
    const endpoint = fake.endpoints.get('digits')!;
    expect(endpoint.config!.served_entities.map((e) => e.name)).toEqual(['digits-classifier-2', 'digits-classifier-1']);
    expect(endpoint.config!.traffic_config.routes).toEqual([
      { served_model_name: 'digits-classifier-2', traffic_percentage: 100 },
      { served_model_name: 'digits-classifier-1', traffic_percentage: 0 },
    ]);
    const answer = await service.predict('digits', { json: { dataframe_split: { columns: COLUMNS, data: rows } } });
    expect((answer.json as { predictions: number[] }).predictions).toEqual(pythonPredictions(await exampleFolder('2'), COLUMNS, rows));
  });

  it('refuses a busy endpoint, and a version that cannot load leaves the old one serving with the reason', async () => {
    const endpoint = fake.endpoints.get('digits')!;
    endpoint.configUpdate = 'IN_PROGRESS';
    const busy = await finished(service.update({ name: 'digits', modelUri: `models:/${MODEL}/1` }));
    endpoint.configUpdate = 'NOT_UPDATING';
    expect(busy.error).toMatch(/being updated already \(config_update IN_PROGRESS\): wait for that update to end/);

    const broken = await finished(service.update({ name: 'digits', modelUri: `models:/${MODEL}/3` }));
    expect(broken.outcome).toBe('failed');
    expect(broken.error).toMatch(/config update failed: digits-classifier-\d+ DEPLOYMENT_FAILED: Served entity creation failed.*The previous config goes on serving \(digits-classifier-2 100 %/);
    const answer = await service.predict('digits', { json: { dataframe_split: { columns: COLUMNS, data: rows } } });
    expect((answer.json as { predictions: number[] }).predictions).toEqual(pythonPredictions(await exampleFolder('2'), COLUMNS, rows));
    expect((await service.status('digits')).deployment.model).toMatchObject({ version: '2' });
  });

  it('rolls back by sending the traffic to the previous served entity, without copying anything', async () => {
    const uploadsBefore = fake.calls.filter((c) => c.method === 'PUT' && c.path.startsWith('/api/2.0/mlflow-artifacts/')).length;
    const rolledBack = await finished(service.rollback({ name: 'digits' }));
    expect(rolledBack.error).toBeNull();
    expect(stepNames(rolledBack)).toContain('switch-traffic:succeeded');
    expect(stepNames(rolledBack)).not.toContain('upload-model:succeeded');
    expect(fake.calls.filter((c) => c.method === 'PUT' && c.path.startsWith('/api/2.0/mlflow-artifacts/')).length).toBe(uploadsBefore);
    expect(fake.endpoints.get('digits')!.config!.traffic_config.routes).toContainEqual({ served_model_name: 'digits-classifier-1', traffic_percentage: 100 });
    const answer = await service.predict('digits', { json: { dataframe_split: { columns: COLUMNS, data: rows } } });
    expect((answer.json as { predictions: number[] }).predictions).toEqual(pythonPredictions(await exampleFolder('1'), COLUMNS, rows));
    expect((await service.status('digits')).deployment.model).toMatchObject({ version: '1' });
  });

  it('a cancelled update is waited for and reverted to the previous config (revert-update); a new update is taken at once', async () => {
    const endpoint = fake.endpoints.get('digits')!;
    const routesBefore = endpoint.config!.traffic_config.routes;
    const job = await service.update({ name: 'digits', modelUri: `models:/${MODEL}/2` });
    // Cancel once Databricks has the new config (its update under way, which the API cannot stop).
    for (const started = Date.now(); endpoint.configUpdate !== 'IN_PROGRESS'; ) {
      expect(Date.now() - started, 'the update never reached the endpoint').toBeLessThan(60_000);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    service.cancel(job.operation.id);
    const cancelled = await job.done;
    expect(cancelled.outcome).toBe('cancelled');
    expect(stepNames(cancelled).slice(-2)).toEqual(['wait-ready:cancelled', 'revert-update:succeeded']);
    expect(cancelled.steps.at(-1)!.detail).toMatch(/^The update had finished; the previous config is back: .*digits-classifier-1 100 %/);
    expect(endpoint.configUpdate).toBe('NOT_UPDATING');
    expect(endpoint.config!.traffic_config.routes).toEqual(routesBefore);
    const serving = await service.predict('digits', { json: { dataframe_split: { columns: COLUMNS, data: rows } } });
    expect((serving.json as { predictions: number[] }).predictions).toEqual(pythonPredictions(await exampleFolder('1'), COLUMNS, rows));
    expect((await service.status('digits')).deployment.model).toMatchObject({ version: '1' });

    const again = await finished(service.update({ name: 'digits', modelUri: `models:/${MODEL}/2` }));
    expect(again.error).toBeNull();
    const answer = await service.predict('digits', { json: { dataframe_split: { columns: COLUMNS, data: rows } } });
    expect((answer.json as { predictions: number[] }).predictions).toEqual(pythonPredictions(await exampleFolder('2'), COLUMNS, rows));
  });

  it('answers a request the model cannot read with the model\'s 400, and deletes the endpoint', async () => {
    const refused = await service.predict('digits', { json: { dataframe_split: { columns: ['nope'], data: [[1]] } } });
    expect(refused.status).toBe(400);
    const deleted = await finished(service.delete({ name: 'digits' }));
    expect(deleted.error).toBeNull();
    expect(deleted.steps.find((s) => s.name === 'delete-endpoint')!.detail).toMatch(/Deleted digits .*registry stay/);
    expect(fake.endpoints.has('digits')).toBe(false);
    expect(fake.entities.size).toBe(0);
  });

  it('uses DATABRICKS_TOKEN when the keychain holds none, and names a missing endpoint in words', async () => {
    const plain = newService(new MemorySecretStore());
    process.env.DATABRICKS_TOKEN = TOKEN;
    try {
      const check = await plain.testConnection('databricks', settings());
      expect(check.checks[1]!.message).toContain('The workspace accepted DATABRICKS_TOKEN');
    } finally {
      delete process.env.DATABRICKS_TOKEN;
    }
    const gone = await service.status('digits');
    expect(gone.health).not.toBe('serving');
  });
});
