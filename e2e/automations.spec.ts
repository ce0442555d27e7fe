// The Automations page against `cairn serve`: the empty state; examples/continuous-training (a
// copy, without its deploy, with Debian's python3 for scikit-learn) added by its path; Run now
// trains v1 and promotes it, shown live with a notice; then a drifted batch lands in the watched
// folder and the scheduler inside `cairn serve` fires by itself: the page shows the firing live and
// the audit trail the gate's decision with the candidate's and production's metrics side by side;
// then a corrupted batch lands and it fires again: its required checks fail, named in the record and
// a notice, nothing is trained and @champion stays where it was (in the page and the registry's API);
// then, behind a gate no candidate can pass, a third batch is trained on and its candidate rejected.
// A step that ran but said no (the checks, the gate) is marked ✗ with its verdict, not ✓.
// A slow firing cancelled from the page ends Cancelled, with its stopped step marked so.
// Screenshots in both themes.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Page } from '@playwright/test';
import { expect, shotBothThemes, test } from './cairn-fixture';

const EXAMPLE = path.resolve(__dirname, '..', 'examples', 'continuous-training');
const PYTHON = '/usr/bin/python3';
const SKLEARN = '/usr/lib/python3/dist-packages/sklearn';

let workDir: string;
let project: string;

test.describe.configure({ mode: 'serial' });

test.beforeAll(() => {
  workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cairn-e2e-automations-'));
  project = path.join(workDir, 'churn');
  fs.cpSync(EXAMPLE, project, { recursive: true, filter: (source) => !source.endsWith('play_world.py') && !source.includes('__pycache__') });
  // The stages run `python3`; Debian's has scikit-learn (the first python3 on PATH may not).
  const dvcYaml = path.join(project, 'dvc.yaml');
  fs.writeFileSync(dvcYaml, fs.readFileSync(dvcYaml, 'utf8').replaceAll('cmd: python3 ', `cmd: ${PYTHON} `));
  // No endpoint in this test (the deploy has its own spec): the promotion registers and moves the alias.
  const automations = path.join(project, 'cairn-automations.yaml');
  const text = fs.readFileSync(automations, 'utf8').replace(/\n\s+deploy: \{name: churn, target: local\}/, '');
  fs.writeFileSync(automations, `python: ${PYTHON}\n${text}`);
});

test.afterAll(() => {
  fs.rmSync(workDir, { recursive: true, force: true });
});

function firing(page: Page, id: number) {
  return page.locator(`[data-testid="firing"][data-firing="${id}"]`);
}

/** The version the churn model's @champion alias points to, asked of the app's MLflow-compatible API. */
async function championVersion(trackingUri: string): Promise<string> {
  const response = await fetch(`${trackingUri}/api/2.0/mlflow/registered-models/alias?name=churn&alias=champion`);
  expect(response.ok, await response.clone().text()).toBe(true);
  return ((await response.json()) as { model_version: { version: string } }).model_version.version;
}

async function dismissNotices(page: Page): Promise<void> {
  const dismiss = page.getByTestId('notice-dismiss');
  while ((await dismiss.count()) > 0) await dismiss.first().click();
}

test('the empty page says how to start, and a folder without an automations file is refused', async ({ page, cairn, shot }) => {
  await page.goto(cairn.url);
  await page.getByTestId('nav-automations').click();
  await expect(page.getByTestId('automations-ready')).toBeAttached();
  await expect(page.getByTestId('automations-empty')).toContainText('cairn ci init');
  await expect(page.getByTestId('automations-empty')).toContainText('cairn-automations.yaml');
  await shot(page, 'automations-empty-light');

  await page.getByTestId('automation-project-input').fill(workDir);
  await page.getByTestId('automation-project-input').press('Enter');
  await expect(page.getByTestId('automation-project-error')).toContainText('cairn-automations.yaml');
  await expect(page.getByTestId('automation-project')).toHaveCount(0);
  await page.emulateMedia({ colorScheme: 'dark' });
  await shot(page, 'automations-empty-dark');
});

test('runs the example by hand, then fires by itself when a drifted batch lands, showing the gate decision live, and when a corrupted batch lands, changing nothing; behind a gate no candidate passes, the next one is rejected', async ({ page, cairn, shot }) => {
  test.skip(!fs.existsSync(SKLEARN), `Debian python3-sklearn is not installed (${SKLEARN}): the example cannot run`);
  test.setTimeout(600_000);
  await page.goto(cairn.url);
  await page.getByTestId('nav-automations').click();
  await page.getByTestId('automation-project-input').fill(project);
  await page.getByTestId('add-automation-project').click();
  const card = page.locator('[data-testid="automation"][data-automation="churn-retrain"]');
  await expect(card).toHaveAttribute('data-state', 'idle');
  await expect(card.getByTestId('automation-trigger')).toHaveCount(3);
  await expect(card.locator('[data-testid="automation-trigger"][data-kind="schedule"]')).toContainText(/\d{4}/);
  await expect(page.getByTestId('trail-empty')).toBeVisible();

  // Run now: v1 is trained on the reference and, with no production yet, promoted.
  await card.getByTestId('run-automation').click();
  await expect(firing(page, 1)).toBeVisible({ timeout: 60_000 });
  await expect(firing(page, 1)).toHaveAttribute('data-outcome', 'promoted', { timeout: 300_000 });
  const notice = page.locator('[data-testid="notice"][data-outcome="promoted"]');
  await expect(notice).toContainText('churn-retrain promoted churn version 1 to @champion');
  await notice.getByTestId('notice-dismiss').click();
  await expect(page.getByTestId('notice')).toHaveCount(0);

  // A drifted batch lands in the watched folder: `cairn serve`'s scheduler fires with nobody pressing anything.
  execFileSync(PYTHON, [path.join(project, 'src', 'make_data.py'), 'drifted', path.join(project, 'data', 'incoming', 'batch-1.csv')]);
  const second = firing(page, 2);
  await expect(second).toHaveAttribute('data-outcome', 'running', { timeout: 60_000 });
  await expect(card).toHaveAttribute('data-state', 'running');
  await expect(second.locator('[data-testid="firing-step"][data-step="drift"]')).toHaveAttribute('data-outcome', 'succeeded', { timeout: 120_000 });
  await expect(second.getByTestId('cancel-firing')).toBeVisible();
  await page.emulateMedia({ colorScheme: 'light' });
  await shot(page, 'automations-firing-live-light');

  await expect(second).toHaveAttribute('data-outcome', /promoted|rejected/, { timeout: 400_000 });
  // Ended, it stays open with its whole record.
  await expect(second.getByTestId('firing-evidence')).toBeVisible();
  await expect(second.getByTestId('firing-evidence')).toContainText('drift fired');
  const gate = second.getByTestId('firing-gate');
  await expect(gate.getByTestId('gate-rule')).toHaveCount(4);
  const accuracy = second.locator('[data-testid="firing-metric"][data-metric="accuracy"]');
  await expect(accuracy.locator('td')).toHaveCount(4);
  await expect(second.getByTestId('firing-metrics')).toContainText('churn v1');
  // Drift decided the firing (the automation watches new data, but fires on drift): its summary says so, with the share.
  await expect(second.locator('.firing-trigger')).toHaveText(/^drift: [45] of 5 columns drifted \(share 0\.\d\d ≥ 0\.4\), in 1 new file: data\/incoming\/batch-1\.csv$/);
  const gateStep = second.locator('[data-testid="firing-step"][data-step="gate"]');
  const outcome = await second.getAttribute('data-outcome');
  if (outcome === 'promoted') {
    await expect(gateStep.getByTestId('firing-step-mark')).toHaveText('✓');
    await expect(gateStep.getByTestId('firing-step-outcome')).toHaveCount(0);
    await expect(second.getByTestId('firing-promotion')).toContainText('churn v2');
    await expect(page.locator('[data-testid="notice"][data-outcome="promoted"]')).toContainText('churn version 2');
  } else {
    await expect(gateStep.getByTestId('firing-step-mark')).toHaveText('✗');
    await expect(gateStep.getByTestId('firing-step-outcome')).toHaveText('Gate rejected');
    await expect(second.getByTestId('firing-reason')).toContainText('production did not change');
  }
  await expect(card.locator('[data-testid="automation-trigger"][data-kind="drift"]')).toContainText('#2');
  await second.getByTestId('firing-gate').scrollIntoViewIfNeeded();
  await shot(page, 'automations-gate-light');
  await page.emulateMedia({ colorScheme: 'dark' });
  await shot(page, 'automations-gate-dark');

  // The model versions link to the registry, whose version page links back to the firing that registered it.
  await second.getByTestId('firing-metrics').getByTestId('firing-model-link').first().click();
  await expect(page).toHaveURL(/#\/models\/churn\/versions\/\d/);
  await expect(page.getByTestId('version-automation')).toContainText(/Registered by the automation churn-retrain: firing #[12]/);
  await page.getByTestId('version-automation').getByRole('link').click();
  await expect(page).toHaveURL(/#\/automations\?firing=[12]$/);
  await expect(page.getByTestId('firing').first()).toBeVisible();

  // A corrupted batch lands: the scheduler fires again by itself, the required data checks fail, nothing is
  // trained and production keeps the version it had after the drifted batch.
  const championAfterStep2 = await championVersion(cairn.trackingUri);
  expect(championAfterStep2).toBe(outcome === 'promoted' ? '2' : '1');
  await dismissNotices(page);
  execFileSync(PYTHON, [path.join(project, 'src', 'make_data.py'), 'corrupted', path.join(project, 'data', 'incoming', 'batch-2.csv')]);
  const third = firing(page, 3);
  await expect(third).toHaveAttribute('data-outcome', 'rejected', { timeout: 120_000 });
  await expect(third.getByTestId('firing-outcome')).toHaveText('Rejected');
  await expect(third).toContainText('Started by');
  await expect(third).toContainText('via scheduler');
  // Each failing check once, each with its one bracket, then what did not happen.
  await expect(third.getByTestId('firing-reason')).toHaveText(
    /^the new data failed its required checks: 2 of \d+ checks failed: tenure_months: between 0 and 600 \(55 values are outside the range\); monthly_charges: not null \(86 values are missing\) — nothing was trained, production did not change$/,
  );
  // New data woke it and no condition was evaluated (the checks stopped it first): new-data is its trigger.
  await expect(third.locator('.firing-trigger')).toHaveText('new-data: 1 new file: data/incoming/batch-2.csv');
  // The evidence: the checks rule of the gate, failed, with the failing rules and their counts.
  await expect(third.getByTestId('firing-gate')).toHaveAttribute('data-passed', 'false');
  await expect(third.getByTestId('firing-gate').locator('h4')).toHaveText("Gate: failed on the new data's required checks, before anything was trained");
  const checksRule = third.getByTestId('gate-rule');
  await expect(checksRule).toHaveCount(1);
  await expect(checksRule).toHaveAttribute('data-passed', 'false');
  await expect(checksRule).toContainText('checks: checks.yaml');
  await expect(checksRule).toContainText(/2 of \d+ checks failed/);
  await expect(checksRule).toContainText('tenure_months: between 0 and 600 (55 values are outside the range)');
  await expect(checksRule).toContainText('monthly_charges: not null (86 values are missing)');
  await expect(checksRule).toContainText('failed 2');
  await expect(checksRule.getByTestId('firing-run-link')).toHaveText('check run');
  const checksStep = third.locator('[data-testid="firing-step"][data-step="checks"]');
  await expect(checksStep).toContainText(/2 of \d+ checks failed: tenure_months/);
  // The checks ran to their end and said no: a cross and "Checks failed", not a tick, with the step's time.
  await expect(checksStep).toHaveAttribute('data-outcome', 'succeeded');
  await expect(checksStep).toHaveAttribute('data-verdict', 'checks-failed');
  await expect(checksStep.getByTestId('firing-step-mark')).toHaveText('✗');
  await expect(checksStep.getByTestId('firing-step-outcome')).toHaveText('Checks failed');
  await expect(checksStep.locator('.timeline-time')).toHaveText(/\d/);
  await expect(third.locator('[data-testid="firing-step"][data-step="new-data"]').getByTestId('firing-step-mark')).toHaveText('✓');
  // Nothing was trained, evaluated or promoted.
  await expect(third.getByTestId('firing-step')).toHaveText([/Take the new data/, /Run the required data checks/]);
  await expect(third.getByTestId('firing-pipeline')).toHaveCount(0);
  await expect(third.getByTestId('firing-metrics')).toHaveCount(0);
  await expect(third.getByTestId('firing-promotion')).toHaveCount(0);
  const rejectedNotice = page.locator('[data-testid="notice"][data-outcome="rejected"]');
  await expect(rejectedNotice.locator('.notice-title')).toHaveText('churn-retrain rejected the new data: its required checks failed');
  await expect(rejectedNotice).toContainText('the new data failed its required checks');
  await third.scrollIntoViewIfNeeded();
  await shotBothThemes(page, shot, 'automations-checks-failed');

  // Production did not change: the registry's API and the Models page both still name the same version.
  expect(await championVersion(cairn.trackingUri)).toBe(championAfterStep2);
  await page.getByTestId('nav-models').click();
  await page.locator('[data-testid="registered-model-link"]', { hasText: 'churn' }).click();
  await expect(page.getByTestId('model-aliases')).toContainText(`@champion → version ${championAfterStep2}`);
  // No version was registered since: the champion is still the newest.
  await expect(page.getByTestId('model-version-row')).toHaveCount(Number(championAfterStep2));

  // A gate no candidate can pass, and another drifted batch (its rows less the last ten, so its digest is new): the
  // pipeline runs, the gate rejects the candidate, and its step says so.
  const automations = path.join(project, 'cairn-automations.yaml');
  fs.writeFileSync(automations, fs.readFileSync(automations, 'utf8').replace('metrics.accuracy >= production + 0.01', 'metrics.accuracy >= production + 1'));
  const staged = path.join(workDir, 'batch-3.csv');
  execFileSync(PYTHON, [path.join(project, 'src', 'make_data.py'), 'drifted', staged]);
  fs.writeFileSync(staged, `${fs.readFileSync(staged, 'utf8').trimEnd().split('\n').slice(0, -10).join('\n')}\n`);
  fs.renameSync(staged, path.join(project, 'data', 'incoming', 'batch-3.csv'));
  await page.getByTestId('nav-automations').click();
  const fourth = firing(page, 4);
  await expect(fourth).toHaveAttribute('data-outcome', 'rejected', { timeout: 400_000 });
  await expect(fourth.getByTestId('firing-reason')).toContainText('the candidate failed the gate: metrics.accuracy >= production + 1');
  const rejectedGate = fourth.locator('[data-testid="firing-step"][data-step="gate"]');
  await expect(rejectedGate).toHaveAttribute('data-verdict', 'gate-rejected');
  await expect(rejectedGate.getByTestId('firing-step-mark')).toHaveText('✗');
  await expect(rejectedGate.getByTestId('firing-step-outcome')).toHaveText('Gate rejected');
  await expect(rejectedGate.locator('.timeline-time')).toHaveText(/\d/);
  await expect(fourth.locator('[data-testid="firing-step"][data-step="pipeline"]').getByTestId('firing-step-mark')).toHaveText('✓');
  await expect(fourth.locator('.firing-trigger')).toHaveText(/^drift: [45] of 5 columns drifted .*, in 1 new file: data\/incoming\/batch-3\.csv$/);
  expect(await championVersion(cairn.trackingUri)).toBe(championAfterStep2);
  await dismissNotices(page);
  await rejectedGate.scrollIntoViewIfNeeded();
  await shotBothThemes(page, shot, 'automations-gate-rejected');
});

test('a firing cancelled from the page ends Cancelled, its stopped step labelled cancelled', async ({ page, cairn, shot }) => {
  const slow = path.join(workDir, 'slow');
  fs.mkdirSync(slow);
  fs.writeFileSync(path.join(slow, 'dvc.yaml'), 'stages:\n  slow:\n    cmd: sleep 60 && echo done > done.txt\n    outs: [done.txt]\n');
  fs.writeFileSync(path.join(slow, 'cairn-automations.yaml'), 'automations:\n  slow:\n    triggers: [manual]\n    action: {pipeline: .}\n');
  await page.goto(cairn.url);
  await page.getByTestId('nav-automations').click();
  await page.getByTestId('automation-project-input').fill(slow);
  await page.getByTestId('add-automation-project').click();
  const section = page.locator(`[data-testid="automation-project"][data-project="${slow}"]`);
  await section.locator('[data-testid="automation"][data-automation="slow"]').getByTestId('run-automation').click();
  const record = section.getByTestId('firing').first();
  const pipelineStep = record.locator('[data-testid="firing-step"][data-step="pipeline"]');
  await expect(pipelineStep).toHaveAttribute('data-outcome', 'running', { timeout: 30_000 });
  await record.getByTestId('cancel-firing').click();

  await expect(record).toHaveAttribute('data-outcome', 'cancelled', { timeout: 30_000 });
  await expect(record.getByTestId('firing-outcome')).toHaveText('Cancelled');
  await expect(pipelineStep).toHaveAttribute('data-outcome', 'cancelled');
  await expect(pipelineStep.getByTestId('firing-step-outcome')).toHaveText('Cancelled');
  await expect(pipelineStep).toContainText(/cancelled by .* production did not change/);
  await expect(record.getByTestId('firing-reason')).toContainText('production did not change');
  expect(fs.existsSync(path.join(slow, 'done.txt'))).toBe(false);
  await record.scrollIntoViewIfNeeded();
  await page.emulateMedia({ colorScheme: 'light' });
  await shot(page, 'automations-cancelled-light');
  await page.emulateMedia({ colorScheme: 'dark' });
  await shot(page, 'automations-cancelled-dark');
});
