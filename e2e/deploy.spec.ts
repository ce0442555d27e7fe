// Register and deploy in the app: the scikit-learn example (trained with Debian's python3) logs a
// model that is registered from its run's page, deployed to the local target with the Deploy
// button, scored through Try it and through the page's curl line, updated to a second version
// (registered by an mlflow-style client, which the app shows live), rolled back and deleted.
// Screenshots of each page in both themes. Then a cloud target from the app: Databricks (a fake
// Model Serving whose endpoints really serve, a second Cairn server as the workspace's MLflow),
// its credentials, Test connection, deploy, update, roll back, and a failed deploy's message.
import { execFile, execFileSync } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { expect, shotBothThemes, test } from './cairn-fixture';
import { loadCloudPeers } from './cloud-peers';
import { PYTHON, trainExample } from './example-training';

// The endpoint's Python worker runs the model with this interpreter (the local target's default).
process.env.CAIRN_PYTHON = PYTHON;
// `cairn serve` keeps no secrets (no OS keychain outside the desktop app): it uses the token the
// Databricks tools would, DATABRICKS_TOKEN, inherited when the fixture starts it.
const DATABRICKS_TOKEN = 'dapi-e2e-0123456789abcdef';
process.env.DATABRICKS_TOKEN = DATABRICKS_TOKEN;
process.env.DATABRICKS_CONFIG_FILE = path.join(__dirname, 'no-databrickscfg');
delete process.env.DATABRICKS_HOST;

test('register, deploy, try it, update, roll back and delete in the app', async ({ cairn, page, shot }) => {
  test.setTimeout(300_000);

  // Nothing deployed yet: the page says how to deploy.
  await page.goto(`${cairn.url}#/deployments`);
  await expect(page.getByTestId('deployments-empty')).toContainText('Deploy');
  await shotBothThemes(page, shot, 'deployments-empty');

  // The example logs a run with a model folder, not registered.
  const output = trainExample(cairn.trackingUri, '--no-register');
  const runId = /^run (\w+): .*not registered/m.exec(output)?.[1];
  expect(runId).toBeTruthy();

  // Register it from the run's page, as a new model.
  await page.goto(`${cairn.url}#/runs/${runId}`);
  const folder = page.getByTestId('run-model-folder');
  await expect(folder).toHaveAttribute('data-path', 'model');
  await expect(folder).toContainText('sklearn');
  await folder.getByTestId('run-model-register').click();
  const register = page.getByTestId('register-dialog');
  await register.getByTestId('register-name').fill('digits');
  await expect(register.getByTestId('register-outcome')).toContainText('A new registered model named digits');
  await shot(page, 'register-dialog');
  await register.getByTestId('register-submit').click();

  // The new version opens on its model's page, with where it came from.
  await expect(page).toHaveURL(/#\/models\/digits\/versions\/1$/);
  await expect(page.getByTestId('model-page-ready')).toBeAttached();
  await expect(page.getByTestId('version-panel')).toHaveAttribute('data-version', '1');
  await expect(page.getByTestId('lineage-run')).toHaveText('sgd-alpha-0.0001');
  await expect(page.getByTestId('lineage-dataset')).toContainText('digits');

  // Describe it and point an alias at it, with the keyboard.
  await page.getByTestId('model-description-edit').click();
  await page.getByTestId('model-description-input').fill('Reads 8×8 handwritten digits.');
  await page.getByTestId('model-description-input').press('Control+Enter');
  await expect(page.getByTestId('model-description')).toContainText('Reads 8×8 handwritten digits.');
  await page.getByTestId('alias-name').fill('champion');
  await page.getByTestId('alias-name').press('Enter');
  const v1 = page.locator('[data-testid="model-version-row"][data-version="1"]');
  await expect(v1.getByTestId('model-alias')).toHaveText(/@champion/);
  await shotBothThemes(page, shot, 'model-page');

  // Deploy version 1 to the local target: the dialog, then the deployment's steps live.
  await v1.getByTestId('model-version-deploy').click();
  const dialog = page.getByTestId('deploy-dialog');
  await expect(dialog.locator('[data-testid="deploy-target"][data-target="local"] input')).toBeChecked();
  await expect(dialog.getByTestId('deploy-name')).toHaveValue('digits');
  await shotBothThemes(page, shot, 'deploy-dialog');
  await dialog.getByTestId('deploy-submit').click();
  await expect(page).toHaveURL(/#\/deployments\/digits$/);
  await expect(page.getByTestId('timeline-step').first()).toBeVisible();
  const current = page.getByTestId('current-operation').getByTestId('operation-timeline');
  await expect(current).toHaveAttribute('data-outcome', 'succeeded', { timeout: 60_000 });
  await expect(page.getByTestId('deployment-health')).toHaveAttribute('data-health', 'serving');
  await expect(page.getByTestId('deployment-serves')).toContainText('digits v1');
  await expect(page.getByTestId('endpoint-url')).toHaveText(/^http:\/\/127\.0\.0\.1:\d+$/);

  // Try it: prefilled from the model's input example; the prediction comes back.
  const request = page.getByTestId('try-it-request');
  await expect(request).toHaveValue(/"dataframe_split"/);
  await expect(request).toHaveValue(/pixel_0/);
  await page.getByTestId('try-it-send').click();
  await expect(page.getByTestId('try-it-answer')).toHaveAttribute('data-status', '200');
  const answer = JSON.parse((await page.getByTestId('try-it-result').textContent()) ?? '') as { predictions: number[] };
  expect(answer.predictions.length).toBeGreaterThan(0);
  for (const prediction of answer.predictions) expect(prediction).toBeGreaterThanOrEqual(0);
  await shotBothThemes(page, shot, 'deployment-try-it');

  // The curl line on the page works as printed.
  const curl = (await page.getByTestId('curl-line').textContent()) ?? '';
  expect(JSON.parse(execFileSync('sh', ['-c', curl], { encoding: 'utf8', timeout: 30_000 }))).toEqual(answer);

  // A request the model cannot read gets MLflow's error, shown with what to change.
  await request.fill('{"dataframe_split": {"columns": ["nope"], "data": [[1]]}}');
  await request.press('Control+Enter');
  await expect(page.getByTestId('try-it-answer')).toHaveAttribute('data-status', '400');
  await expect(page.getByTestId('try-it-result')).toContainText('INVALID_PARAMETER_VALUE');
  await shot(page, 'deployment-try-it-error');

  // The endpoint's log says what it did.
  await page.getByTestId('deployment-log').locator('summary').click();
  await expect(page.getByTestId('deployment-log-text')).toContainText('endpoint digits listening on');
  await expect(page.getByTestId('deployment-log-text')).toContainText('serving');

  // A client registers version 2; the model page shows it without a reload.
  await page.goto(`${cairn.url}#/models/digits`);
  await expect(page.getByTestId('model-version-row')).toHaveCount(1);
  trainExample(cairn.trackingUri, '--alpha', '0.01', '--model-name', 'digits');
  await expect(page.getByTestId('model-version-row')).toHaveCount(2);
  await expect(v1.getByTestId('model-version-deployment')).toHaveText('digits');

  // The two versions side by side.
  for (const box of await page.getByTestId('model-version-select').all()) await box.check();
  await page.getByTestId('compare-versions').click();
  await expect(page).toHaveURL(/#\/models\/digits\/compare\/1\/2$/);
  await expect(page.locator('[data-testid="version-diff-row"][data-key="alpha"]')).toHaveAttribute('data-differs', 'true');
  await shotBothThemes(page, shot, 'compare-versions');

  // Update the deployment to version 2 from the version's Deploy button.
  await page.goto(`${cairn.url}#/models/digits`);
  await page.locator('[data-testid="model-version-row"][data-version="2"]').getByTestId('model-version-deploy').click();
  await page.getByTestId('deploy-mode').selectOption('digits');
  await expect(page.getByTestId('deploy-submit')).toHaveText('Update digits');
  await page.getByTestId('deploy-submit').click();
  await expect(page).toHaveURL(/#\/deployments\/digits$/);
  await expect(page.getByTestId('deployment-serves')).toContainText('digits v2', { timeout: 60_000 });
  await expect(current).toHaveAttribute('data-outcome', 'succeeded');
  await expect(page.getByTestId('deployment-rollback')).toHaveText('Roll back to v1');

  // Roll back in one click.
  await page.getByTestId('deployment-rollback').click();
  await expect(page.getByTestId('deployment-serves')).toContainText('digits v1', { timeout: 60_000 });
  await expect(current).toHaveAttribute('data-outcome', 'succeeded');
  await expect(page.getByTestId('history-entry')).toHaveCount(3);
  await expect(page.getByTestId('history-entry').first()).toHaveAttribute('data-kind', 'rollback');
  await page.getByTestId('try-it-send').click();
  await expect(page.getByTestId('try-it-answer')).toHaveAttribute('data-status', '200');
  await page.getByTestId('history-entry').nth(1).locator('summary').click();
  await shotBothThemes(page, shot, 'deployment-history');

  // Every deployment, with its version and status.
  await page.getByTestId('nav-deployments').click();
  const row = page.getByTestId('deployment-row');
  await expect(row).toHaveCount(1);
  await expect(row.getByTestId('deployment-health')).toHaveAttribute('data-health', 'serving');
  await expect(row).toContainText('digits v1');
  await shotBothThemes(page, shot, 'deployments');

  // Delete stops it, after saying what goes.
  await row.getByTestId('deployment-link').click();
  await page.getByTestId('deployment-delete').click();
  await expect(page.getByTestId('delete-deployment-dialog')).toContainText('stops answering');
  await page.getByTestId('delete-deployment-confirm').click();
  await expect(page.getByTestId('deployment-deleted')).toBeVisible({ timeout: 30_000 });
  await page.getByTestId('nav-deployments').click();
  await expect(page.getByTestId('deployments-empty')).toBeVisible();
});

test('deploy to Databricks from the app: credentials, Test connection, deploy, update, roll back, a failed deploy', async ({ cairn, page, shot }) => {
  test.setTimeout(600_000);
  const peers = await loadCloudPeers();
  const workspace = await peers.startTestTrackingServer({ token: DATABRICKS_TOKEN });
  const fake = await peers.FakeDatabricks.start({ token: DATABRICKS_TOKEN, mlflowUrl: workspace.url, launcher: await peers.bundleEndpointHost(), python: PYTHON });
  try {
    trainExample(cairn.trackingUri, '--model-name', 'churn', '--alpha', '0.0001');
    trainExample(cairn.trackingUri, '--model-name', 'churn', '--alpha', '0.05');

    // The dialog on version 1, with Databricks chosen: its settings, credentials and Test connection.
    await page.goto(`${cairn.url}#/models/churn`);
    const version = (n: number) => page.locator(`[data-testid="model-version-row"][data-version="${n}"]`);
    await version(1).getByTestId('model-version-deploy').click();
    const dialog = page.getByTestId('deploy-dialog');
    const credentials = dialog.getByTestId('target-credentials');
    // SageMaker's form comes from its description too: its three keys, and a check naming what is missing.
    await dialog.locator('[data-testid="deploy-target"][data-target="sagemaker"]').click();
    await expect(credentials.getByTestId('target-secret')).toHaveCount(3);
    await credentials.getByTestId('test-connection').click();
    await expect(credentials.getByTestId('connection-result')).toHaveAttribute('data-ok', 'false');
    await expect(credentials.getByTestId('connection-result')).toContainText('execution_role_arn is needed');
    await dialog.locator('[data-testid="deploy-target"][data-target="databricks"]').click();
    await expect(credentials.getByTestId('connection-result')).toHaveCount(0);
    await expect(credentials.getByTestId('target-secret')).toHaveAttribute('data-in-keychain', 'false');
    await expect(credentials).toContainText('DATABRICKS_TOKEN or the token of the ~/.databrickscfg profile');

    // The browser mode has no keychain: the token typed in is refused with what to do instead, and not shown back.
    await credentials.getByTestId('secret-input-token').fill('dapi-typed-in-the-browser');
    await credentials.getByTestId('secret-input-token').press('Enter');
    await expect(credentials.getByTestId('secret-error')).toContainText("kept only in the desktop app's OS keychain");
    await expect(credentials.getByTestId('secret-input-token')).toHaveValue('');

    // Test connection without a host says which setting is missing.
    await credentials.getByTestId('test-connection').click();
    const result = credentials.getByTestId('connection-result');
    await expect(result).toHaveAttribute('data-ok', 'false');
    await expect(result.getByTestId('connection-check').first()).toContainText('host is needed');
    await result.scrollIntoViewIfNeeded();
    await shot(page, 'deploy-dialog-databricks-check-failed');

    await dialog.getByTestId('deploy-setting-host').fill(fake.url);
    await dialog.getByTestId('deploy-setting-poll_seconds').fill('0.2');
    await credentials.getByTestId('test-connection').click();
    await expect(result).toHaveAttribute('data-ok', 'true');
    await expect(result).toContainText('The workspace accepted DATABRICKS_TOKEN');
    await expect(result.getByTestId('connection-check')).toHaveCount(4);
    await result.scrollIntoViewIfNeeded();
    await shotBothThemes(page, shot, 'deploy-dialog-databricks');

    // Deploy: the steps live, then the endpoint with its invocations URL.
    await dialog.getByTestId('deploy-name').fill('churn-dbx');
    await dialog.getByTestId('deploy-submit').click();
    await expect(page).toHaveURL(/#\/deployments\/churn-dbx$/);
    const current = page.getByTestId('current-operation').getByTestId('operation-timeline');
    await expect(current).toHaveAttribute('data-outcome', 'succeeded', { timeout: 180_000 });
    await expect(current.getByTestId('timeline-step').filter({ hasText: 'Register it as a version of churn in the workspace' })).toBeVisible();
    await expect(page.getByTestId('deployment-health')).toHaveAttribute('data-health', 'serving');
    await expect(page.getByTestId('endpoint-url')).toHaveText(`${fake.url}/serving-endpoints/churn-dbx/invocations`);

    // Try it, and the curl line with the token from the environment.
    await page.getByTestId('try-it-send').click();
    await expect(page.getByTestId('try-it-answer')).toHaveAttribute('data-status', '200');
    const answer = JSON.parse((await page.getByTestId('try-it-result').textContent()) ?? '') as { predictions: number[] };
    expect(answer.predictions.length).toBeGreaterThan(0);
    const curl = (await page.getByTestId('curl-line').textContent()) ?? '';
    expect(curl).toContain('Authorization: Bearer $DATABRICKS_TOKEN');
    expect(curl).not.toContain(DATABRICKS_TOKEN);
    // Not execFileSync: the fake workspace answers from this process.
    const curled = await promisify(execFile)('sh', ['-c', curl], { encoding: 'utf8', timeout: 30_000, env: { ...process.env, DATABRICKS_TOKEN } });
    expect(JSON.parse(curled.stdout)).toEqual(answer);
    await shotBothThemes(page, shot, 'deployment-databricks');

    // Update to version 2 (beside version 1), then roll back: traffic goes back to version 1.
    await page.goto(`${cairn.url}#/models/churn`);
    await version(2).getByTestId('model-version-deploy').click();
    await page.getByTestId('deploy-mode').selectOption('churn-dbx');
    await page.getByTestId('deploy-submit').click();
    await expect(page.getByTestId('deployment-serves')).toContainText('churn v2', { timeout: 180_000 });
    await expect(current).toHaveAttribute('data-outcome', 'succeeded');
    await page.getByTestId('deployment-rollback').click();
    await expect(page.getByTestId('deployment-serves')).toContainText('churn v1', { timeout: 120_000 });
    await expect(current).toHaveAttribute('data-outcome', 'succeeded');
    await expect(current.getByTestId('timeline-step').filter({ hasText: "Send churn-dbx's traffic back to churn-1" })).toBeVisible();

    // A deploy to an endpoint name the workspace has already fails at its step, saying what to do.
    await page.goto(`${cairn.url}#/models/churn`);
    await version(2).getByTestId('model-version-deploy').click();
    await dialog.locator('[data-testid="deploy-target"][data-target="databricks"]').click();
    await dialog.getByTestId('deploy-name').fill('churn-clash');
    await dialog.getByTestId('deploy-setting-host').fill(fake.url);
    await dialog.getByTestId('deploy-setting-endpoint_name').fill('churn-dbx');
    await dialog.getByTestId('deploy-submit').click();
    await expect(page).toHaveURL(/#\/deployments\/churn-clash$/);
    await expect(current).toHaveAttribute('data-outcome', 'failed', { timeout: 60_000 });
    await expect(page.getByTestId('current-operation')).toContainText("exists already in");
    await expect(page.getByTestId('current-operation')).toContainText('set endpoint_name to another name');
    await shotBothThemes(page, shot, 'deployment-databricks-failed');

    // Every deployment with its target and health.
    await page.getByTestId('nav-deployments').click();
    const row = page.getByTestId('deployment-row').filter({ hasText: 'churn-dbx' });
    await expect(row.getByTestId('deployment-health')).toHaveAttribute('data-health', 'serving');
    await expect(row).toContainText('databricks');
    await shotBothThemes(page, shot, 'deployments-cloud');
  } finally {
    await fake.close();
    await workspace.close();
  }
});
