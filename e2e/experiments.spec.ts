// The app shell and the experiments list: a newcomer's empty state with the tracking address to
// copy, the theme switch, creating experiments (and a taken name refused inline), run counts that
// follow runs logged while the page is open, and an error a person can act on.
import type { Page } from '@playwright/test';
import { expect, test } from './cairn-fixture';

async function openHome(page: Page, url: string): Promise<void> {
  await page.goto(url);
  await expect(page.getByTestId('experiments-ready')).toBeAttached();
}

function experimentRow(page: Page, name: string) {
  return page.getByTestId('experiment-row').filter({ has: page.getByTestId('experiment-link').getByText(name, { exact: true }) });
}

test.describe.configure({ mode: 'serial' });

test('a newcomer sees what to do: the export line to copy and a Python example', async ({ page, cairn, shot }) => {
  await page.context().grantPermissions(['clipboard-read', 'clipboard-write']);
  await openHome(page, cairn.url);
  await expect(page.getByTestId('tracking-uri')).toHaveText(cairn.trackingUri);
  const panel = page.getByTestId('getting-started');
  await expect(panel).toBeVisible();
  await expect(page.getByTestId('getting-started-export')).toHaveText(`export MLFLOW_TRACKING_URI=${cairn.trackingUri}`);
  await expect(page.getByTestId('getting-started-python')).toContainText('mlflow.set_experiment("demo")');
  await expect(page.getByTestId('getting-started-python')).toContainText('mlflow.log_metric("loss", 0.5)');
  await shot(page, 'experiments-empty-light');

  await page.getByTestId('copy-export-line').click();
  await expect(page.getByTestId('copy-export-line')).toHaveText(/Copied/);
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(`export MLFLOW_TRACKING_URI=${cairn.trackingUri}`);

  await page.getByTestId('copy-tracking-uri').click();
  await expect(page.getByTestId('copy-tracking-uri')).toHaveText(/Copied/);
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(`export MLFLOW_TRACKING_URI=${cairn.trackingUri}`);

  await page.emulateMedia({ colorScheme: 'dark' });
  await shot(page, 'experiments-empty-dark');
});

test('the theme follows the OS until the user picks one, and the pick survives a reload', async ({ page, cairn, shot }) => {
  await page.emulateMedia({ colorScheme: 'dark' });
  await openHome(page, cairn.url);
  const background = () => page.evaluate(() => getComputedStyle(document.body).backgroundColor);
  const toggle = page.getByTestId('theme-toggle');
  await expect(toggle).toHaveAttribute('data-theme-choice', 'system');
  const dark = await background();

  await toggle.click();
  await expect(toggle).toHaveAttribute('data-theme-choice', 'light');
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'light');
  expect(await background()).not.toBe(dark);
  await shot(page, 'theme-light-forced-on-dark-os');

  await page.reload();
  await expect(page.getByTestId('theme-toggle')).toHaveAttribute('data-theme-choice', 'light');
  await page.getByTestId('theme-toggle').click();
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
  await page.getByTestId('theme-toggle').click();
  await expect(page.getByTestId('theme-toggle')).toHaveAttribute('data-theme-choice', 'system');
  await expect(page.locator('html')).not.toHaveAttribute('data-theme', /.+/);
});

test('creates an experiment, opens it, and refuses a taken name where it was typed', async ({ page, cairn, shot }) => {
  await openHome(page, cairn.url);
  await page.getByTestId('new-experiment').click();
  await page.getByTestId('new-experiment-name').fill('fraud-detector');
  await shot(page, 'experiments-create-form');
  await page.getByTestId('create-experiment').click();
  await expect(page).toHaveURL(/#\/experiments\/\d+$/);
  await expect(page.getByTestId('experiment-title')).toHaveText('fraud-detector');
  await expect(page.getByTestId('getting-started-python')).toContainText('mlflow.set_experiment("fraud-detector")');
  await shot(page, 'runs-empty-experiment-light');
  await page.emulateMedia({ colorScheme: 'dark' });
  await shot(page, 'runs-empty-experiment-dark');
  await page.emulateMedia({ colorScheme: 'light' });

  await page.getByRole('navigation', { name: 'Breadcrumbs' }).getByRole('link', { name: 'Experiments' }).click();
  await expect(experimentRow(page, 'fraud-detector')).toBeVisible();
  await page.getByTestId('new-experiment').click();
  await page.getByTestId('new-experiment-name').fill('fraud-detector');
  await page.getByTestId('new-experiment-name').press('Enter');
  await expect(page.getByTestId('create-experiment-error')).toContainText('already exists');
  await shot(page, 'experiments-create-taken-name');
});

test('lists experiments with run counts that follow runs logged while the page is open', async ({ page, cairn, shot }) => {
  const experimentId = await cairn.mlflow.createExperiment('churn-model');
  for (let i = 0; i < 3; i++) {
    const runId = await cairn.mlflow.createRun(experimentId, `seed-${i}`);
    await cairn.mlflow.logBatch(runId, { params: { seed: String(i) }, metrics: [{ key: 'auc', value: 0.8 + i / 100, step: 0 }] });
    await cairn.mlflow.finishRun(runId);
  }
  await openHome(page, cairn.url);
  const row = experimentRow(page, 'churn-model');
  await expect(row.getByTestId('experiment-run-count')).toHaveText('3');
  await expect(page.getByTestId('getting-started')).toHaveCount(0);
  await shot(page, 'experiments-list-light');
  await page.emulateMedia({ colorScheme: 'dark' });
  await shot(page, 'experiments-list-dark');

  // A training script logs a run now: the count moves without a reload.
  await cairn.mlflow.createRun(experimentId, 'live-run');
  await expect(row.getByTestId('experiment-run-count')).toHaveText('4');
  await expect(experimentRow(page, 'churn-model')).toHaveCount(1);

  await row.getByTestId('experiment-link').click();
  await expect(page.getByTestId('runs-table-ready')).toBeAttached();
  await expect(page.getByTestId('run-row')).toHaveCount(4);
});

test('an address that leads nowhere says so, and a missing experiment says which', async ({ page, cairn, shot }) => {
  await page.goto(`${cairn.url}#/nowhere/at/all`);
  await expect(page.getByTestId('not-found')).toContainText('not a page of Cairn');
  await page.goto(`${cairn.url}#/experiments/987654`);
  await expect(page.getByTestId('error-message')).toContainText('No experiment with id 987654 exists');
  await expect(page.getByRole('button', { name: 'Try again' })).toBeVisible();
  await shot(page, 'runs-missing-experiment');
});

test("a page whose code cannot be loaded says so, and Try again loads it once it can be", async ({ page, cairn }) => {
  await openHome(page, cairn.url);
  let refused = 0;
  // The models page's own chunk (its file name carries the page's module name and a hash).
  await page.route(/\/assets\/models-page-[^/]+\.js$/, (route) => (refused++ === 0 ? route.abort('connectionrefused') : route.continue()));
  await page.getByRole('link', { name: 'Models', exact: true }).click();
  await expect(page.getByTestId('error-message')).toContainText('Could not load this page');
  await expect(page.getByTestId('app-ready')).toBeVisible();
  await page.getByRole('button', { name: 'Try again' }).click();
  await expect(page.getByTestId('error-message')).toHaveCount(0);
  await expect(page.getByText('No registered models yet')).toBeVisible();
  expect(refused).toBe(2);
});
