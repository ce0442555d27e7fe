// The training example under examples/ runs against a real Cairn server (Debian's python3
// with scikit-learn), and its run, metrics and registered model show up in the UI: on the run
// page and on the models page.
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { expect, test } from './cairn-fixture';

const PYTHON = process.env.CAIRN_PYTHON ?? '/usr/bin/python3';

test('the scikit-learn example logs a run that the UI shows', async ({ cairn, page, shot }) => {
  // Before the example runs, the models page says how to register one.
  await page.goto(`${cairn.url}#/models`);
  await expect(page.getByTestId('models-ready')).toBeAttached();
  await expect(page.getByTestId('models-empty')).toContainText('mlflow.register_model');
  await shot(page, 'models-empty');

  const output = execFileSync(PYTHON, [path.join(__dirname, '..', 'examples', 'train_sklearn.py'), '--epochs', '8'], {
    env: { ...process.env, MLFLOW_TRACKING_URI: cairn.trackingUri },
    encoding: 'utf8',
    timeout: 120_000,
  });
  expect(output).toMatch(/test_accuracy=0\.\d+, registered digits-classifier version 1/);

  await page.goto(cairn.url);
  await page.getByText('sklearn-digits').first().click();
  await expect(page.getByText('sgd-alpha-0.0001').first()).toBeVisible();
  await shot(page, 'python-example-runs');
  await page.getByText('sgd-alpha-0.0001').first().click();
  await expect(page.getByText('test_accuracy').first()).toBeVisible();
  await expect(page.getByText('train_loss').first()).toBeVisible();
  await shot(page, 'python-example-run');
  const runId = decodeURIComponent(new URL(page.url()).hash.replace('#/runs/', ''));

  // The run page lists the version registered from the run, linking to the models page.
  const runVersion = page.getByTestId('run-model-version');
  await expect(runVersion).toHaveCount(1);
  await expect(runVersion).toContainText('digits-classifier v1');
  await expect(runVersion.getByTestId('model-alias')).toHaveText('@candidate');
  await runVersion.scrollIntoViewIfNeeded();
  await shot(page, 'python-example-run-models');
  await runVersion.getByRole('link').click();

  // The link opens the model's page, its version linked back to the run.
  await expect(page).toHaveURL(/#\/models\/digits-classifier$/);
  await expect(page.getByTestId('model-page-ready')).toBeAttached();
  await expect(page.getByTestId('model-name')).toHaveText('digits-classifier');
  const versionRow = page.getByTestId('model-version-row');
  await expect(versionRow).toHaveCount(1);
  await expect(versionRow).toHaveAttribute('data-version', '1');
  await expect(versionRow.getByTestId('model-alias')).toContainText('@candidate');
  await expect(versionRow.getByTestId('model-version-run-link')).toHaveAttribute('href', `#/runs/${runId}`);
  await expect(versionRow.getByTestId('model-version-run-link')).toHaveText('sgd-alpha-0.0001');

  // The models list shows the model with its latest version and alias; its row opens its page.
  await page.getByTestId('nav-experiments').click();
  await expect(page.getByTestId('experiments-ready')).toBeAttached();
  await page.getByTestId('nav-models').click();
  await expect(page.getByTestId('models-ready')).toBeAttached();
  const modelRow = page.getByTestId('registered-model-row');
  await expect(modelRow).toHaveCount(1);
  await expect(modelRow).toContainText('digits-classifier');
  await expect(modelRow).toContainText('v1');
  await expect(modelRow.getByTestId('model-alias')).toContainText('@candidate');
  await shot(page, 'models');
  await page.emulateMedia({ colorScheme: 'dark' });
  await shot(page, 'models-dark');
  await page.emulateMedia({ colorScheme: 'light' });
  await modelRow.locator('td').nth(1).click();
  await expect(page).toHaveURL(/#\/models\/digits-classifier$/);
  await expect(page.getByTestId('model-version-row')).toHaveCount(1);

  // The version's run link goes to the run page.
  await page.goto(`${cairn.url}#/models/digits-classifier`);
  await page.getByTestId('model-version-run-link').click();
  await expect(page.getByTestId('run-name')).toHaveText('sgd-alpha-0.0001');
});
