// The compare view: a chart per metric with a line per run, the x-axis switch, smoothing,
// drag-to-zoom (and reset), grouping, parallel coordinates with brushing, the scatter, the diff
// table's hide-identical switch, and a chart following a run that logs during the test.
import type { Locator, Page } from '@playwright/test';
import { expect, test, type CairnServer } from './cairn-fixture';

const RUNS = [
  { name: 'adam-small', lr: '0.001', optimizer: 'adam', batch: '32' },
  { name: 'adam-large', lr: '0.01', optimizer: 'adam', batch: '32' },
  { name: 'sgd-small', lr: '0.005', optimizer: 'sgd', batch: '32' },
  { name: 'sgd-large', lr: '0.05', optimizer: 'sgd', batch: '32' },
  { name: 'rmsprop', lr: '0.002', optimizer: 'rmsprop', batch: '32' },
  { name: 'adam-mid', lr: '0.003', optimizer: 'adam', batch: '32' },
];
const STEPS = 200;

let seeded: { experimentId: string; runIds: string[] } | null = null;

async function seed(cairn: CairnServer): Promise<{ experimentId: string; runIds: string[] }> {
  if (seeded) return seeded;
  const experimentId = await cairn.mlflow.createExperiment('compare');
  const runIds: string[] = [];
  for (const [index, run] of RUNS.entries()) {
    const runId = await cairn.mlflow.createRun(experimentId, run.name, { team: index % 2 ? 'vision' : 'nlp' });
    const start = Date.now() - 600_000;
    const rate = Number(run.lr) * 40;
    await cairn.mlflow.logBatch(runId, {
      params: { lr: run.lr, optimizer: run.optimizer, batch_size: run.batch },
      metrics: Array.from({ length: STEPS }, (_, step) => [
        { key: 'loss', value: Math.exp(-step * rate * 0.05) + 0.05 * Math.sin(step * (index + 1)), step, timestamp: start + step * 1500 },
        { key: 'accuracy', value: 0.5 + 0.4 * (1 - Math.exp(-step * rate * 0.04)), step, timestamp: start + step * 1500 },
        { key: 'epoch', value: Math.floor(step / 20), step, timestamp: start + step * 1500 },
      ]).flat(),
    });
    await cairn.mlflow.finishRun(runId);
    runIds.push(runId);
  }
  seeded = { experimentId, runIds };
  return seeded;
}

async function openCompare(page: Page, cairn: CairnServer, runIds: readonly string[]): Promise<void> {
  await page.goto(`${cairn.url}#/compare?runs=${runIds.join(',')}`);
  await expect(page.getByTestId('compare-ready')).toBeAttached();
}

/**
 * Scrolls a deferred panel into view until its content is there: the panel's placeholder is
 * replaced by the mounted panel as it scrolls in, so a single scroll can land on a detached node.
 */
async function revealPanel(page: Page, panelTestId: string, content: Locator): Promise<void> {
  await expect(async () => {
    await page.getByTestId(panelTestId).scrollIntoViewIfNeeded({ timeout: 1_000 });
    await expect(content).toBeVisible({ timeout: 1_000 });
  }).toPass({ timeout: 15_000 });
}

async function drawCount(chart: Locator): Promise<number> {
  return Number(await chart.getAttribute('data-drawn'));
}

test('every chart kind is drawn, in light and dark', async ({ cairn, page, shot }) => {
  const { runIds } = await seed(cairn);
  await openCompare(page, cairn, runIds);
  for (const key of ['accuracy', 'epoch', 'loss']) {
    const chart = page.getByTestId(`metric-chart-${key}`);
    await expect(chart).toHaveAttribute('data-line-count', String(RUNS.length));
    await expect(chart).toHaveAttribute('data-point-count', String(RUNS.length * STEPS));
  }
  await expect(page.getByTestId('parallel-coordinates')).toBeVisible();
  await expect(page.getByTestId('parallel-selection-count')).toHaveAttribute('data-count', String(RUNS.length));
  await shot(page, 'compare');
  // The panels below the charts mount as they scroll into view.
  await revealPanel(page, 'compare-scatter', page.getByTestId('scatter-plot'));
  await expect(page.getByTestId('scatter-plot')).toHaveAttribute('data-point-count', String(RUNS.length));
  await revealPanel(page, 'compare-diff', page.getByTestId('diff-table'));
  await page.getByRole('heading', { name: /Comparing/ }).scrollIntoViewIfNeeded();

  // The tooltip lists every run's value at the hovered step.
  const pointer = page.getByTestId('metric-chart-loss').getByTestId('chart-pointer-layer');
  await pointer.scrollIntoViewIfNeeded();
  const box = (await pointer.boundingBox())!;
  await page.mouse.move(box.x + box.width * 0.4, box.y + box.height * 0.5);
  await expect(page.getByTestId('chart-tooltip').locator('.metric-chart-tooltip-row')).toHaveCount(RUNS.length);
  await shot(page, 'compare-tooltip');
  await page.mouse.move(0, 0);

  await page.emulateMedia({ colorScheme: 'dark' });
  await shot(page, 'compare-dark');
  await page.getByTestId('compare-parallel').scrollIntoViewIfNeeded();
  await shot(page, 'compare-parallel-dark');
  await page.emulateMedia({ colorScheme: 'light' });
  await page.getByTestId('compare-parallel').scrollIntoViewIfNeeded();
  await shot(page, 'compare-parallel');
  await revealPanel(page, 'compare-diff', page.getByTestId('diff-table'));
  await shot(page, 'compare-diff');
});

test('the x-axis switches between step, time and another metric; smoothing redraws', async ({ cairn, page, shot }) => {
  const { runIds } = await seed(cairn);
  await openCompare(page, cairn, runIds);
  const chart = page.getByTestId('metric-chart-loss');
  const xTicks = chart.locator('.chart-x-tick');
  await expect(xTicks.last()).toHaveText('200');

  await page.getByTestId('compare-x-axis').selectOption('relative');
  await expect(page.getByTestId('compare-ready')).toBeAttached();
  await expect(xTicks.last()).toHaveText(/m/);
  await page.getByTestId('compare-x-axis').selectOption('metric:epoch');
  await expect(page.getByTestId('compare-ready')).toBeAttached();
  await expect(xTicks.last()).toHaveText('10');
  await shot(page, 'compare-x-epoch');
  await page.getByTestId('compare-x-axis').selectOption('step');
  await expect(xTicks.last()).toHaveText('200');

  const before = await drawCount(chart);
  await page.getByTestId('compare-smoothing').fill('0.8');
  await expect(page.getByTestId('compare-smoothing-value')).toHaveText('0.80');
  await expect.poll(() => drawCount(chart)).toBeGreaterThan(before);
  await shot(page, 'compare-smoothed');
  await page.getByTestId('compare-y-log').check();
  await expect(chart.locator('.chart-y-tick').first()).toHaveText(/^0\.0*1$|e-/);
});

test('dragging across a chart zooms into that range and refetches it; reset returns', async ({ cairn, page }) => {
  const { runIds } = await seed(cairn);
  await openCompare(page, cairn, runIds);
  const chart = page.getByTestId('metric-chart-loss');
  const pointer = chart.getByTestId('chart-pointer-layer');
  const box = (await pointer.boundingBox())!;
  await page.mouse.move(box.x + box.width * 0.25, box.y + box.height / 2);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width * 0.5, box.y + box.height / 2, { steps: 5 });
  await expect(chart.getByTestId('chart-zoom-selection')).toBeVisible();
  await page.mouse.up();
  await expect(page.getByTestId('compare-reset-zoom')).toBeVisible();
  // About a quarter of the steps remain, at full detail.
  await expect.poll(async () => Number(await chart.getAttribute('data-point-count'))).toBeLessThan(RUNS.length * STEPS * 0.35);
  await expect.poll(async () => Number(await chart.getAttribute('data-point-count'))).toBeGreaterThan(RUNS.length * STEPS * 0.15);
  await page.getByTestId('compare-reset-zoom').click();
  await expect(chart).toHaveAttribute('data-point-count', String(RUNS.length * STEPS));
  await expect(page.getByTestId('compare-reset-zoom')).toHaveCount(0);
});

test('grouping draws one mean line per group; brushing filters; the diff hides identical rows', async ({ cairn, page, shot }) => {
  const { runIds } = await seed(cairn);
  await openCompare(page, cairn, runIds);
  const chart = page.getByTestId('metric-chart-loss');
  await page.getByTestId('compare-group-by').selectOption('param:optimizer');
  await expect(chart).toHaveAttribute('data-line-count', '3');
  await shot(page, 'compare-grouped');
  await page.getByTestId('compare-group-by').selectOption('');
  await expect(chart).toHaveAttribute('data-line-count', String(RUNS.length));

  // Brush the lr axis from its top down to about its middle: the runs with the largest lr stay.
  const target = page.getByTestId('parallel-brush-param:lr');
  await target.scrollIntoViewIfNeeded();
  const box = (await target.boundingBox())!;
  await page.mouse.move(box.x + box.width / 2, box.y + 2);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width / 2, box.y + box.height * 0.5, { steps: 5 });
  await page.mouse.up();
  const count = page.getByTestId('parallel-selection-count');
  await expect(count).not.toHaveAttribute('data-count', String(RUNS.length));
  const selected = Number(await count.getAttribute('data-count'));
  expect(selected).toBeGreaterThan(0);
  expect(selected).toBeLessThan(RUNS.length);
  await shot(page, 'compare-brushed');
  await page.getByTestId('parallel-clear-brushes').click();
  await expect(count).toHaveAttribute('data-count', String(RUNS.length));

  await revealPanel(page, 'compare-diff', page.getByTestId('diff-table'));
  const rows = page.getByTestId('diff-row');
  await expect(rows.first()).toBeVisible();
  const all = await rows.count();
  await page.getByTestId('diff-hide-identical').check();
  await expect(rows).not.toHaveCount(all);
  await expect(rows.filter({ hasText: 'batch_size' })).toHaveCount(0);
  await expect(rows.filter({ hasText: 'optimizer' })).toHaveCount(1);
  await expect(page.locator('[data-testid="diff-row"][data-differs="false"]')).toHaveCount(0);
});

test('a chart follows a run that logs while the view is open', async ({ cairn, page }) => {
  const { experimentId, runIds } = await seed(cairn);
  const liveId = await cairn.mlflow.createRun(experimentId, 'live');
  await cairn.mlflow.logBatch(liveId, { params: { lr: '0.02', optimizer: 'adam', batch_size: '32' }, metrics: [{ key: 'loss', value: 1, step: 0 }] });
  await openCompare(page, cairn, [runIds[0]!, liveId]);
  const chart = page.getByTestId('metric-chart-loss');
  await expect(chart).toHaveAttribute('data-point-count', String(STEPS + 1));
  for (let step = 1; step <= 40; step++) {
    await cairn.mlflow.logBatch(liveId, { metrics: [{ key: 'loss', value: 1 / (1 + step), step }] });
    await new Promise((resolve) => setTimeout(resolve, 40));
  }
  await expect(chart).toHaveAttribute('data-point-count', String(STEPS + 41));
});
