// `cairn deploy` to Databricks, as a script or CI would run it: the token from DATABRICKS_TOKEN,
// the workspace made of a second Cairn tracking server (its MLflow) and a fake of Model Serving
// whose endpoints really serve the copied version. `check` first with a wrong token, then the
// right one; create prints ENDPOINT_URL=...; status, predict and delete.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeDatabricks } from '../../test-support/cloud-peers/fake-databricks';
import { bundleEndpointHost, stopEveryEndpoint, TEST_PYTHON, trainExample } from '../services/deploy/test-deploy-fixture';
import { startTestTrackingServer, type TestTrackingServer } from '../services/tracking-api/test-tracking-server';
import { DEPLOY_HELP, runDeployCommand } from './deploy-command';

const TOKEN = 'dapi-cli-0123456789abcdef';
const savedEnv = { ...process.env };
let server: TestTrackingServer;
let workspace: TestTrackingServer;
let fake: FakeDatabricks;

async function cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await runDeployCommand([...args, '--data-dir', server.dataDir], {
    stdout: { write: (text: string) => ((stdout += text), true) },
    stderr: { write: (text: string) => ((stderr += text), true) },
  });
  return { code, stdout, stderr };
}

describe('cairn deploy --target databricks', () => {
  beforeAll(async () => {
    server = await startTestTrackingServer();
    workspace = await startTestTrackingServer({ token: TOKEN });
    fake = await FakeDatabricks.start({ token: TOKEN, mlflowUrl: workspace.url, launcher: await bundleEndpointHost(), python: TEST_PYTHON });
    expect(await trainExample(server.url)).toBe('1');
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

  it('checks, deploys, reports, predicts and deletes with DATABRICKS_TOKEN', async () => {
    process.env.DATABRICKS_TOKEN = 'dapi-not-this-one';
    const refused = await cli('check', '--target', 'databricks', '-C', `host=${fake.url}`);
    expect(refused.code).toBe(1);
    expect(refused.stdout).toMatch(/✗ token: Listing serving endpoints with DATABRICKS_TOKEN failed: PERMISSION_DENIED \(HTTP 403\)/);
    expect(refused.stdout).not.toContain('dapi-not-this-one');

    process.env.DATABRICKS_TOKEN = TOKEN;
    const checked = await cli('check', '--target', 'databricks', '-C', `host=${fake.url}`);
    expect(checked).toMatchObject({ code: 0 });
    expect(checked.stdout).toMatch(/✓ token: The workspace accepted DATABRICKS_TOKEN[\s\S]*Every check passed\./);

    const config = ['-C', `host=${fake.url}`, '-C', 'poll_seconds=0.1', '-C', 'registered_model_name=digits'];
    const created = await cli('create', 'digits-cli', '--target', 'databricks', '--model-uri', 'models:/digits-classifier/1', ...config);
    expect(created.stderr).toMatch(/✓ Register it as a version of digits in the workspace \(\d+\.\d+ s\): digits version 1 \(READY\)/);
    expect(created.stdout).toBe(`ENDPOINT_URL=${fake.url}/serving-endpoints/digits-cli/invocations\n`);
    expect(created.code).toBe(0);

    const status = await cli('status', 'digits-cli');
    expect(status.stdout).toMatch(/health: +serving \(digits-cli is READY, config update NOT_UPDATING; traffic: digits-1 100 %\.\)/);
    const input = path.join(server.dataDir, 'rows.json');
    fs.writeFileSync(input, JSON.stringify({ dataframe_split: { columns: Array.from({ length: 64 }, (_, i) => `pixel_${i}`), data: [Array.from({ length: 64 }, () => 0)] } }));
    const predicted = await cli('predict', 'digits-cli', '--input-path', input);
    expect(predicted.code).toBe(0);
    expect(JSON.parse(predicted.stdout)).toEqual({ predictions: [expect.any(Number)] });

    expect(DEPLOY_HELP).toMatch(/check --target T[\s\S]*databricks: host, endpoint_name[\s\S]*DATABRICKS_TOKEN/);
    expect(await cli('delete', 'digits-cli')).toMatchObject({ code: 0, stdout: 'Deleted digits-cli.\n' });
    expect(fake.endpoints.size).toBe(0);
  }, 180_000);
});
