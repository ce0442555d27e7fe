// The Pipelines page against `cairn serve`: the empty state, a folder without a dvc.yaml refused,
// examples/pipeline (a copy, with Debian's python3 for scikit-learn) opened, its DAG drawn, run
// with the stages' output streaming, rerun with every stage up to date, a param changed to run a
// variant, two executions compared, a stage's tracked run opened; screenshots in both themes.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Page } from '@playwright/test';
import { expect, test } from './cairn-fixture';

const EXAMPLE = path.resolve(__dirname, '..', 'examples', 'pipeline');
const SKLEARN = '/usr/lib/python3/dist-packages/sklearn';
const STAGES = ['prepare', 'featurize', 'train@logreg', 'train@forest', 'evaluate'];

let workDir: string;
let project: string;

test.describe.configure({ mode: 'serial' });

test.beforeAll(() => {
  workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cairn-e2e-pipeline-'));
  project = path.join(workDir, 'pipeline');
  fs.cpSync(EXAMPLE, project, { recursive: true });
  // The stages run `python3`; Debian's has scikit-learn (the first python3 on PATH may not).
  const dvcYaml = path.join(project, 'dvc.yaml');
  fs.writeFileSync(dvcYaml, fs.readFileSync(dvcYaml, 'utf8').replaceAll('cmd: python3 ', 'cmd: /usr/bin/python3 '));
});

test.afterAll(() => {
  fs.rmSync(workDir, { recursive: true, force: true });
});

function stageNode(page: Page, stage: string) {
  return page.locator(`[data-testid="dag-stage"][data-stage="${stage}"]`);
}

async function expectStates(page: Page, label: string | RegExp): Promise<void> {
  for (const stage of STAGES) await expect(stageNode(page, stage)).toHaveAttribute('data-state', label, { timeout: 120_000 });
}

test('the empty page says what to do, and a folder without a dvc.yaml is refused', async ({ page, cairn, shot }) => {
  await page.goto(cairn.url);
  await page.getByTestId('nav-pipelines').click();
  await expect(page.getByTestId('pipelines-ready')).toBeAttached();
  await expect(page.getByTestId('pipelines-empty')).toContainText('examples/pipeline');
  await shot(page, 'pipelines-empty-light');

  await page.getByTestId('open-project-input').fill(workDir);
  await page.getByTestId('open-project-input').press('Enter');
  await expect(page.getByTestId('open-project-error')).toContainText('holds no dvc.yaml');
  await expect(page.getByTestId('project-list')).toHaveCount(0);
  await page.emulateMedia({ colorScheme: 'dark' });
  await shot(page, 'pipelines-empty-dark');
});

test('opens the example, runs it with live output, and reruns it with every stage up to date', async ({ page, cairn, shot }) => {
  test.skip(!fs.existsSync(SKLEARN), `Debian python3-sklearn is not installed (${SKLEARN}): the example cannot run`);
  test.setTimeout(300_000);
  await page.goto(cairn.url);
  await page.getByTestId('nav-pipelines').click();
  await page.getByTestId('open-project-input').fill(project);
  await page.getByTestId('open-project').click();
  await expect(page.getByTestId('pipeline-project')).toHaveAttribute('data-project', project);
  await expect(page.getByTestId('dag-stage')).toHaveCount(STAGES.length);
  await expectStates(page, 'will run');
  await expect(page.getByTestId('pipeline-summary')).toHaveText('5 of 5 stages will run');
  await expect(page.getByTestId('project-link')).toHaveCount(1);

  // Keyboard: the first stage box takes focus; the right arrow selects the next stage.
  await stageNode(page, 'prepare').focus();
  await page.keyboard.press('ArrowRight');
  await expect(page.getByTestId('stage-panel')).toHaveAttribute('data-stage', 'featurize');
  await page.keyboard.press('ArrowLeft');
  await expect(page.getByTestId('stage-panel')).toHaveAttribute('data-stage', 'prepare');
  await shot(page, 'pipelines-stale-light');

  await page.getByTestId('run-pipeline').click();
  await expect(page.getByTestId('stop-pipeline')).toBeVisible();
  await expect(page.getByTestId('stage-log')).toContainText('train', { timeout: 60_000 });
  await stageNode(page, 'train@forest').click();
  await expect(page.getByTestId('stage-panel')).toHaveAttribute('data-stage', 'train@forest');
  await expect(page.getByTestId('stage-log')).toContainText('forest', { timeout: 120_000 });
  await shot(page, 'pipelines-running-light');
  await expect(page.getByTestId('run-pipeline')).toBeVisible({ timeout: 180_000 });
  await expectStates(page, 'done');
  await expect(page.getByTestId('stage-run-link')).toBeVisible();
  await expect(page.getByTestId('pipeline-summary')).toHaveText('Everything is up to date');
  await page.emulateMedia({ colorScheme: 'dark' });
  await shot(page, 'pipelines-done-dark');
  await page.emulateMedia({ colorScheme: 'light' });

  await page.getByTestId('run-pipeline').click();
  await expect(page.getByTestId('execution-row')).toHaveCount(2, { timeout: 60_000 });
  await expect(page.getByTestId('run-pipeline')).toBeVisible({ timeout: 60_000 });
  await expectStates(page, 'up to date');
  await expect(page.getByTestId('execution-row').first()).toHaveAttribute('data-status', 'succeeded');
  await shot(page, 'pipelines-cached-light');
  await page.emulateMedia({ colorScheme: 'dark' });
  await shot(page, 'pipelines-cached-dark');
  await page.emulateMedia({ colorScheme: 'light' });
});

test('a changed param runs a variant; two executions compare; a stage opens its run', async ({ page, cairn, shot }) => {
  test.skip(!fs.existsSync(SKLEARN), `Debian python3-sklearn is not installed (${SKLEARN}): the example cannot run`);
  test.setTimeout(300_000);
  await page.goto(cairn.url);
  await page.getByTestId('nav-pipelines').click();
  await page.getByTestId('project-link').first().click();
  await expect(page.getByTestId('dag-stage')).toHaveCount(STAGES.length);

  await page.locator('[data-testid="param-input"][data-param="models.forest.n_estimators"]').fill('20');
  await expect(page.getByTestId('params-overrides')).toHaveText('models.forest.n_estimators=20');
  await page.getByTestId('run-variant').click();
  await expect(page.getByTestId('execution-row')).toHaveCount(3, { timeout: 60_000 });
  await expect(page.getByTestId('run-pipeline')).toBeVisible({ timeout: 180_000 });
  await expect(page.getByTestId('execution-row').first()).toHaveAttribute('data-status', 'succeeded', { timeout: 60_000 });
  // The project itself is unchanged by the variant.
  expect(fs.readFileSync(path.join(project, 'params.yaml'), 'utf8')).toContain('n_estimators: 100');

  await page.getByTestId('pick-execution').nth(0).check();
  await page.getByTestId('pick-execution').nth(1).check();
  await page.getByTestId('compare-executions').click();
  const forest = page.locator('[data-testid="comparison-stage"][data-stage="train@forest"]');
  await expect(forest).toContainText('n_estimators');
  await expect(forest).toContainText('100 → 20');
  await expect(page.locator('[data-testid="comparison-stage"][data-stage="prepare"]')).toContainText('same params, metrics and outs');
  await page.getByTestId('execution-comparison').scrollIntoViewIfNeeded();
  await shot(page, 'pipelines-compare-light');
  await page.emulateMedia({ colorScheme: 'dark' });
  await shot(page, 'pipelines-compare-dark');

  await stageNode(page, 'evaluate').click();
  await page.getByTestId('stage-run-link').click();
  await expect(page).toHaveURL(/#\/runs\//);
  await expect(page.getByText('evaluate').first()).toBeVisible();
});
