// `cairn deploy` to SageMaker, as a script or CI would run it: credentials and endpoints from the
// environment (the AWS SDK's own chain and AWS_ENDPOINT_URL_*), the archive uploaded to a real
// radosgw, the control plane a fake following SageMaker's contract; ENDPOINT_URL=... printed once
// the endpoint is InService, then status, predict, targets and delete.
import fs from 'node:fs';
import path from 'node:path';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeSageMaker } from '../../test-support/cloud-peers/fake-sagemaker';
import { radosgwMissing, startRadosgw, type RadosgwPeer } from '../../test-support/cloud-peers/radosgw-peer';
import { registerModelFiles } from '../services/deploy/test-deploy-fixture';
import { startTestTrackingServer, type TestTrackingServer } from '../services/tracking-api/test-tracking-server';
import { runDeployCommand } from './deploy-command';

const missing = radosgwMissing();
if (missing) console.warn(`deploy-sagemaker-command.test.ts: skipped, the S3 peer (radosgw) is ${missing}`);

const savedEnv = { ...process.env };
let s3Peer: RadosgwPeer;
let fake: FakeSageMaker;
let server: TestTrackingServer;
let version: string;

const settings = () => ({
  region_name: 'us-west-2',
  execution_role_arn: 'arn:aws:iam::123456789012:role/SageMakerExecution',
  bucket: 'cairn-deploy-tests',
  image_url: '123456789012.dkr.ecr.us-west-2.amazonaws.com/mlflow-pyfunc:2.17.0',
  poll_seconds: '0.05',
});

describe.skipIf(missing)('cairn deploy --target sagemaker', () => {
  beforeAll(async () => {
    // One after the other: radosgw's ports are picked before its daemons bind them.
    s3Peer = await startRadosgw();
    server = await startTestTrackingServer();
    fake = await FakeSageMaker.start({ keys: new Map([[s3Peer.accessKeyId, s3Peer.secretAccessKey]]), s3: s3Peer, transitionMs: 200 });
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
    const s3 = new S3Client({ region: 'us-east-1', forcePathStyle: true, requestChecksumCalculation: 'WHEN_REQUIRED', responseChecksumValidation: 'WHEN_REQUIRED' });
    await s3.send(new CreateBucketCommand({ Bucket: 'cairn-deploy-tests' }));
    s3.destroy();
    version = await registerModelFiles(server.context, 'churn', {
      MLmodel: 'flavors:\n  python_function:\n    loader_module: mlflow.sklearn\n',
      'model.pkl': 'pickle',
      'fake-container.json': JSON.stringify({ prediction: 'cli' }),
    });
  }, 360_000);

  afterAll(async () => {
    await fake?.close();
    await server?.close();
    await s3Peer?.stop();
    process.env = savedEnv;
  }, 60_000);

  it('the CLI deploys, reports, predicts and deletes with the SDK chain from the environment', async () => {
    const cli = async (...args: string[]) => {
      let stdout = '';
      let stderr = '';
      const code = await runDeployCommand([...args, '--data-dir', server.dataDir], {
        stdout: { write: (text: string) => ((stdout += text), true) },
        stderr: { write: (text: string) => ((stderr += text), true) },
      });
      return { code, stdout, stderr };
    };
    const config = Object.entries(settings()).flatMap(([key, value]) => ['-C', `${key}=${value}`]);
    const created = await cli('create', 'churn-cli', '--target', 'sagemaker', '--model-uri', `models:/churn/${version}`, ...config);
    expect(created.stderr).toMatch(/✓ Upload it to s3:\/\/cairn-deploy-tests\/cairn-models\/churn-cli\/\d+\/model\.tar\.gz \(\d+\.\d+ s\)/);
    expect(created.stdout).toBe(`ENDPOINT_URL=${fake.url}/endpoints/churn-cli/invocations\n`);
    expect(created.code).toBe(0);
    const status = await cli('status', 'churn-cli');
    expect(status.stdout).toMatch(/health: +serving \(churn-cli is InService on churn-cli-c\d+\.\)/);
    const input = path.join(server.dataDir, 'rows.json');
    fs.writeFileSync(input, JSON.stringify({ dataframe_records: [{ a: 1 }, { a: 2 }, { a: 3 }] }));
    expect(await cli('predict', 'churn-cli', '--input-path', input)).toMatchObject({ code: 0, stdout: '{"predictions":["cli","cli","cli"]}\n' });
    const targets = await cli('targets');
    expect(targets.stdout).toMatch(/sagemaker: AWS SageMaker\.[\s\S]*execution_role_arn \(required\)[\s\S]*secret aws_secret_access_key: .*from AWS_SECRET_ACCESS_KEY/);
    expect(await cli('delete', 'churn-cli')).toMatchObject({ code: 0, stdout: 'Deleted churn-cli.\n' });
  }, 120_000);

});
