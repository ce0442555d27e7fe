// What a new user coming from MLflow or W&B tripped over (issue 14), checked on a 12-run ResNet
// sweep with a running and a failed run, as they would see it: one colour per run everywhere and
// no two alike, default columns that show what varies, a run page with its numbers, a compare
// page with context, sensible defaults, focusable runs and readable axes, and every changed page
// in both themes.
import type { Page } from '@playwright/test';
import { expect, test, type CairnServer } from './cairn-fixture';

const ARCHS = ['resnet18', 'resnet34', 'resnet50'] as const;
const LRS = ['0.1', '0.03', '0.01', '0.003'] as const;
const EPOCHS = 40;
/** Names as people write them: one long enough to be cut in a chip. */
const NAME = (i: number) => (i === 5 ? 'resnet50-cosine-warmup-label-smoothing-0.1-mixup' : `resnet-${ARCHS[i % 3]!.slice(6)}-lr${LRS[i % 4]}`);

interface Seeded {
  readonly experimentId: string;
  /** In the table's order: newest first. */
  readonly runIds: readonly string[];
}

let seeded: Seeded | null = null;

/** A ResNet sweep of 12 runs: run 11 still running, run 7 failed; a dataset param the same for all; noisy training curves. */
async function seed(cairn: CairnServer): Promise<Seeded> {
  if (seeded) return seeded;
  const experimentId = await cairn.mlflow.createExperiment('resnet-cifar10');
  const runIds: string[] = [];
  let noise = 5;
  const random = () => ((noise = (noise * 16807) % 2147483647) / 2147483647) * 2 - 1;
  for (let i = 0; i < 12; i++) {
    const runId = await cairn.mlflow.createRun(experimentId, NAME(i));
    const lr = Number(LRS[i % 4]);
    const quality = 0.55 + 0.3 * (1 - Math.abs(Math.log10(lr) + 1.5)) + (i % 3) * 0.03;
    await cairn.mlflow.logBatch(runId, {
      params: { arch: ARCHS[i % 3]!, lr: LRS[i % 4]!, batch_size: String(i % 2 ? 256 : 128), dataset: 'cifar10' },
      metrics: Array.from({ length: EPOCHS }, (_, epoch) => {
        const progress = epoch / EPOCHS;
        return [
          { key: 'train_loss', value: 2.3 * Math.exp(-3 * progress) + 0.15 + 0.12 * random(), step: epoch },
          { key: 'val_loss', value: 2.4 * Math.exp(-2.5 * progress) + 0.35 + 0.03 * random(), step: epoch },
          { key: 'val_accuracy', value: Math.min(0.99, quality * (1 - Math.exp(-4 * progress))) + 0.005 * random(), step: epoch },
          { key: 'lr', value: lr * 0.5 * (1 + Math.cos(Math.PI * progress)), step: epoch },
        ];
      }).flat(),
    });
    if (i !== 11) await cairn.mlflow.finishRun(runId, i === 7 ? 'FAILED' : 'FINISHED');
    runIds.unshift(runId);
  }
  seeded = { experimentId, runIds };
  return seeded;
}

async function openTable(page: Page, cairn: CairnServer): Promise<Seeded> {
  const run = await seed(cairn);
  await page.goto(`${cairn.url}#/experiments/${run.experimentId}`);
  await expect(page.getByTestId('runs-table-ready')).toBeAttached();
  return run;
}

/** The swatch colour of each run row, by run id. */
async function tableColors(page: Page): Promise<Record<string, string>> {
  return page.locator('[data-testid="run-row"]').evaluateAll((rows) =>
    Object.fromEntries(rows.map((row) => [row.getAttribute('data-run-id')!, row.querySelector<HTMLElement>('.swatch')!.dataset.color!])),
  );
}

async function headerIds(page: Page): Promise<string[]> {
  return page.locator('.rt-header [role="columnheader"][data-column]').evaluateAll((cells) => cells.map((cell) => cell.getAttribute('data-column')!));
}

async function bothThemes(page: Page, shot: (page: Page, name: string) => Promise<void>, name: string): Promise<void> {
  await page.emulateMedia({ colorScheme: 'light' });
  await shot(page, name);
  await page.emulateMedia({ colorScheme: 'dark' });
  await shot(page, `${name}-dark`);
  await page.emulateMedia({ colorScheme: 'light' });
}

test.describe.configure({ mode: 'serial' });

test('the runs table: distinct colours, the columns that matter, one number format per column, nothing cut', async ({ page, cairn, shot }) => {
  const { runIds } = await openTable(page, cairn);
  await expect(page.getByTestId('run-row')).toHaveCount(12);
  // One colour per run, no two alike among twelve.
  const colors = await tableColors(page);
  expect(new Set(Object.values(colors)).size).toBe(12);

  // The params that vary, then the metrics; the same-for-all dataset and the empty User column are left out.
  expect(await headerIds(page)).toEqual([
    'attr:name',
    'attr:status',
    'attr:start',
    'attr:duration',
    'param:arch',
    'param:batch_size',
    'param:lr',
    'metric:lr',
    'metric:train_loss',
    'metric:val_accuracy',
    'metric:val_loss',
  ]);

  // Every value of a metric column has as many decimals as the others.
  const decimals = await page.locator('.rt-row-rest [data-column="metric:val_loss"]').evaluateAll((cells) =>
    cells.map((cell) => (cell.textContent ?? '').split('.')[1]?.length ?? 0),
  );
  expect(new Set(decimals).size).toBe(1);

  // Names and a running run's duration fit their columns.
  const cut = await page.locator('.rt-run-link, .rt-running').evaluateAll((cells) =>
    cells.filter((cell) => (cell as HTMLElement).scrollWidth > (cell.closest('.rt-cell') as HTMLElement).clientWidth).map((cell) => cell.textContent),
  );
  expect(cut.filter((text) => text !== NAME(5))).toEqual([]);
  await expect(page.locator(`.rt-row-rest[data-row-key="${runIds[0]}"] .rt-running`)).toBeVisible();

  // One run selected: no odd "Compare 1", a hint instead.
  await page.locator(`[data-testid="run-row"][data-run-id="${runIds[2]}"] [data-action="select"]`).click();
  await expect(page.getByTestId('compare-button')).toHaveText('Compare');
  await expect(page.getByTestId('compare-button')).toBeDisabled();
  await expect(page.getByTestId('select-another')).toBeVisible();
  await page.getByTestId('clear-selection').click();
  await bothThemes(page, shot, 'first-use-runs-table');
});

test('the compare view: context, the table’s colours and order, defaults that show something, focusable runs, readable axes', async ({ page, cairn, shot }) => {
  const { experimentId, runIds } = await openTable(page, cairn);
  const colors = await tableColors(page);
  // Sort by validation accuracy, select every run, compare: the chips follow the table's order.
  await page.getByTestId('column-header-metric:val_accuracy').locator('.rt-sort').click();
  const tableOrder = await page.locator('.rt-row-pinned[data-testid="run-row"]').evaluateAll((rows) =>
    rows
      .map((row) => [Number(row.getAttribute('aria-rowindex')), row.getAttribute('data-run-id')!] as const)
      .sort((a, b) => a[0] - b[0])
      .map(([, runId]) => runId),
  );
  await page.getByTestId('select-all-checkbox').check();
  await page.getByTestId('compare-button').click();
  await expect(page.getByTestId('compare-ready')).toBeAttached();
  const chips = page.getByTestId('run-chip');
  expect(await chips.evaluateAll((all) => all.map((chip) => chip.getAttribute('data-run-id')))).toEqual(tableOrder);
  // Each run has the colour it has in the table.
  const chipColors = await chips.evaluateAll((all) =>
    Object.fromEntries(all.map((chip) => [chip.getAttribute('data-run-id')!, chip.querySelector<HTMLElement>('.swatch')!.dataset.color!])),
  );
  expect(chipColors).toEqual(colors);
  // A long name is cut at a character, with an ellipsis.
  const long = chips.filter({ hasText: 'resnet50-cosine' }).locator('.run-chip-name');
  expect(await long.evaluate((name) => [getComputedStyle(name).textOverflow, name.scrollWidth > name.clientWidth])).toEqual(['ellipsis', true]);

  // Where these runs come from, and the way back.
  await expect(page.getByTestId('compare-breadcrumbs')).toContainText('Experiments');
  await expect(page.getByTestId('compare-experiment-link')).toHaveText('resnet-cifar10');
  await expect(page.getByTestId('compare-back')).toHaveAttribute('href', `#/experiments/${experimentId}`);

  // Pointing at a chip singles the run out in every chart; clicking keeps it; clicking again lets go.
  const chart = page.getByTestId('metric-chart-val_loss');
  const target = chips.nth(3);
  const targetId = (await target.getAttribute('data-run-id'))!;
  await target.locator('.run-chip-focus').hover();
  await expect(chart).toHaveAttribute('data-focused-line', targetId);
  await target.locator('.run-chip-focus').click();
  await page.mouse.move(5, 5);
  await expect(chart).toHaveAttribute('data-focused-line', targetId);
  await expect(target).toHaveClass(/is-pinned/);
  await bothThemes(page, shot, 'first-use-compare-focused');
  await target.locator('.run-chip-focus').click();
  await page.mouse.move(5, 5);
  await expect(chart).toHaveAttribute('data-focused-line', '');

  // Noisy training curves: smoothing offers itself.
  await expect(page.getByTestId('smoothing-hint')).toContainText('train_loss');
  await page.getByTestId('smoothing-apply').click();
  await expect(page.getByTestId('compare-smoothing-value')).not.toHaveText('0.00');
  await expect(page.getByTestId('smoothing-hint')).toHaveCount(0);

  // Step axes have whole-number ticks; the lowest y tick is labelled at the bottom of the plot.
  const xLabels = await chart.locator('.chart-x-tick').allTextContents();
  expect(xLabels.length).toBeGreaterThan(2);
  for (const label of xLabels) expect(label, `x tick ${label}`).toMatch(/^\d+$/);
  const plot = (await chart.getByTestId('chart-pointer-layer').boundingBox())!;
  const yTicks = chart.locator('.chart-y-tick');
  const lowest = (await yTicks.first().boundingBox())!;
  expect(Math.abs(lowest.y + lowest.height / 2 - (plot.y + plot.height))).toBeLessThan(8);

  // The tooltip stays within its chart.
  await chart.getByTestId('chart-pointer-layer').hover({ position: { x: plot.width - 10, y: plot.height / 2 } });
  const tooltip = (await chart.getByTestId('chart-tooltip').boundingBox())!;
  const card = (await chart.boundingBox())!;
  expect(tooltip.x).toBeGreaterThanOrEqual(card.x - 1);
  expect(tooltip.x + tooltip.width).toBeLessThanOrEqual(card.x + card.width + 1);
  expect(tooltip.y + tooltip.height).toBeLessThanOrEqual(card.y + card.height + 1);
  await shot(page, 'first-use-compare-tooltip');
  await page.mouse.move(5, 5);

  // Parallel coordinates: the varying params and the validation metrics, coloured by the main one; labels not clipped.
  const parallel = page.getByTestId('compare-parallel');
  await parallel.scrollIntoViewIfNeeded();
  await expect(page.getByTestId('parallel-coordinates')).toBeVisible();
  const axes = await page.getByTestId('parallel-coordinates').locator('[data-testid^="parallel-axis-"]').evaluateAll((all) => all.map((axis) => axis.getAttribute('data-testid')!.slice('parallel-axis-'.length)));
  expect(axes).toEqual(['param:arch', 'param:batch_size', 'param:lr', 'metric:val_loss', 'metric:val_accuracy']);
  await expect(page.getByTestId('parallel-color-by')).toHaveValue('metric:val_accuracy');
  const svg = (await page.getByTestId('parallel-coordinates').boundingBox())!;
  const labels = await page.locator('.parallel-axis-tick, .parallel-axis-label').evaluateAll((all) => all.map((label) => label.getBoundingClientRect().left));
  for (const left of labels) expect(left).toBeGreaterThanOrEqual(svg.x - 0.5);
  await bothThemes(page, shot, 'first-use-compare-parallel');

  // The scatter shows every run at once: a varying numeric param against the main metric.
  const scatter = page.getByTestId('compare-scatter');
  await expect(async () => {
    await scatter.scrollIntoViewIfNeeded({ timeout: 1000 });
    await expect(page.getByTestId('scatter-plot')).toBeVisible({ timeout: 1000 });
  }).toPass({ timeout: 15_000 });
  await expect(page.getByTestId('scatter-plot')).toHaveAttribute('data-point-count', '12');
  await expect(page.getByTestId('scatter-x')).toHaveValue('param:lr');
  await expect(page.getByTestId('scatter-y')).toHaveValue('metric:val_accuracy');
  await bothThemes(page, shot, 'first-use-compare-scatter');

  await page.getByTestId('compare-back').click();
  await expect(page.getByTestId('runs-table-ready')).toBeAttached();
  expect(runIds).toHaveLength(12);
});

test('the run page: its colour, its numbers above its charts, the useful parts first', async ({ page, cairn, shot }) => {
  const { runIds } = await openTable(page, cairn);
  const colors = await tableColors(page);
  const runId = runIds[4]!;
  await page.goto(`${cairn.url}#/runs/${runId}`);
  await expect(page.getByTestId('run-page-ready')).toBeAttached();
  await expect(page.getByTestId('run-color')).toHaveAttribute('data-color', colors[runId]!);

  // The breadcrumb starts at the experiments.
  const crumbs = page.getByTestId('run-breadcrumbs').getByRole('link');
  await expect(crumbs).toHaveText(['Experiments', 'resnet-cifar10']);

  // Latest, min and max of each metric with their steps, above the charts.
  const table = page.getByTestId('run-metrics');
  await expect(table.locator('tbody tr')).toHaveCount(4);
  const lr = table.locator('tr[data-metric="lr"]');
  await expect(lr.locator('td').nth(1)).toHaveText(String(EPOCHS - 1));
  await expect(lr.locator('td').nth(5)).toHaveText('0');
  await expect(table.locator('tr[data-metric="val_loss"] [data-testid="metric-min"]')).not.toHaveText('');
  const tableBox = (await table.boundingBox())!;
  const chartBox = (await page.getByTestId('run-metric-chart-val_loss').boundingBox())!;
  expect(tableBox.y).toBeLessThan(chartBox.y);

  // The empty note and datasets come after the models and artifacts, one line each.
  const artifacts = (await page.getByTestId('run-artifacts').boundingBox())!;
  const note = (await page.getByTestId('run-note-section').boundingBox())!;
  expect(note.y).toBeGreaterThan(artifacts.y);
  expect(note.height).toBeLessThan(80);
  await bothThemes(page, shot, 'first-use-run-page');
  await page.getByTestId('run-note-section').scrollIntoViewIfNeeded();
  await bothThemes(page, shot, 'first-use-run-page-end');
});
