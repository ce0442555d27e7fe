// `cairn deploy` to Azure ML, as a script or CI would run it: the client secret from
// AZURE_CLIENT_SECRET, the other settings with -C, the model's files uploaded to a real azurite,
// Entra ID and ARM a fake over HTTPS following Azure ML's contract whose deployment serves the
// example model; ENDPOINT_URL=<scoring URI> printed once traffic is on it, then status, predict,
// a refused secret explained, and delete.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAzureMlPeers, type AzureMlPeers } from '../../test-support/cloud-peers/fake-azureml';
import { bundleEndpointHost, pythonPredictions, TEST_PYTHON, trainExample } from '../services/deploy/test-deploy-fixture';
import { startTestTrackingServer, type TestTrackingServer } from '../services/tracking-api/test-tracking-server';
import { DEPLOY_HELP, runDeployCommand } from './deploy-command';

const savedEnv = { ...process.env };
let peers: AzureMlPeers;
let server: TestTrackingServer;

async function cli(...args: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await runDeployCommand([...args, '--data-dir', server.dataDir], {
    stdout: { write: (text: string) => ((stdout += text), true) },
    stderr: { write: (text: string) => ((stderr += text), true) },
  });
  return { code, stdout, stderr };
}

describe('cairn deploy --target azureml', () => {
  beforeAll(async () => {
    server = await startTestTrackingServer();
    peers = await startAzureMlPeers(await bundleEndpointHost(), TEST_PYTHON);
    expect(await trainExample(server.url)).toBe('1');
  }, 300_000);

  afterAll(async () => {
    await peers?.close();
    await server?.close();
    process.env = savedEnv;
  }, 60_000);

  it('deploys, reports, scores and deletes with the secret from AZURE_CLIENT_SECRET', async () => {
    expect(DEPLOY_HELP).toMatch(/--target <name> +The deploy target: local, sagemaker, azureml or databricks/);
    const config = Object.entries(peers.settings()).flatMap(([key, value]) => ['-C', `${key}=${value}`]);

    process.env.AZURE_CLIENT_SECRET = 'not-the-secret-of-this-app';
    const refused = await cli('create', 'digits-cli', '--target', 'azureml', '--model-uri', 'models:/digits-classifier/1', ...config);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/create digits-cli failed at step check-endpoint: .*invalid_client \(HTTP 401\): AADSTS7000215.*AZURE_CLIENT_SECRET/);
    expect(refused.stderr).not.toContain('not-the-secret-of-this-app');

    process.env.AZURE_CLIENT_SECRET = peers.clientSecret;
    const created = await cli('create', 'digits-cli2', '--target', 'azureml', '--model-uri', 'models:/digits-classifier/1', ...config);
    expect(created.stderr).toMatch(/✓ Upload the model's files to the datastore workspaceblobstore \(\d+\.\d+ s\): \d+ files/);
    expect(created.stderr).toMatch(/✓ Create the deployment op\d+ \(1 × Standard_DS3_v2\) and wait for it/);
    expect(created.stdout).toBe(`ENDPOINT_URL=${peers.fake.url}/inference/digits-cli2/score\n`);
    expect(created.code).toBe(0);

    const status = await cli('status', 'digits-cli2');
    expect(status.stdout).toMatch(/health: +serving \(digits-cli2 is Succeeded; deployment op\d+ is Succeeded; traffic op\d+ 100%\.\)/);

    const uri = await server.context.registry.getModelVersionDownloadUri('digits-classifier', '1');
    const run = await server.store.getRun(/^runs:\/([^/]+)/.exec(uri)![1]!);
    const modelDir = await server.context.artifacts.artifactFilePath(run.info.artifactUri, 'model');
    const example = JSON.parse(fs.readFileSync(path.join(modelDir, 'input_example.json'), 'utf8')) as { columns: string[]; data: number[][] };
    const input = path.join(server.dataDir, 'rows.json');
    fs.writeFileSync(input, JSON.stringify({ dataframe_split: example }));
    const predicted = await cli('predict', 'digits-cli2', '--input-path', input);
    expect(predicted.code).toBe(0);
    expect(JSON.parse(predicted.stdout)).toEqual({ predictions: pythonPredictions(modelDir, example.columns, example.data) });

    const targets = await cli('targets');
    expect(targets.stdout).toMatch(/azureml: Azure ML\.[\s\S]*subscription_id \(required\)[\s\S]*secret client_secret: .*from AZURE_CLIENT_SECRET/);
    const deleted = await cli('delete', 'digits-cli2');
    expect(deleted.stderr).toMatch(/✓ Delete the endpoint digits-cli2 and its deployments/);
    expect(deleted).toMatchObject({ code: 0, stdout: 'Deleted digits-cli2.\n' });
    expect(peers.fake.endpoints.size).toBe(0);
  }, 240_000);
});
