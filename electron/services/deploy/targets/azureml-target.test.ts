// The Azure ML target against local peers: the model's files uploaded to a real azurite (which
// checks Shared Key signatures), Entra ID and ARM a fake over HTTPS following Azure ML's published
// REST contract (tokens, api-version, long-running operations, provisioningState, error bodies),
// whose deployments really serve the example model (a Python worker behind Cairn's local target).
// Create, predict through the scoring URI with the endpoint key, an update beside the current
// deployment with throttling retried, a deployment ending Failed (ResourceNotReady), one out of
// quota and one without capacity in the region, each leaving the current one serving, rollback by
// moving traffic, bad credentials, delete.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DeploymentEvent, DeploymentOperation } from '../../../../shared/deployments';
import { startAzureMlPeers, type AzureMlPeers } from '../../../../test-support/cloud-peers/fake-azureml';
import { startTestTrackingServer, type TestTrackingServer } from '../../tracking-api/test-tracking-server';
import { DeployTargets } from '../deploy-targets';
import { DeploymentService } from '../deployment-service';
import type { EndpointHostLauncher } from '../local/endpoint-host-launcher';
import type { SecretName, SecretStore } from '../secrets/secret-store';
import { bundleEndpointHost, pythonPredictions, registerModelFiles, TEST_PYTHON, trainExample, unmetRequirementsFiles } from '../test-deploy-fixture';

const MODEL = 'digits-classifier';
const COLUMNS = Array.from({ length: 64 }, (_, i) => `pixel_${i}`);
const savedEnv = { ...process.env };

let server: TestTrackingServer;
let launcher: EndpointHostLauncher;
let peers: AzureMlPeers;

/** A secret store holding given values, as the desktop app's keychain would. */
class MemorySecretStore implements SecretStore {
  readonly persistent = true;
  constructor(private readonly values: Map<string, string>) {}
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

function newService(secrets?: SecretStore): DeploymentService {
  const context = server.context;
  return new DeploymentService({
    database: server.database,
    stores: { registry: context.registry, artifacts: context.artifacts, tracker: context.store, loggedModels: context.loggedModels },
    targets: new DeployTargets({ dataDir: server.dataDir, localLauncher: launcher, defaultPython: TEST_PYTHON, keepRunningByDefault: false, secrets }),
    dataDir: server.dataDir,
    via: 'api',
    secrets,
  });
}

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

async function blobNames(): Promise<string[]> {
  const names: string[] = [];
  for await (const blob of peers.fake.container().listBlobsFlat()) names.push(blob.name);
  return names.sort();
}

describe('Azure ML target', { timeout: 180_000 }, () => {
  let service: DeploymentService;
  const events: DeploymentEvent[] = [];
  let rows: number[][];
  let v1: number[];
  let v2: number[];
  let unloadable: string;

  beforeAll(async () => {
    server = await startTestTrackingServer();
    launcher = await bundleEndpointHost();
    peers = await startAzureMlPeers(launcher, TEST_PYTHON);
    // The client secret from the environment, as the Azure SDK's EnvironmentCredential reads it.
    process.env.AZURE_CLIENT_SECRET = peers.clientSecret;
    delete process.env.AZURE_AUTHORITY_HOST;
    expect(await trainExample(server.url, ['--alpha', '0.0001'])).toBe('1');
    expect(await trainExample(server.url, ['--alpha', '0.05'])).toBe('2');
    unloadable = await registerModelFiles(server.context, MODEL, unmetRequirementsFiles(await exampleFolder('1')));
    const example = JSON.parse(fs.readFileSync(path.join(await exampleFolder('1'), 'input_example.json'), 'utf8')) as { data: number[][] };
    rows = [...example.data, example.data[0]!.map((value) => 1 - value)];
    v1 = pythonPredictions(await exampleFolder('1'), COLUMNS, rows);
    v2 = pythonPredictions(await exampleFolder('2'), COLUMNS, rows);
    expect(v1).not.toEqual(v2);
    service = newService();
    service.onEvent((event) => events.push(event));
  }, 300_000);

  afterAll(async () => {
    await service?.close();
    await peers?.close();
    await server?.close();
    process.env = savedEnv;
  }, 60_000);

  const predictions = async (name: string) => {
    const result = await service.predict(name, { json: { dataframe_split: { columns: COLUMNS, data: rows } } });
    expect(result.status, result.text).toBe(200);
    return (result.json as { predictions: number[] }).predictions;
  };

  it('lists its settings and secret, and refuses bad settings naming each', async () => {
    const info = service.listTargets().find((target) => target.name === 'azureml')!;
    expect(info.settings.filter((s) => s.required).map((s) => s.key)).toEqual(['subscription_id', 'resource_group', 'workspace_name']);
    expect(info.secrets.map((s) => s.key)).toEqual(['client_secret']);
    await expect(service.create({ name: 'bad', target: 'azureml', modelUri: `models:/${MODEL}/1`, config: { subscription_id: 'mine', instance_count: '0', arm_endpoint: 'http://example.com', colour: 'red' } })).rejects.toThrow(
      /Azure ML settings: it has no setting 'colour'.*subscription_id must be a subscription ID.*resource_group is needed.*instance_count must be a whole number from 1 to 100.*arm_endpoint must be an https:\/\/ URL/,
    );
  });

  it('tests the connection: credentials, workspace and datastore, creating nothing', async () => {
    const good = await service.testConnection('azureml', peers.settings());
    expect(good.checks.map((c) => `${c.name}:${c.ok}`)).toEqual(['settings:true', 'credentials:true', 'workspace:true', 'datastore:true']);
    const wrong = await service.testConnection('azureml', peers.settings({ workspace_name: 'no-such-ws' }));
    expect(wrong.ok).toBe(false);
    expect(wrong.checks.find((c) => c.name === 'workspace')!.message).toMatch(/ResourceNotFound \(HTTP 404\).*no-such-ws.*Check subscription_id, resource_group and workspace_name/);
    expect(await blobNames()).toEqual([]);
  });

  it('deploys a version: upload to the datastore, register, endpoint, deployment, traffic; scores real predictions', async () => {
    const operation = await finished(service.create({ name: 'digits-az', target: 'azureml', modelUri: `models:/${MODEL}/1`, config: peers.settings() }));
    expect(operation.error).toBeNull();
    expect(stepNames(operation)).toEqual([
      'resolve-model:succeeded',
      'copy-model:succeeded',
      'check-endpoint:succeeded',
      'upload-model:succeeded',
      'register-model:succeeded',
      'create-endpoint:succeeded',
      'create-deployment:succeeded',
      'switch-traffic:succeeded',
    ]);
    expect(operation.steps.find((s) => s.name === 'upload-model')!.detail).toMatch(/\d+ files, .* in \d+\.\d+ s \(.*\/s\) to azureml-blobstore-cairn-tests\/cairn-models\/digits-az\/\d+\/model/);
    const deployment = service.get('digits-az');
    expect(deployment.endpointUrl).toBe(`${peers.fake.url}/inference/digits-az/score`);
    expect(await blobNames()).toContain(`cairn-models/digits-az/${operation.id}/model/MLmodel`);
    const registered = [...peers.fake.modelVersions.values()][0] as { properties: { modelType: string; modelUri: string } };
    expect(registered.properties).toMatchObject({ modelType: 'mlflow_model', modelUri: expect.stringMatching(new RegExp(`/datastores/workspaceblobstore/paths/cairn-models/digits-az/${operation.id}/model$`)) });
    // Every long-running call was followed through its Azure-AsyncOperation URL.
    expect(peers.fake.calls.filter((c) => c.path.includes('/mfeOperationsStatus/')).length).toBeGreaterThanOrEqual(3);
    expect(await predictions('digits-az')).toEqual(v1);
    const status = await service.status('digits-az');
    expect(status.health).toBe('serving');
    expect(status.message).toMatch(new RegExp(`digits-az is Succeeded; deployment op${operation.id} is Succeeded; traffic op${operation.id} 100%`));
    expect(events.some((e) => e.operation.id === operation.id && e.step?.name === 'create-deployment')).toBe(true);
  });

  it('updates to another version beside the current one, retrying throttled calls; the old deployment is kept for rollback', async () => {
    peers.fake.throttle('PUT deployments', 2);
    const operation = await finished(service.update({ name: 'digits-az', modelUri: `models:/${MODEL}/2` }));
    expect(operation.error).toBeNull();
    expect(stepNames(operation)).toContain('remove-unused:succeeded');
    expect(peers.fake.calls.filter((c) => c.code === 'TooManyRequests').map((c) => c.method)).toEqual(['PUT', 'PUT']);
    expect(operation.steps.find((s) => s.name === 'create-deployment')!.detail).toMatch(/answered at attempt 3/);
    expect(await predictions('digits-az')).toEqual(v2);
    expect([...peers.fake.deployments.keys()]).toHaveLength(2);
  });

  it('a deployment that ends Failed names the step and Azure’s code, and the current version goes on serving', async () => {
    const operation = await finished(service.update({ name: 'digits-az', modelUri: `models:/${MODEL}/${unloadable}` }));
    expect(operation.outcome).toBe('failed');
    expect(operation.failedStep).toBe('create-deployment');
    expect(operation.error).toMatch(/ended Failed: ResourceNotReady: User container has crashed or terminated.*read the deployment's logs/);
    expect(stepNames(operation).at(-1)).toBe('clean-up:succeeded');
    expect(await predictions('digits-az')).toEqual(v2);
    expect(service.get('digits-az').model!.version).toBe('2');
    expect([...peers.fake.deployments.keys()]).toHaveLength(2);
  });

  it('a deployment beyond the quota fails with OutOfQuota and what to do', async () => {
    peers.fake.coreQuota = 8;
    try {
      const operation = await finished(service.update({ name: 'digits-az', modelUri: `models:/${MODEL}/1` }));
      expect(operation.failedStep).toBe('create-deployment');
      expect(operation.error).toMatch(/OutOfQuota: Not enough quota available for Standard_DS3_v2.*Current usage\/limit: 8\/8.*request more quota/);
      expect(await predictions('digits-az')).toEqual(v2);
    } finally {
      peers.fake.coreQuota = 64;
    }
  });

  it('an instance type without capacity in the region fails with OutOfCapacity and what to do', async () => {
    peers.fake.noCapacity.add('Standard_DS4_v2');
    const operation = await finished(service.update({ name: 'digits-az', modelUri: `models:/${MODEL}/1`, config: { instance_type: 'Standard_DS4_v2' } }));
    expect(operation.failedStep).toBe('create-deployment');
    expect(operation.error).toMatch(/OutOfCapacity: The specified VM Size Standard_DS4_v2 failed to provision.*choose another instance_type, or deploy to another location/);
    expect(await predictions('digits-az')).toEqual(v2);
  });

  it('rolls back by moving traffic to the kept deployment, uploading and registering nothing', async () => {
    const before = peers.fake.calls.length;
    const operation = await finished(service.rollback({ name: 'digits-az' }));
    expect(operation.error).toBeNull();
    expect(peers.fake.calls.slice(before).filter((c) => c.method === 'PUT' && /\/(deployments|versions)\//.test(c.path))).toEqual([]);
    expect(operation.steps.find((s) => s.name === 'switch-traffic')!.detail).toMatch(/op\d+ 100% \(kept since it served digits-classifier version 1\)/);
    expect(await predictions('digits-az')).toEqual(v1);
  });

  it('bad credentials fail at the first call with Entra ID’s 401 explained, and the secret appears nowhere', async () => {
    const planted = 'planted-Secret-Value-0123456789abcdefXYZ';
    const withBadSecret = newService(new MemorySecretStore(new Map([['azureml/client_secret', planted]])));
    try {
      const seen: string[] = [];
      withBadSecret.onEvent((event) => seen.push(JSON.stringify(event)));
      const operation = await finished(withBadSecret.create({ name: 'digits-badkey', target: 'azureml', modelUri: `models:/${MODEL}/1`, config: peers.settings() }));
      expect(operation.failedStep).toBe('check-endpoint');
      expect(operation.error).toMatch(/invalid_client \(HTTP 401\): AADSTS7000215: Invalid client secret provided.*Entra ID refused the client secret: put the secret's value/);
      const check = await withBadSecret.testConnection('azureml', peers.settings());
      expect(check.ok).toBe(false);
      expect(check.checks.map((c) => `${c.name}:${c.ok}`)).toEqual(['settings:true', 'credentials:false']);
      expect(check.checks[1]!.message).toMatch(/^Signing in to Entra ID as the app registration [-0-9a-f]+ failed: invalid_client \(HTTP 401\): AADSTS7000215: .*put the secret's value \(not its ID\)/);
      const everything = [
        JSON.stringify(operation),
        JSON.stringify(check),
        seen.join('\n'),
        ...['cairn.db', 'cairn.db-wal'].filter((f) => fs.existsSync(path.join(server.dataDir, f))).map((f) => fs.readFileSync(path.join(server.dataDir, f)).toString('latin1')),
      ].join('\n');
      expect(everything).not.toContain(planted);
      expect(everything).not.toContain(peers.clientSecret);
    } finally {
      await withBadSecret.close();
    }
  });

  it('signs in through the Azure SDK: tenant and client from the environment; a wrong one, or a missing one, named', async () => {
    const credentials = async (config: Record<string, string>) => (await service.testConnection('azureml', config)).checks.find((c) => c.name === 'credentials')!;
    const { tenant_id: tenantId, client_id: clientId, ...withoutIds } = peers.settings();
    process.env.AZURE_TENANT_ID = tenantId;
    process.env.AZURE_CLIENT_ID = clientId;
    try {
      expect(await credentials(withoutIds)).toMatchObject({ ok: true, message: `Entra ID gave the app registration ${clientId} a token for Azure Resource Manager.` });
    } finally {
      delete process.env.AZURE_TENANT_ID;
      delete process.env.AZURE_CLIENT_ID;
    }
    const noTenant = await credentials({ ...withoutIds, client_id: clientId! });
    expect(noTenant).toMatchObject({ ok: false });
    expect(noTenant.message).toMatch(/a client secret is set .* without tenant_id \(or AZURE_TENANT_ID\)/);
    const otherTenant = await credentials(peers.settings({ tenant_id: '00000000-0000-0000-0000-000000000000' }));
    expect(otherTenant.message).toMatch(/endpoints_resolution_error: .*The tenant is not found: check tenant_id or AZURE_TENANT_ID/);
    const otherClient = await credentials(peers.settings({ client_id: '00000000-0000-0000-0000-000000000001' }));
    expect(otherClient.message).toMatch(/unauthorized_client \(HTTP 400\): AADSTS700016: .*check client_id \(or AZURE_CLIENT_ID\)/);
    for (const check of [noTenant, otherTenant, otherClient]) expect(check.message).not.toContain(peers.clientSecret);
  });

  it('without a client secret signs in as DefaultAzureCredential, and says how to sign in when nothing is signed in', async () => {
    const secret = process.env.AZURE_CLIENT_SECRET;
    const pathBefore = process.env.PATH;
    delete process.env.AZURE_CLIENT_SECRET;
    process.env.PATH = '/nonexistent'; // no az, azd or pwsh to sign in with
    process.env.AZURE_TOKEN_CREDENTIALS = 'dev'; // the developer tools only: no managed identity endpoint to wait for
    try {
      const check = (await service.testConnection('azureml', peers.settings())).checks.find((c) => c.name === 'credentials')!;
      expect(check.ok).toBe(false);
      expect(check.message).toMatch(/Signing in to Entra ID as DefaultAzureCredential .*failed: .*No credential signed in: run `az login` \(Azure CLI\), or set tenant_id, client_id and the client secret/);
    } finally {
      process.env.AZURE_CLIENT_SECRET = secret;
      process.env.PATH = pathBefore;
      delete process.env.AZURE_TOKEN_CREDENTIALS;
    }
  });

  it('deletes the endpoint, its deployments, model versions and files', async () => {
    const operation = await finished(service.delete({ name: 'digits-az' }));
    expect(operation.error).toBeNull();
    expect(stepNames(operation)).toEqual(['delete-endpoint:succeeded', 'remove-models:succeeded']);
    expect(peers.fake.endpoints.size).toBe(0);
    expect(peers.fake.deployments.size).toBe(0);
    expect(peers.fake.modelVersions.size).toBe(0);
    expect(await blobNames()).toEqual([]);
  });
});
