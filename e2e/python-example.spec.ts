// The training example under examples/ runs against a real Cairn server (Debian's python3
// with scikit-learn), and its run, metrics and registered model show up in the UI.
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { expect, test } from './cairn-fixture';

const PYTHON = process.env.CAIRN_PYTHON ?? '/usr/bin/python3';

test('the scikit-learn example logs a run that the UI shows', async ({ cairn, page, shot }) => {
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
});
