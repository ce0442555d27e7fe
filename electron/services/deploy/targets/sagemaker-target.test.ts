// The SageMaker target against local peers: model.tar.gz uploaded to a real radosgw (which checks
// SigV4), the control plane and runtime a fake following SageMaker's published contract (JSON 1.1,
// X-Amz-Target, error bodies, signatures checked), reached through AWS_ENDPOINT_URL_S3 and
// AWS_ENDPOINT_URL_SAGEMAKER[_RUNTIME] as a user would point the SDK at them. Create, predict,
// update with throttling retried, a failed update that leaves the old version serving, rollback
// to the kept config, a failed create cleaned up, bad credentials, and delete.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CreateBucketCommand, GetObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { list as listTar } from 'tar';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DeploymentEvent, DeploymentOperation } from '../../../../shared/deployments';
import { FakeSageMaker } from '../../../../test-support/cloud-peers/fake-sagemaker';
import { radosgwMissing, startRadosgw, type RadosgwPeer } from '../../../../test-support/cloud-peers/radosgw-peer';
import { startTestTrackingServer, type TestTrackingServer } from '../../tracking-api/test-tracking-server';
import { DeployTargets } from '../deploy-targets';
import { DeploymentService } from '../deployment-service';
import { nodeEndpointHostLauncher } from '../local/endpoint-host-launcher';
import type { SecretName, SecretStore } from '../secrets/secret-store';
import { registerModelFiles } from '../test-deploy-fixture';

const missing = radosgwMissing();
if (missing) console.warn(`sagemaker-target.test.ts: skipped, the S3 peer (radosgw) is ${missing}`);

const BUCKET = 'cairn-deploy-tests';
const ROLE = 'arn:aws:iam::123456789012:role/SageMakerExecution';
const IMAGE = '123456789012.dkr.ecr.us-west-2.amazonaws.com/mlflow-pyfunc:2.17.0';
const MLMODEL = 'flavors:\n  python_function:\n    loader_module: mlflow.sklearn\n    python_version: 3.11.2\n';

let s3Peer: RadosgwPeer;
let fake: FakeSageMaker;
let server: TestTrackingServer;
let s3: S3Client;
const savedEnv = { ...process.env };

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
    targets: new DeployTargets({
      dataDir: server.dataDir,
      // These tests deploy to SageMaker only: the local target is never asked to start a host.
      localLauncher: nodeEndpointHostLauncher(path.join(os.tmpdir(), 'no-local-host-in-these-tests.js')),
      defaultPython: 'python3',
      keepRunningByDefault: false,
      secrets,
    }),
    dataDir: server.dataDir,
    via: 'api',
    secrets,
  });
}

const settings = (extra: Record<string, string> = {}) => ({
  region_name: 'us-west-2',
  execution_role_arn: ROLE,
  bucket: BUCKET,
  image_url: IMAGE,
  poll_seconds: '0.05',
  timeout_seconds: '60',
  ...extra,
});

async function finished(job: Promise<{ done: Promise<DeploymentOperation> }>): Promise<DeploymentOperation> {
  return (await job).done;
}

/** Retries an assertion for up to five seconds (the fake's endpoints take a moment to go). */
async function eventually(check: () => void): Promise<void> {
  const deadline = Date.now() + 5000;
  for (;;) {
    try {
      check();
      return;
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}

function stepNames(operation: DeploymentOperation): string[] {
  return operation.steps.map((step) => `${step.name}:${step.outcome}`);
}

async function archiveEntries(key: string): Promise<string[]> {
  const object = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }));
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'cairn-archive-')), 'model.tar.gz');
  fs.writeFileSync(file, await object.Body!.transformToByteArray());
  const entries: string[] = [];
  await listTar({ file, onReadEntry: (entry) => entries.push(entry.path) });
  return entries.sort();
}

async function archiveKeys(): Promise<string[]> {
  const listed = await s3.send(new ListObjectsV2Command({ Bucket: BUCKET }));
  return (listed.Contents ?? []).map((object) => object.Key!).sort();
}

describe.skipIf(missing)('SageMaker target', () => {
  let service: DeploymentService;
  const events: DeploymentEvent[] = [];
  const versions: Record<string, string> = {};

  beforeAll(async () => {
    // One after the other: radosgw's ports are picked before its daemons bind them.
    s3Peer = await startRadosgw();
    server = await startTestTrackingServer();
    fake = await FakeSageMaker.start({ keys: new Map([[s3Peer.accessKeyId, s3Peer.secretAccessKey]]), s3: s3Peer, transitionMs: 200 });
    // What a user does to point the AWS SDK at other endpoints; credentials from the environment (the SDK's chain).
    Object.assign(process.env, {
      AWS_ACCESS_KEY_ID: s3Peer.accessKeyId,
      AWS_SECRET_ACCESS_KEY: s3Peer.secretAccessKey,
      AWS_ENDPOINT_URL_S3: s3Peer.endpoint,
      AWS_ENDPOINT_URL_SAGEMAKER: fake.url,
      AWS_ENDPOINT_URL_SAGEMAKER_RUNTIME: fake.url,
      AWS_CONFIG_FILE: path.join(server.dataDir, 'no-aws-config'),
      AWS_SHARED_CREDENTIALS_FILE: path.join(server.dataDir, 'no-aws-credentials'),
    });
    delete process.env.AWS_PROFILE;
    delete process.env.AWS_SESSION_TOKEN;
    // radosgw's zone group takes no location constraint, which the SDK sends for regions other than us-east-1.
    s3 = new S3Client({ region: 'us-east-1', forcePathStyle: true, requestChecksumCalculation: 'WHEN_REQUIRED', responseChecksumValidation: 'WHEN_REQUIRED' });
    await s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
    const files = (prediction: string, extra: Record<string, string> = {}) => ({
      MLmodel: MLMODEL,
      'model.pkl': `pickle of ${prediction}`,
      'fake-container.json': JSON.stringify({ prediction }),
      ...extra,
    });
    versions.first = await registerModelFiles(server.context, 'churn', files('first'));
    versions.second = await registerModelFiles(server.context, 'churn', files('second'));
    versions.broken = await registerModelFiles(server.context, 'churn', files('broken', { 'fake-container-fails.txt': 'ModuleNotFoundError: No module named lightgbm' }));
    service = newService();
    service.onEvent((event) => events.push(event));
  }, 360_000);

  afterAll(async () => {
    await service?.close();
    s3?.destroy();
    await fake?.close();
    await server?.close();
    await s3Peer?.stop();
    process.env = savedEnv;
  }, 60_000);

  it('lists its settings and secrets, and refuses bad settings naming each', () => {
    const info = service.listTargets().find((target) => target.name === 'sagemaker')!;
    expect(info.settings.filter((s) => s.required).map((s) => s.key)).toEqual(['region_name', 'execution_role_arn', 'bucket', 'image_url']);
    expect(info.secrets.map((s) => s.key)).toEqual(['aws_access_key_id', 'aws_secret_access_key', 'aws_session_token']);
    return expect(service.create({ name: 'bad', target: 'sagemaker', modelUri: 'models:/churn/1', config: { region_name: 'mars', instance_count: '0', colour: 'red' } })).rejects.toThrow(
      /AWS SageMaker settings: it has no setting 'colour'.*region_name must be an AWS region.*execution_role_arn is needed.*bucket is needed.*image_url is needed.*instance_count must be a whole number from 1 to 100/,
    );
  });

  it('tests the connection: credentials, bucket and write permission, creating nothing', async () => {
    const good = await service.testConnection('sagemaker', settings());
    expect(good.ok).toBe(true);
    expect(good.checks.map((c) => c.name)).toEqual(['settings', 'credentials', 'bucket', 's3:PutObject']);
    const noBucket = await service.testConnection('sagemaker', settings({ bucket: 'no-such-bucket-here' }));
    expect(noBucket.ok).toBe(false);
    expect(noBucket.checks.find((c) => c.name === 'bucket')!.message).toMatch(/no-such-bucket-here does not exist.*create it in us-west-2/);
    expect(await archiveKeys()).toEqual([]);
  });

  it('deploys a version: package, upload to S3, model, config, endpoint, InService; predicts through InvokeEndpoint', async () => {
    const operation = await finished(service.create({ name: 'churn-api', target: 'sagemaker', modelUri: `models:/churn/${versions.first}`, config: settings() }));
    expect(operation.error).toBeNull();
    expect(operation.outcome).toBe('succeeded');
    expect(stepNames(operation)).toEqual([
      'resolve-model:succeeded',
      'copy-model:succeeded',
      'check-endpoint:succeeded',
      'package-model:succeeded',
      'upload-model:succeeded',
      'create-model:succeeded',
      'create-endpoint-config:succeeded',
      'create-endpoint:succeeded',
      'wait-in-service:succeeded',
    ]);
    for (const step of operation.steps) expect(step.endedAt).toBeGreaterThanOrEqual(step.startedAt);
    const deployment = service.get('churn-api');
    expect(deployment.endpointUrl).toBe(`${fake.url}/endpoints/churn-api/invocations`);
    expect(deployment.config.endpoint_name).toBe('churn-api');
    // The archive radosgw holds is the model folder at its root, as `mlflow sagemaker` packs it.
    const keys = await archiveKeys();
    expect(keys).toEqual([`cairn-models/churn-api/${operation.id}/model.tar.gz`]);
    expect(await archiveEntries(keys[0]!)).toEqual(['MLmodel', 'fake-container.json', 'model.pkl']);
    const createModel = fake.calls.find((c) => c.operation === 'CreateModel')!.body as { ExecutionRoleArn: string; PrimaryContainer: { Image: string; ModelDataUrl: string } };
    expect(createModel.ExecutionRoleArn).toBe(ROLE);
    expect(createModel.PrimaryContainer).toMatchObject({ Image: IMAGE, ModelDataUrl: `s3://${BUCKET}/${keys[0]}` });
    const prediction = await service.predict('churn-api', { json: { dataframe_split: { columns: ['a'], data: [[1], [2]] } } });
    expect(prediction).toMatchObject({ status: 200, json: { predictions: ['first', 'first'] } });
    const status = await service.status('churn-api');
    expect(status.health).toBe('serving');
    expect(status.message).toMatch(/churn-api is InService on churn-api-c\d+/);
    expect((await service.predict('churn-api', { csv: 'a\n1\n' })).json).toEqual({ predictions: ['first'] });
    expect(events.some((e) => e.operation.id === operation.id && e.step?.name === 'wait-in-service')).toBe(true);
  }, 120_000);

  it('updates to another version, retrying throttled calls with backoff; the old config is kept for rollback', async () => {
    fake.throttle('CreateModel', 2);
    const before = fake.calls.length;
    const operation = await finished(service.update({ name: 'churn-api', modelUri: `models:/churn/${versions.second}` }));
    expect(operation.error).toBeNull();
    expect(stepNames(operation)).toContain('switch-traffic:succeeded');
    const throttled = fake.calls.slice(before).filter((c) => c.operation === 'CreateModel');
    expect(throttled.map((c) => c.error)).toEqual(['ThrottlingException', 'ThrottlingException', null]);
    expect(operation.steps.find((s) => s.name === 'create-model')!.detail).toMatch(/answered at attempt 3/);
    expect((await service.predict('churn-api', { json: { instances: [[1]] } })).json).toEqual({ predictions: ['second'] });
    expect([...fake.endpointConfigs.keys()]).toHaveLength(2);
    expect(await archiveKeys()).toHaveLength(2);
  }, 120_000);

  it('a failed update names the step and SageMaker’s FailureReason, and the previous version goes on serving', async () => {
    const operation = await finished(service.update({ name: 'churn-api', modelUri: `models:/churn/${versions.broken}` }));
    expect(operation.outcome).toBe('failed');
    expect(operation.failedStep).toBe('wait-in-service');
    expect(operation.error).toMatch(/SageMaker rolled the update back.*FailureReason: The primary container .* did not pass the ping health check: ModuleNotFoundError: No module named lightgbm/);
    expect(stepNames(operation).at(-1)).toBe('clean-up:succeeded');
    expect((await service.predict('churn-api', { json: { instances: [[1]] } })).json).toEqual({ predictions: ['second'] });
    expect(service.get('churn-api').model!.version).toBe(versions.second);
    // What the failed update made is gone; the two kept revisions stay.
    expect([...fake.endpointConfigs.keys()]).toHaveLength(2);
    expect(await archiveKeys()).toHaveLength(2);
  }, 120_000);

  it('rolls back by moving the endpoint to the kept config, uploading nothing', async () => {
    const before = fake.calls.length;
    const operation = await finished(service.rollback({ name: 'churn-api' }));
    expect(operation.error).toBeNull();
    expect(fake.operations().slice(before).filter((op) => op.startsWith('Create'))).toEqual([]);
    expect(operation.steps.find((s) => s.name === 'switch-traffic')!.detail).toMatch(/UpdateEndpoint churn-api → churn-api-c\d+ \(kept since it served churn version 1\)/);
    expect((await service.predict('churn-api', { json: { instances: [[1]] } })).json).toEqual({ predictions: ['first'] });
  }, 120_000);

  it('a create that ends Failed says why and leaves nothing behind', async () => {
    const operation = await finished(service.create({ name: 'churn-broken', target: 'sagemaker', modelUri: `models:/churn/${versions.broken}`, config: settings() }));
    expect(operation.outcome).toBe('failed');
    expect(operation.failedStep).toBe('wait-in-service');
    expect(operation.error).toMatch(/churn-broken is Failed\. FailureReason: The primary container .*lightgbm.*CloudWatch logs/);
    // DeleteEndpoint was sent; SageMaker takes a moment in Deleting.
    expect(fake.operations('DeleteEndpoint')).toHaveLength(1);
    await eventually(() => expect(fake.endpoints.has('churn-broken')).toBe(false));
    expect([...fake.models.keys()].filter((name) => name.startsWith('churn-broken'))).toEqual([]);
    expect((await archiveKeys()).filter((key) => key.includes('churn-broken'))).toEqual([]);
  }, 120_000);

  it('bad credentials fail at the first call with AWS’s code, and the secret appears nowhere', async () => {
    const planted = 'planted-Secret-Value-0123456789abcdefXYZ';
    const keychain = new MemorySecretStore(new Map([['sagemaker/aws_access_key_id', s3Peer.accessKeyId], ['sagemaker/aws_secret_access_key', planted]]));
    const withBadKey = newService(keychain);
    try {
      expect(await withBadKey.targetSecrets('sagemaker')).toEqual([
        { key: 'aws_access_key_id', inKeychain: true },
        { key: 'aws_secret_access_key', inKeychain: true },
        { key: 'aws_session_token', inKeychain: false },
      ]);
      const seen: string[] = [];
      withBadKey.onEvent((event) => seen.push(JSON.stringify(event)));
      const operation = await finished(withBadKey.create({ name: 'churn-badkey', target: 'sagemaker', modelUri: `models:/churn/${versions.first}`, config: settings() }));
      expect(operation.outcome).toBe('failed');
      expect(operation.failedStep).toBe('check-endpoint');
      expect(operation.error).toMatch(/InvalidSignatureException \(HTTP 400\).*AWS refused the credentials/);
      const check = await withBadKey.testConnection('sagemaker', settings());
      expect(check.ok).toBe(false);
      expect(check.checks.map((c) => `${c.name}:${c.ok}`)).toEqual(['settings:true', 'credentials:false']);
      expect(check.checks[1]!.message).toMatch(/InvalidSignatureException \(HTTP 400\).*AWS refused the credentials: check the access key kept in the keychain/);
      const everything = [
        JSON.stringify(operation),
        JSON.stringify(check),
        seen.join('\n'),
        ...['cairn.db', 'cairn.db-wal'].filter((f) => fs.existsSync(path.join(server.dataDir, f))).map((f) => fs.readFileSync(path.join(server.dataDir, f)).toString('latin1')),
      ].join('\n');
      expect(everything).not.toContain(planted);
    } finally {
      await withBadKey.close();
    }
  }, 120_000);

  it('deletes the endpoint, its configs, models and archives', async () => {
    const operation = await finished(service.delete({ name: 'churn-api' }));
    expect(operation.error).toBeNull();
    expect(stepNames(operation)).toEqual(['delete-endpoint:succeeded', 'remove-unused:succeeded']);
    await eventually(() => expect(fake.endpoints.size).toBe(0));
    expect(fake.endpointConfigs.size).toBe(0);
    expect(fake.models.size).toBe(0);
    expect(await archiveKeys()).toEqual([]);
  }, 120_000);
});
