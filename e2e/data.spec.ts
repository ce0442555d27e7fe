// The Data page against `cairn serve`, with files the test writes: the empty state and a path
// that does not exist refused; a CSV added and profiled; a Parquet file with larger amounts and
// unknown countries added as its second version; the drift between them (amount drifts, the rest
// does not) with overlaid distributions and the drift over time; a checks file that fails on the
// Parquet version, with its failing values, and its tracked run whose page shows the data and
// links back; a registered model version showing the drift of the newest data against the data its
// run trained on (logged through MLflow's REST API), and that run compared with the check's run
// showing both versions' distributions side by side; profiling a large file cancelled; keyboard
// use; a file dropped in the browser (its path to complete); drift settings; a pipeline's data
// (two train.csv files as two datasets, each version naming its stage with a link to the stage's
// run); screenshots in both themes.
import { DuckDBInstance } from '@duckdb/node-api';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Page } from '@playwright/test';
import { expect, shotBothThemes, test } from './cairn-fixture';

let workDir: string;
let referenceCsv: string;
let currentParquet: string;
let checksFile: string;
let bigCsv: string;
/** The run the failing check was recorded as. */
let checkRunId = '';

/** A deterministic normal-ish value (sum of uniforms from a linear congruential generator). */
function normalValues(count: number, mean: number, spread: number, seed: number): number[] {
  let state = seed;
  const uniform = () => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state / 2147483648;
  };
  return Array.from({ length: count }, () => {
    let sum = 0;
    for (let i = 0; i < 6; i++) sum += uniform();
    return Math.round((mean + (sum - 3) * spread) * 100) / 100;
  });
}

/** Orders: id, amount, country, quantity; `amountMean` moves the amounts. */
function ordersCsv(rows: number, amountMean: number, seed: number, unknownCountries: number): string {
  const amounts = normalValues(rows, amountMean, 12, seed);
  const lines = ['id,amount,country,quantity'];
  for (let i = 0; i < rows; i++) {
    const country = i < unknownCountries ? 'XX' : ['DE', 'FR', 'US', 'NL'][i % 4];
    lines.push(`${i + 1},${amounts[i]},${country},${(i % 5) + 1}`);
  }
  return `${lines.join('\n')}\n`;
}

test.describe.configure({ mode: 'serial' });

test.beforeAll(async () => {
  workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cairn-e2e-data-'));
  referenceCsv = path.join(workDir, 'orders-march.csv');
  fs.writeFileSync(referenceCsv, ordersCsv(900, 50, 7, 0));
  // The current orders as Parquet: larger amounts (drift), three of them over 200, three unknown countries.
  const currentCsv = path.join(workDir, 'orders-april-source.csv');
  fs.writeFileSync(currentCsv, ordersCsv(900, 90, 11, 3));
  currentParquet = path.join(workDir, 'orders-april.parquet');
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  await connection.run(
    `COPY (SELECT id, CASE WHEN id <= 3 THEN amount + 200 ELSE amount END AS amount, country, quantity FROM read_csv('${currentCsv}'))
     TO '${currentParquet}' (FORMAT parquet)`,
  );
  connection.closeSync();
  instance.closeSync();
  fs.rmSync(currentCsv);
  checksFile = path.join(workDir, 'orders-checks.yaml');
  fs.writeFileSync(
    checksFile,
    ['rows: {min: 100}', 'columns:', '  id: {not_null: true, unique: true}', '  amount: {range: {min: 0, max: 200}}', '  country: {allowed_values: [DE, FR, US, NL]}', ''].join('\n'),
  );
  bigCsv = path.join(workDir, 'big.csv');
  const big = ['a,b,c'];
  for (let i = 0; i < 600_000; i++) big.push(`${i},${i % 7},name-${i % 13}`);
  fs.writeFileSync(bigCsv, `${big.join('\n')}\n`);
});

test.afterAll(() => {
  fs.rmSync(workDir, { recursive: true, force: true });
});

function columnCard(page: Page, column: string) {
  return page.locator(`[data-testid="column-card"][data-column="${column}"]`);
}

function driftColumn(page: Page, column: string) {
  return page.locator(`[data-testid="drift-column"][data-column="${column}"]`);
}

async function openData(page: Page, url: string): Promise<void> {
  await page.goto(url);
  await page.getByTestId('nav-data').click();
  await expect(page.getByTestId('data-ready')).toBeAttached();
}

test('the empty page says what to do, and a path that does not exist is refused', async ({ page, cairn, shot }) => {
  await openData(page, cairn.url);
  await expect(page.getByTestId('nav-data')).toHaveAttribute('aria-current', 'page');
  await expect(page.getByTestId('data-empty')).toContainText('cairn data add PATH');
  await page.getByTestId('add-dataset-path').fill(path.join(workDir, 'absent.csv'));
  await page.getByTestId('add-dataset-path').press('Enter');
  await expect(page.getByTestId('data-action-error')).toContainText('absent.csv');
  await expect(page.getByTestId('data-empty')).toBeVisible();
  // A file dropped in a browser: its path cannot be read, so its name fills the field to complete.
  await page.getByTestId('add-dataset-form').evaluate((form) => {
    const transfer = new DataTransfer();
    transfer.items.add(new File(['a,b\n1,2\n'], 'dropped.csv', { type: 'text/csv' }));
    form.dispatchEvent(new DragEvent('drop', { dataTransfer: transfer, bubbles: true, cancelable: true }));
  });
  await expect(page.getByTestId('drop-notice')).toContainText('complete the path of dropped.csv');
  await expect(page.getByTestId('add-dataset-path')).toHaveValue('dropped.csv');
  await page.getByTestId('add-dataset-path').fill('');
  await shot(page, 'data-empty-light');
  await page.emulateMedia({ colorScheme: 'dark' });
  await shot(page, 'data-empty-dark');
});

test('adds a CSV and shows its profile; the list shows its size', async ({ page, cairn, shot }) => {
  await openData(page, cairn.url);
  await page.getByTestId('add-dataset-path').fill(referenceCsv);
  await page.getByTestId('add-dataset-name').fill('orders');
  await page.getByTestId('add-dataset-name').press('Enter');
  await expect(page.getByTestId('dataset-name')).toHaveText('orders');
  await expect(page.getByTestId('profile-summary')).toContainText('900 rows', { timeout: 30_000 });
  await expect(page.getByTestId('column-card')).toHaveCount(4);
  await expect(columnCard(page, 'amount')).toHaveAttribute('data-type', 'numeric');
  await expect(columnCard(page, 'country')).toHaveAttribute('data-type', 'categorical');
  await expect(columnCard(page, 'amount').getByTestId('distribution-chart')).toHaveAttribute('data-bar-count', /^[1-9][0-9]*$/);
  await expect(columnCard(page, 'amount').locator('.distribution-bars').first()).toBeVisible();
  await expect(columnCard(page, 'id').getByTestId('column-min')).toHaveText('1');
  await expect(columnCard(page, 'id').getByTestId('column-max')).toHaveText('900');
  await expect(page.getByTestId('drift-empty')).toContainText('cairn data add PATH --name NAME');
  await shot(page, 'data-profile-light');

  await page.getByRole('link', { name: 'Data', exact: true }).first().click();
  const row = page.locator('[data-testid="dataset-row"][data-name="orders"]');
  await expect(row.getByTestId('dataset-rows')).toHaveText('900');
  await expect(row).toContainText('4');
});

test('a Parquet second version drifts in amount, with both distributions overlaid, and over time', async ({ page, cairn, shot }) => {
  await page.goto(cairn.url.replace(/#.*$/, '') + '#/data/orders');
  await expect(page.getByTestId('dataset-ready')).toBeAttached();
  await page.locator('.add-version summary').click();
  await page.locator('.add-version').getByTestId('add-dataset-path').fill(currentParquet);
  await expect(page.locator('.add-version').getByTestId('add-dataset-name')).toHaveValue('orders');
  await page.locator('.add-version').getByTestId('add-dataset').click();
  await expect(page.getByTestId('version-row')).toHaveCount(2);
  await expect(page.getByRole('heading', { name: 'Profile of v2' })).toBeVisible();
  await expect(page.getByTestId('profile-summary')).toContainText('parquet', { timeout: 30_000 });

  await expect(page.getByTestId('drift-summary')).toBeVisible({ timeout: 30_000 });
  await expect(driftColumn(page, 'amount')).toHaveAttribute('data-drift', 'true');
  await expect(driftColumn(page, 'amount')).toContainText('ks');
  await expect(driftColumn(page, 'quantity')).toHaveAttribute('data-drift', 'false');
  await expect(page.getByTestId('drift-column').first()).toHaveAttribute('data-column', 'amount');
  await expect(driftColumn(page, 'amount').getByTestId('drift-chart')).toBeVisible();
  // Two bars per bin: the reference and the current side, drawn over each other.
  await expect(driftColumn(page, 'amount').locator('.distribution-series')).toHaveCount(2);
  await page.getByTestId('drift-section').scrollIntoViewIfNeeded();
  await shot(page, 'data-drift-light');
  // Hovering a bar says what it covers and both sides' shares (each quantity is a fifth of both sides).
  // (The first of its five bars: the chart points at the bar under the mouse's x.)
  await driftColumn(page, 'quantity').locator('.distribution-chart svg').hover({ position: { x: 50, y: 60 } });
  const tooltip = driftColumn(page, 'quantity').getByTestId('distribution-tooltip');
  await expect(tooltip).toContainText('reference 20%');
  await expect(tooltip).toContainText('current 20%');
  await shot(page, 'data-drift-tooltip-light');
  await page.mouse.move(0, 0);
  await expect(tooltip).toHaveCount(0);

  await page.getByTestId('compute-timeline').click();
  await expect(page.getByTestId('drift-timeline')).toHaveAttribute('data-points', '2', { timeout: 30_000 });
  await expect(page.locator('[data-testid="timeline-column"][data-column="amount"]')).toContainText('drifted');
  await page.getByTestId('timeline-section').scrollIntoViewIfNeeded();
  await shot(page, 'data-timeline-light');

  await page.emulateMedia({ colorScheme: 'dark' });
  await page.getByTestId('drift-section').scrollIntoViewIfNeeded();
  await shot(page, 'data-drift-dark');
  await page.getByTestId('profile-section').scrollIntoViewIfNeeded();
  await shot(page, 'data-profile-dark');

  // Keyboard: the first version's link takes focus and Enter shows its profile.
  await page.locator('[data-testid="version-link"]').first().focus();
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { name: 'Profile of v1' })).toBeVisible();
  await expect(page.getByTestId('profile-summary')).toContainText('900 rows');
  // Back to the list and into the dataset again: its newest version is shown.
  await page.getByRole('link', { name: 'Data', exact: true }).first().click();
  await page.locator('[data-testid="dataset-row"][data-name="orders"]').getByTestId('dataset-link').click();
  await expect(page.getByRole('heading', { name: 'Profile of v2' })).toBeVisible();
  await expect(page.getByTestId('profile-summary')).toContainText('parquet');
});

test("a dataset's drift settings choose its columns and tests, and go back to Evidently's defaults", async ({ page, cairn }) => {
  await page.goto(cairn.url.replace(/#.*$/, '') + '#/data/orders');
  await expect(page.getByTestId('drift-summary')).toBeVisible({ timeout: 30_000 });
  const allColumns = await page.getByTestId('drift-column').count();
  await page.locator('[data-testid="drift-settings"] summary').click();
  await page.getByTestId('drift-settings-tests').fill('amount=anova');
  await page.getByTestId('drift-settings-save').click();
  await expect(page.getByTestId('drift-settings-error')).toContainText('the test must be one of');
  await page.getByTestId('drift-settings-columns').fill('amount, quantity');
  await page.getByTestId('drift-settings-tests').fill('amount=psi:0.2');
  await page.getByTestId('drift-settings-save').click();
  await expect(page.getByTestId('drift-column')).toHaveCount(2, { timeout: 30_000 });
  await expect(driftColumn(page, 'amount')).toContainText('psi');
  await expect(page.locator('[data-testid="drift-settings"] summary')).toContainText('chosen for this dataset');
  await page.getByTestId('drift-settings-reset').click();
  await expect(page.getByTestId('drift-column')).toHaveCount(allColumns, { timeout: 30_000 });
  await expect(driftColumn(page, 'amount')).toContainText('ks');
});

test('a checks file fails the Parquet version with the failing values, and its run links the data both ways', async ({ page, cairn, shot }) => {
  await page.goto(cairn.url.replace(/#.*$/, '') + '#/data/orders');
  await expect(page.getByTestId('dataset-ready')).toBeAttached();
  await expect(page.getByRole('heading', { name: 'Profile of v2' })).toBeVisible();
  await expect(page.getByTestId('checks-empty')).toContainText('cairn data check DATA --checks FILE');
  await page.getByTestId('checks-file').fill(path.join(workDir, 'nowhere.yaml'));
  await page.getByTestId('run-checks').click();
  await expect(page.getByTestId('error-message')).toContainText('nowhere.yaml');

  await page.getByTestId('checks-file').fill(checksFile);
  await page.getByTestId('checks-file').press('Enter');
  const result = page.getByTestId('check-result').first();
  await expect(result).toHaveAttribute('data-failed', '2', { timeout: 30_000 });
  const failing = result.locator('[data-testid="check-rule"][data-passed="false"]');
  await expect(failing).toHaveCount(2);
  await expect(failing.filter({ hasText: 'amount' })).toContainText('3');
  await expect(failing.filter({ hasText: 'country' }).getByTestId('check-examples')).toContainText('XX');
  await result.scrollIntoViewIfNeeded();
  await shot(page, 'data-checks-light');
  await page.emulateMedia({ colorScheme: 'dark' });
  await shot(page, 'data-checks-dark');
  await page.emulateMedia({ colorScheme: 'light' });

  checkRunId = ((await result.getByTestId('check-run-link').getAttribute('href')) ?? '').replace('#/runs/', '');
  await result.getByTestId('check-run-link').click();
  await expect(page.getByTestId('run-page')).toBeVisible();
  const runData = page.getByTestId('run-data');
  await expect(runData.getByTestId('run-data-version')).toHaveAttribute('data-dataset', 'orders');
  await expect(runData).toContainText('900 rows · 4 columns');
  await expect(runData.getByTestId('run-data-column')).toHaveCount(4);
  await runData.scrollIntoViewIfNeeded();
  await shot(page, 'run-data-light');
  await runData.getByTestId('run-data-link').click();
  await expect(page.getByTestId('dataset-name')).toHaveText('orders');
  await expect(page.getByTestId('version-run-link')).toHaveCount(1);

  await page.getByRole('link', { name: 'Data', exact: true }).first().click();
  await expect(page.locator('[data-testid="dataset-row"][data-name="orders"]').getByTestId('dataset-run-link')).toHaveCount(1);
});

test("a registered model version shows the drift of the newest data against the data its run trained on", async ({ page, cairn, shot }) => {
  const experimentId = await cairn.mlflow.createExperiment('orders-model');
  const runId = await cairn.mlflow.createRun(experimentId, 'train-on-march');
  await cairn.mlflow.post('runs/log-inputs', {
    run_id: runId,
    datasets: [
      {
        dataset: { name: 'orders', digest: 'march', source_type: 'local', source: JSON.stringify({ uri: referenceCsv }) },
        tags: [{ key: 'mlflow.data.context', value: 'training' }],
      },
    ],
  });
  await cairn.mlflow.finishRun(runId);
  await cairn.mlflow.post('registered-models/create', { name: 'orders-model' });
  await cairn.mlflow.post('model-versions/create', { name: 'orders-model', source: `runs:/${runId}/model`, run_id: runId });

  await page.goto(cairn.url.replace(/#.*$/, '') + '#/models/orders-model/versions/1');
  const item = page.getByTestId('training-drift-item');
  await expect(item).toHaveAttribute('data-drift', 'true', { timeout: 30_000 });
  await expect(item).toContainText('2 of 4 columns drifted (amount, country)');
  await page.getByTestId('training-drift').scrollIntoViewIfNeeded();
  await shot(page, 'model-training-drift-light');

  // The training run's page shows the data it used, with its profile.
  await page.goto(cairn.url.replace(/#.*$/, '') + `#/runs/${runId}`);
  await expect(page.getByTestId('run-data').getByTestId('run-data-version')).toContainText('input');
  await expect(page.getByTestId('run-data')).toContainText('900 rows · 4 columns');

  // Compared with the check's run: each run's version of orders, side by side.
  await page.goto(cairn.url.replace(/#.*$/, '') + `#/compare?runs=${runId},${checkRunId}`);
  await expect(page.getByTestId('compare-ready')).toBeAttached();
  await page.getByTestId('compare-data-deferred').scrollIntoViewIfNeeded();
  const compared = page.locator('[data-testid="compare-dataset"][data-dataset="orders"]');
  await expect(compared.locator('thead th')).toHaveCount(3);
  await expect(compared.getByTestId('compare-data-cell')).toHaveCount(8);
  await expect(compared.getByTestId('distribution-chart')).toHaveCount(8);
  await compared.scrollIntoViewIfNeeded();
  await shot(page, 'compare-data-light');
});

test('profiling a large file shows its progress and can be cancelled', async ({ page, cairn }) => {
  await openData(page, cairn.url);
  await page.getByTestId('add-dataset-path').fill(bigCsv);
  await page.getByTestId('add-dataset').click();
  await expect(page.getByTestId('dataset-name')).toHaveText('big');
  const job = page.locator('[data-testid="data-job"][data-kind="profile"]');
  await expect(job).toBeVisible();
  await job.getByTestId('cancel-data-job').click();
  await expect(job).toHaveCount(0, { timeout: 30_000 });
  await expect(page.getByTestId('profile-empty')).toBeVisible();
  await expect(page.getByTestId('error-message')).toHaveCount(0);
  // Profiled again, it completes.
  await page.getByTestId('profile-version').click();
  await expect(page.getByTestId('profile-summary')).toContainText('600,000 rows', { timeout: 60_000 });
});

test("a pipeline's data: same-named files are two datasets, and a version names the stage that used or wrote it, linking to its run", async ({ page, cairn, shot }) => {
  const project = path.join(workDir, 'churn');
  fs.mkdirSync(path.join(project, 'data', 'raw'), { recursive: true });
  fs.writeFileSync(path.join(project, 'data', 'raw', 'train.csv'), ordersCsv(50, 50, 3, 0));
  fs.writeFileSync(
    path.join(project, 'dvc.yaml'),
    `stages:
  prepare:
    cmd: mkdir -p data/prepared && head -n 31 data/raw/train.csv > data/prepared/train.csv
    deps: [data/raw/train.csv]
    outs: [data/prepared/train.csv]
  train:
    foreach: [0]
    do:
      cmd: wc -l data/prepared/train.csv > model-\${item}.txt
      deps: [data/prepared/train.csv]
      outs:
        - model-\${item}.txt
`,
  );
  // The CLI beside the running app, over its data folder, as a user would run it.
  execFileSync(process.execPath, [path.join(__dirname, '..', 'bin', 'cairn.js'), 'pipeline', 'run', '--project', project, '--data-dir', cairn.dataDir], {
    stdio: 'pipe',
    timeout: 60_000,
    env: { ...process.env, CAIRN_DATA_DIR: '' },
  });

  await openData(page, cairn.url);
  await expect(page.locator('[data-testid="dataset-row"][data-name="churn/data/raw/train.csv"]')).toBeVisible();
  await page.locator('[data-testid="dataset-row"][data-name="churn/data/prepared/train.csv"]').getByTestId('dataset-link').click();
  await expect(page.getByTestId('dataset-name')).toHaveText('churn/data/prepared/train.csv');
  const row = page.getByTestId('version-row');
  await expect(row).toHaveCount(1);
  await expect(row.getByTestId('version-stage-link')).toHaveText(['prepare', 'train@0']);
  await expect(row.locator('.version-origin')).toHaveText(['output of prepare', 'input of train@0']);
  await page.getByTestId('versions-table').scrollIntoViewIfNeeded();
  await shotBothThemes(page, shot, 'data-pipeline-versions');

  await row.locator('[data-testid="version-stage-link"][data-stage="prepare"]').click();
  await expect(page.getByTestId('run-name')).toHaveText('prepare');
  await page.goBack();
  await row.locator('[data-testid="version-stage-link"][data-stage="train@0"]').click();
  await expect(page.getByTestId('run-name')).toHaveText('train@0');
});
