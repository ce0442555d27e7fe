// Register and deploy in the app: the scikit-learn example (trained with Debian's python3) logs a
// model that is registered from its run's page, deployed to the local target with the Deploy
// button, scored through Try it and through the page's curl line, updated to a second version
// (registered by an mlflow-style client, which the app shows live), rolled back and deleted.
// Screenshots of each page in both themes.
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import type { Page } from '@playwright/test';
import { expect, test } from './cairn-fixture';

const PYTHON = process.env.CAIRN_PYTHON ?? '/usr/bin/python3';
// The endpoint's Python worker runs the model with this interpreter (the local target's default).
process.env.CAIRN_PYTHON = PYTHON;
const EXAMPLE = path.join(__dirname, '..', 'examples', 'train_sklearn.py');

/** Runs the training example against the server; its printed line. */
function train(trackingUri: string, ...args: string[]): string {
  return execFileSync(PYTHON, [EXAMPLE, '--epochs', '3', ...args], {
    env: { ...process.env, MLFLOW_TRACKING_URI: trackingUri },
    encoding: 'utf8',
    timeout: 120_000,
  });
}

/** Screenshots in the light theme, then the dark one. */
async function shotBoth(page: Page, shot: (page: Page, name: string) => Promise<void>, name: string) {
  await page.emulateMedia({ colorScheme: 'light' });
  await shot(page, name);
  await page.emulateMedia({ colorScheme: 'dark' });
  await shot(page, `${name}-dark`);
  await page.emulateMedia({ colorScheme: 'light' });
}

test('register, deploy, try it, update, roll back and delete in the app', async ({ cairn, page, shot }) => {
  test.setTimeout(300_000);

  // Nothing deployed yet: the page says how to deploy.
  await page.goto(`${cairn.url}#/deployments`);
  await expect(page.getByTestId('deployments-empty')).toContainText('Deploy');
  await shotBoth(page, shot, 'deployments-empty');

  // The example logs a run with a model folder, not registered.
  const output = train(cairn.trackingUri, '--no-register');
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
  await shotBoth(page, shot, 'model-page');

  // Deploy version 1 to the local target: the dialog, then the deployment's steps live.
  await v1.getByTestId('model-version-deploy').click();
  const dialog = page.getByTestId('deploy-dialog');
  await expect(dialog.locator('[data-testid="deploy-target"][data-target="local"] input')).toBeChecked();
  await expect(dialog.getByTestId('deploy-name')).toHaveValue('digits');
  await shotBoth(page, shot, 'deploy-dialog');
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
  await shotBoth(page, shot, 'deployment-try-it');

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
  train(cairn.trackingUri, '--alpha', '0.01', '--model-name', 'digits');
  await expect(page.getByTestId('model-version-row')).toHaveCount(2);
  await expect(v1.getByTestId('model-version-deployment')).toHaveText('digits');

  // The two versions side by side.
  for (const box of await page.getByTestId('model-version-select').all()) await box.check();
  await page.getByTestId('compare-versions').click();
  await expect(page).toHaveURL(/#\/models\/digits\/compare\/1\/2$/);
  await expect(page.locator('[data-testid="version-diff-row"][data-key="alpha"]')).toHaveAttribute('data-differs', 'true');
  await shotBoth(page, shot, 'compare-versions');

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
  await shotBoth(page, shot, 'deployment-history');

  // Every deployment, with its version and status.
  await page.getByTestId('nav-deployments').click();
  const row = page.getByTestId('deployment-row');
  await expect(row).toHaveCount(1);
  await expect(row.getByTestId('deployment-health')).toHaveAttribute('data-health', 'serving');
  await expect(row).toContainText('digits v1');
  await shotBoth(page, shot, 'deployments');

  // Delete stops it, after saying what goes.
  await row.getByTestId('deployment-link').click();
  await page.getByTestId('deployment-delete').click();
  await expect(page.getByTestId('delete-deployment-dialog')).toContainText('stops answering');
  await page.getByTestId('delete-deployment-confirm').click();
  await expect(page.getByTestId('deployment-deleted')).toBeVisible({ timeout: 30_000 });
  await page.getByTestId('nav-deployments').click();
  await expect(page.getByTestId('deployments-empty')).toBeVisible();
});
