// Deploy to AWS SageMaker and Azure ML from the app, against local peers: model.tar.gz uploaded to
// a real radosgw (S3, SigV4 checked) with a fake SageMaker control plane; the model's files
// uploaded to a real azurite with a fake Entra ID and Azure Resource Manager over HTTPS (whose
// deployments really serve the model). For each: the Deploy dialog with its settings and Test
// connection, the steps live, the endpoint, an update to version 2, a rollback, and an update
// beyond the account's quota (SageMaker's ResourceLimitExceeded, Azure's OutOfQuota) whose
// message names the step, the cloud's error code and what to do, the previous version still
// serving. Screenshots in both themes. (Databricks from the app is in deploy.spec.ts.)
//
// `cairn serve` keeps no secrets (no OS keychain outside the desktop app), so it reads what the
// SDKs would: the AWS keys and endpoints and the Azure app registration from the environment it
// inherits, set here before the fixture starts it.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import type { Locator, Page } from '@playwright/test';
import { expect, shotBothThemes, test } from './cairn-fixture';
import { loadCloudPeers } from './cloud-peers';
import { PYTHON, trainExample } from './example-training';

type Peers = Awaited<ReturnType<typeof loadCloudPeers>>;

const BUCKET = 'cairn-e2e-models';
const ROLE = 'arn:aws:iam::123456789012:role/SageMakerExecution';
const IMAGE = '123456789012.dkr.ecr.us-west-2.amazonaws.com/mlflow-pyfunc:2.17.0';

let sagemaker: Awaited<ReturnType<Peers['FakeSageMaker']['start']>> | null = null;
let s3Peer: Awaited<ReturnType<Peers['startRadosgw']>> | null = null;
let azure: Awaited<ReturnType<Peers['startAzureMlPeers']>>;
let radosgwMissing: string | null = null;
const certFolder = fs.mkdtempSync(path.join(os.tmpdir(), 'cairn-e2e-cert-'));
/** The fake ARM's certificate, trusted by `cairn serve` (NODE_EXTRA_CA_CERTS) and by curl (CURL_CA_BUNDLE). */
const caFile = path.join(certFolder, 'fake-arm.pem');

/** Runs a page's curl line in a shell with `env` added (not execFileSync: the fakes answer from this process). */
async function runCurlLine(line: string, env: Record<string, string>): Promise<unknown> {
  const { stdout } = await promisify(execFile)('sh', ['-c', line], { encoding: 'utf8', timeout: 30_000, env: { ...process.env, ...env } });
  return JSON.parse(stdout);
}

// The environment as it was before this file pointed the SDKs at its peers: restored afterwards,
// since later spec files in the same worker start their servers with it.
const environmentBefore = { ...process.env };

test.beforeAll(async () => {
  test.setTimeout(300_000);
  const peers = await loadCloudPeers();
  radosgwMissing = peers.radosgwMissing();
  if (radosgwMissing) {
    console.warn(`deploy-cloud.spec.ts: the SageMaker test is skipped, the S3 peer (radosgw) is ${radosgwMissing}`);
  } else {
    // First: radosgw's ports are picked before its daemons bind them.
    s3Peer = await peers.startRadosgw();
    sagemaker = await peers.FakeSageMaker.start({ keys: new Map([[s3Peer.accessKeyId, s3Peer.secretAccessKey]]), s3: s3Peer, transitionMs: 500 });
    // radosgw's zone group takes no location constraint, which the SDK sends for regions other than us-east-1.
    const s3 = new S3Client({
      region: 'us-east-1',
      endpoint: s3Peer.endpoint,
      forcePathStyle: true,
      credentials: { accessKeyId: s3Peer.accessKeyId, secretAccessKey: s3Peer.secretAccessKey },
    });
    await s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
    s3.destroy();
    // What a user does to point the AWS SDK at other endpoints, with keys from the environment.
    Object.assign(process.env, {
      AWS_ACCESS_KEY_ID: s3Peer.accessKeyId,
      AWS_SECRET_ACCESS_KEY: s3Peer.secretAccessKey,
      AWS_ENDPOINT_URL_S3: s3Peer.endpoint,
      AWS_ENDPOINT_URL_SAGEMAKER: sagemaker.url,
      AWS_ENDPOINT_URL_SAGEMAKER_RUNTIME: sagemaker.url,
      AWS_CONFIG_FILE: path.join(certFolder, 'no-aws-config'),
      AWS_SHARED_CREDENTIALS_FILE: path.join(certFolder, 'no-aws-credentials'),
    });
    delete process.env.AWS_PROFILE;
    delete process.env.AWS_SESSION_TOKEN;
  }
  azure = await peers.startAzureMlPeers(await peers.bundleEndpointHost(), PYTHON);
  const settings = azure.settings();
  // The app registration as the Azure SDK's EnvironmentCredential reads it, and the fake's certificate trusted.
  fs.writeFileSync(caFile, azure.certificate.cert);
  Object.assign(process.env, {
    AZURE_TENANT_ID: settings.tenant_id,
    AZURE_CLIENT_ID: settings.client_id,
    AZURE_CLIENT_SECRET: azure.clientSecret,
    NODE_EXTRA_CA_CERTS: caFile,
  });
  delete process.env.AZURE_AUTHORITY_HOST;
});

test.afterAll(async () => {
  await sagemaker?.close();
  await s3Peer?.stop();
  await azure?.close();
  fs.rmSync(certFolder, { recursive: true, force: true });
  for (const name of Object.keys(process.env)) if (!(name in environmentBefore)) delete process.env[name];
  Object.assign(process.env, environmentBefore);
});

/** The row of version `n` on the model's page. */
function versionRow(page: Page, n: number): Locator {
  return page.locator(`[data-testid="model-version-row"][data-version="${n}"]`);
}

/** Opens the Deploy dialog on version `n` of `model`, with `target` chosen and `settings` typed in. */
async function openDeployDialog(page: Page, url: string, model: string, n: number, target: string, settings: Record<string, string>): Promise<Locator> {
  await page.goto(`${url}#/models/${model}`);
  await versionRow(page, n).getByTestId('model-version-deploy').click();
  const dialog = page.getByTestId('deploy-dialog');
  await dialog.locator(`[data-testid="deploy-target"][data-target="${target}"]`).click();
  for (const [key, value] of Object.entries(settings)) await dialog.getByTestId(`deploy-setting-${key}`).fill(value);
  return dialog;
}

/** Updates `deployment` to version `n` from that version's Deploy button. */
async function updateTo(page: Page, url: string, model: string, n: number, deployment: string): Promise<void> {
  await page.goto(`${url}#/models/${model}`);
  await versionRow(page, n).getByTestId('model-version-deploy').click();
  await page.getByTestId('deploy-mode').selectOption(deployment);
  await expect(page.getByTestId('deploy-submit')).toHaveText(`Update ${deployment}`);
  await page.getByTestId('deploy-submit').click();
  await expect(page).toHaveURL(new RegExp(`#/deployments/${deployment}$`));
}

test('deploy to SageMaker from the app: Test connection, deploy, update, roll back, an update beyond the quota', async ({ cairn, page, shot }) => {
  test.skip(radosgwMissing !== null, `the S3 peer (radosgw) is ${radosgwMissing}`);
  test.setTimeout(300_000);
  const fake = sagemaker!;
  trainExample(cairn.trackingUri, '--model-name', 'churn', '--alpha', '0.0001');
  trainExample(cairn.trackingUri, '--model-name', 'churn', '--alpha', '0.05');

  // The dialog on version 1 with SageMaker's settings; Test connection checks them, creating nothing.
  const dialog = await openDeployDialog(page, cairn.url, 'churn', 1, 'sagemaker', {
    execution_role_arn: ROLE,
    bucket: BUCKET,
    image_url: IMAGE,
    poll_seconds: '0.2',
  });
  const credentials = dialog.getByTestId('target-credentials');
  await expect(credentials.getByTestId('target-secret')).toHaveCount(3);
  await credentials.getByTestId('test-connection').click();
  const result = credentials.getByTestId('connection-result');
  await expect(result).toHaveAttribute('data-ok', 'true', { timeout: 30_000 });
  await result.scrollIntoViewIfNeeded();
  await shotBothThemes(page, shot, 'deploy-dialog-sagemaker');
  expect(fake.operations('CreateModel', 'CreateEndpointConfig', 'CreateEndpoint')).toEqual([]);

  // Deploy: each step live, then the endpoint's invocations URL.
  await dialog.getByTestId('deploy-name').fill('churn-sm');
  await dialog.getByTestId('deploy-submit').click();
  await expect(page).toHaveURL(/#\/deployments\/churn-sm$/);
  const current = page.getByTestId('current-operation').getByTestId('operation-timeline');
  await expect(current.getByTestId('timeline-step').first()).toBeVisible();
  await expect(current).toHaveAttribute('data-outcome', 'succeeded', { timeout: 120_000 });
  for (const step of ['package-model', 'upload-model', 'create-model', 'create-endpoint-config', 'create-endpoint', 'wait-in-service']) {
    await expect(current.locator(`[data-testid="timeline-step"][data-step="${step}"]`)).toHaveAttribute('data-outcome', 'succeeded');
  }
  await expect(current.locator('[data-step="upload-model"]')).toContainText(`s3://${BUCKET}/`);
  await expect(page.getByTestId('deployment-health')).toHaveAttribute('data-health', 'serving');
  await expect(page.getByTestId('deployment-serves')).toContainText('churn v1');
  await expect(page.getByTestId('endpoint-url')).toHaveText(`${fake.url}/endpoints/churn-sm/invocations`);
  expect(fake.endpoints.get('churn-sm')?.status).toBe('InService');
  // The curl line signs with the AWS keys of the environment (the fake checks SigV4); its container answers a prediction per row.
  const curl = (await page.getByTestId('curl-line').textContent()) ?? '';
  expect(curl).toContain('--aws-sigv4');
  expect(curl).not.toContain(s3Peer!.secretAccessKey);
  const curled = (await runCurlLine(curl, {})) as { predictions: unknown[] };
  expect(curled.predictions.length).toBeGreaterThan(0);
  await shotBothThemes(page, shot, 'deployment-sagemaker');

  // Update to version 2: a new endpoint config, the endpoint switched to it.
  await updateTo(page, cairn.url, 'churn', 2, 'churn-sm');
  await expect(page.getByTestId('deployment-serves')).toContainText('churn v2', { timeout: 120_000 });
  await expect(current).toHaveAttribute('data-outcome', 'succeeded');
  await expect(page.getByTestId('deployment-rollback')).toHaveText('Roll back to v1');

  // Roll back: the endpoint goes back to the kept config, nothing uploaded again.
  const uploadsBefore = fake.operations('CreateModel').length;
  await page.getByTestId('deployment-rollback').click();
  await expect(page.getByTestId('deployment-serves')).toContainText('churn v1', { timeout: 120_000 });
  await expect(current).toHaveAttribute('data-outcome', 'succeeded');
  await expect(current.locator('[data-step="switch-traffic"]')).toContainText('Switch churn-sm back to');
  expect(fake.operations('CreateModel')).toHaveLength(uploadsBefore);
  await expect(page.getByTestId('history-entry').first()).toHaveAttribute('data-kind', 'rollback');

  // An update beyond the account's instance quota fails at its step with AWS's code and what to
  // do; version 1 goes on serving.
  fake.instanceQuota.set('ml.m5.large', 1);
  await updateTo(page, cairn.url, 'churn', 2, 'churn-sm');
  await expect(current).toHaveAttribute('data-outcome', 'failed', { timeout: 120_000 });
  await expect(current.locator('[data-step="switch-traffic"]')).toHaveAttribute('data-outcome', 'failed');
  const error = page.getByTestId('current-operation').getByTestId('operation-error');
  await expect(error).toContainText('Update the endpoint churn-sm: SageMaker UpdateEndpoint churn-sm failed: ResourceLimitExceeded (HTTP 400)');
  await expect(error).toContainText('ResourceLimitExceeded');
  await expect(error).toContainText("'ml.m5.large for endpoint usage' is 1 Instances");
  await expect(error).toContainText("request an increase for this quota. The account's quota is used up");
  await expect(error).toContainText('delete unused endpoints, ask AWS for a higher quota, or choose another instance_type');
  await expect(page.getByTestId('deployment-serves')).toContainText('churn v1');
  await expect(page.getByTestId('deployment-health')).toHaveAttribute('data-health', 'serving');
  await error.scrollIntoViewIfNeeded();
  await shotBothThemes(page, shot, 'deployment-sagemaker-failed');
  fake.instanceQuota.clear();
});

test('deploy to Azure ML from the app: Test connection, deploy, try it, update, roll back, an update beyond the quota', async ({ cairn, page, shot }) => {
  test.setTimeout(300_000);
  trainExample(cairn.trackingUri, '--model-name', 'digits', '--alpha', '0.0001');
  trainExample(cairn.trackingUri, '--model-name', 'digits', '--alpha', '0.05');

  const dialog = await openDeployDialog(page, cairn.url, 'digits', 1, 'azureml', azure.settings({ poll_seconds: '0.2' }));
  const credentials = dialog.getByTestId('target-credentials');
  await expect(credentials).toContainText('AZURE_CLIENT_SECRET');
  await credentials.getByTestId('test-connection').click();
  const result = credentials.getByTestId('connection-result');
  await expect(result).toHaveAttribute('data-ok', 'true', { timeout: 30_000 });
  await expect(result.getByTestId('connection-check')).toHaveCount(4);
  await result.scrollIntoViewIfNeeded();
  await shotBothThemes(page, shot, 'deploy-dialog-azureml');

  // Deploy: upload, register, endpoint, deployment, traffic; then the scoring URI.
  await dialog.getByTestId('deploy-name').fill('digits-az');
  await dialog.getByTestId('deploy-submit').click();
  await expect(page).toHaveURL(/#\/deployments\/digits-az$/);
  const current = page.getByTestId('current-operation').getByTestId('operation-timeline');
  await expect(current.getByTestId('timeline-step').first()).toBeVisible();
  await expect(current).toHaveAttribute('data-outcome', 'succeeded', { timeout: 180_000 });
  for (const step of ['upload-model', 'register-model', 'create-endpoint', 'create-deployment', 'switch-traffic']) {
    await expect(current.locator(`[data-testid="timeline-step"][data-step="${step}"]`)).toHaveAttribute('data-outcome', 'succeeded');
  }
  await expect(page.getByTestId('deployment-health')).toHaveAttribute('data-health', 'serving');
  await expect(page.getByTestId('deployment-serves')).toContainText('digits v1');
  await expect(page.getByTestId('endpoint-url')).toHaveText(`${azure.fake.url}/inference/digits-az/score`);

  // Try it: the fake's deployment serves the model for real.
  await page.getByTestId('try-it-send').click();
  await expect(page.getByTestId('try-it-answer')).toHaveAttribute('data-status', '200', { timeout: 30_000 });
  const answer = JSON.parse((await page.getByTestId('try-it-result').textContent()) ?? '') as { predictions: number[] };
  expect(answer.predictions.length).toBeGreaterThan(0);

  // The curl line works as printed, the endpoint key taken from the environment (never in the line).
  const key = azure.fake.endpoints.get('digits-az')!.keys.primaryKey;
  const curl = (await page.getByTestId('curl-line').textContent()) ?? '';
  expect(curl).toContain(`'${azure.fake.url}/inference/digits-az/score'`);
  expect(curl).toContain('az ml online-endpoint get-credentials --name digits-az');
  expect(curl).not.toContain(key);
  expect(await runCurlLine(curl, { AZUREML_ENDPOINT_KEY: key, CURL_CA_BUNDLE: caFile })).toEqual(answer);
  await shotBothThemes(page, shot, 'deployment-azureml');

  // Update to version 2: a deployment beside the current one, traffic moved once it is healthy.
  await updateTo(page, cairn.url, 'digits', 2, 'digits-az');
  await expect(page.getByTestId('deployment-serves')).toContainText('digits v2', { timeout: 180_000 });
  await expect(current).toHaveAttribute('data-outcome', 'succeeded');

  // Roll back: traffic moves back to the kept deployment.
  await page.getByTestId('deployment-rollback').click();
  await expect(page.getByTestId('deployment-serves')).toContainText('digits v1', { timeout: 120_000 });
  await expect(current).toHaveAttribute('data-outcome', 'succeeded');
  await expect(current.locator('[data-step="switch-traffic"]')).toHaveAttribute('data-outcome', 'succeeded');
  await expect(page.getByTestId('history-entry').first()).toHaveAttribute('data-kind', 'rollback');
  await page.getByTestId('history-entry').nth(1).locator('summary').click();
  await shotBothThemes(page, shot, 'deployment-azureml-history');

  // An update beyond the subscription's core quota fails at its step with Azure's code and what
  // to do; version 1 goes on serving.
  azure.fake.coreQuota = 4;
  await updateTo(page, cairn.url, 'digits', 2, 'digits-az');
  await expect(current).toHaveAttribute('data-outcome', 'failed', { timeout: 120_000 });
  await expect(current.locator('[data-step="create-deployment"]')).toHaveAttribute('data-outcome', 'failed');
  const error = page.getByTestId('current-operation').getByTestId('operation-error');
  await expect(error).toContainText(/^Create the deployment \w+ \(1 × Standard_DS3_v2\) and wait for it: .*OutOfQuota/);
  await expect(error).toContainText('OutOfQuota');
  await expect(error).toContainText(/Current usage\/limit: \d+\/4\./);
  await expect(error).toContainText('request more quota');
  await expect(page.getByTestId('deployment-serves')).toContainText('digits v1');
  await page.getByTestId('try-it-send').click();
  await expect(page.getByTestId('try-it-answer')).toHaveAttribute('data-status', '200');
  await error.scrollIntoViewIfNeeded();
  await shotBothThemes(page, shot, 'deployment-azureml-failed');
  azure.fake.coreQuota = 64;

  // Every deployment with its target and health.
  await page.getByTestId('nav-deployments').click();
  for (const [name, target] of [['digits-az', 'azureml'], ...(radosgwMissing ? [] : [['churn-sm', 'sagemaker']])]) {
    const row = page.getByTestId('deployment-row').filter({ hasText: name! });
    await expect(row.getByTestId('deployment-health')).toHaveAttribute('data-health', 'serving');
    await expect(row).toContainText(target!);
  }
  await shotBothThemes(page, shot, 'deployments-sagemaker-azureml');
});
