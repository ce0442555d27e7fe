// The runs table of an experiment: params and latest metrics as columns, sorting, nested runs,
// the filter bar (completion, a mistake shown where it is, no match), grouping, selection with
// shift-click and Compare, the keyboard, columns chosen and remembered, runs logged during the
// test appearing live, and choices that survive switching pages.
import type { Page } from '@playwright/test';
import { expect, test, type CairnServer } from './cairn-fixture';

interface Seeded {
  readonly experimentId: string;
  readonly parentId: string;
}

const OPTIMIZERS = ['adam', 'sgd', 'rmsprop'] as const;
let seeded: Seeded | null = null;

/** 12 trials (loss 0.05 … 0.60, optimizer cycling adam/sgd/rmsprop) and a parent run with two nested runs. */
async function seed(cairn: CairnServer): Promise<Seeded> {
  if (seeded) return seeded;
  const { mlflow } = cairn;
  const experimentId = await mlflow.createExperiment('sweep');
  for (let i = 0; i < 12; i++) {
    const runId = await mlflow.createRun(experimentId, `trial-${String(i).padStart(2, '0')}`, { team: i % 2 ? 'vision' : 'nlp', 'mlflow.user': 'ada' });
    const loss = 0.05 * (i + 1);
    await mlflow.logBatch(runId, {
      params: { optimizer: OPTIMIZERS[i % 3]!, lr: String([0.1, 0.01, 0.001][i % 3]), batch_size: String(32 * (1 + (i % 4))) },
      metrics: [
        { key: 'loss', value: loss * 3, step: 0 },
        { key: 'loss', value: loss / 2, step: 1 },
        { key: 'loss', value: loss, step: 2 },
        { key: 'accuracy', value: 1 - loss, step: 2 },
      ],
    });
    if (i !== 11) await mlflow.finishRun(runId, i === 7 ? 'FAILED' : 'FINISHED');
  }
  const parentId = await mlflow.createRun(experimentId, 'sweep-parent');
  await mlflow.logBatch(parentId, { metrics: [{ key: 'loss', value: 0.9, step: 0 }] });
  for (const [name, loss] of [
    ['child-a', 0.7],
    ['child-b', 0.8],
  ] as const) {
    const childId = await mlflow.createRun(experimentId, name, { 'mlflow.parentRunId': parentId });
    await mlflow.logBatch(childId, { metrics: [{ key: 'loss', value: loss, step: 0 }] });
    await mlflow.finishRun(childId);
  }
  await mlflow.finishRun(parentId);
  seeded = { experimentId, parentId };
  return seeded;
}

/** Opens the experiment's table from the experiments list and waits until it is loaded. */
async function openTable(page: Page, cairn: CairnServer): Promise<Seeded> {
  const run = await seed(cairn);
  await page.goto(cairn.url);
  await expect(page.getByTestId('experiments-ready')).toBeAttached();
  await page.locator(`[data-experiment-id="${run.experimentId}"] [data-testid="experiment-link"]`).click();
  await expect(page.getByTestId('runs-table-ready')).toBeAttached();
  return run;
}

/** The run row shown at a position (0 is the top row); rows are placed by position, not DOM order. */
function rowAt(page: Page, position: number) {
  return page.locator(`.rt-row-pinned[aria-rowindex="${position + 2}"]`);
}

async function applyFilter(page: Page, filter: string): Promise<void> {
  await page.getByTestId('filter-input').fill(filter);
  await page.getByTestId('filter-input').press('Enter');
  await expect(page.locator(`[data-testid="runs-table-ready"][data-filter="${filter.replaceAll('"', '\\"')}"]`)).toBeAttached();
}

/** Checks that each cell drawn in a run's row sits under its column's header, in the header's order. */
async function expectCellsUnderHeaders(page: Page, runId: string): Promise<string[]> {
  const placed = await page.evaluate((runId) => {
    const box = (element: Element) => element.getBoundingClientRect();
    const cells = [...document.querySelectorAll(`.rt-row-rest[data-row-key="${runId}"] [data-column]`)];
    return cells.map((cell) => {
      const id = cell.getAttribute('data-column')!;
      const header = document.querySelector(`.rt-header [role="columnheader"][data-column="${CSS.escape(id)}"]`);
      return { id, cell: { x: box(cell).x, width: box(cell).width }, header: header ? { x: box(header).x, width: box(header).width } : null };
    });
  }, runId);
  for (const { id, cell, header } of placed) {
    expect(header, `header of ${id}`).not.toBeNull();
    expect(Math.abs(cell.x - header!.x), `${id}: cell at ${cell.x}, header at ${header!.x}`).toBeLessThanOrEqual(1);
    expect(Math.abs(cell.width - header!.width), `${id}: cell ${cell.width} wide, header ${header!.width}`).toBeLessThanOrEqual(1);
  }
  const xs = placed.map((entry) => entry.cell.x);
  expect(xs, 'cells in column order').toEqual([...xs].sort((a, b) => a - b));
  return placed.map((entry) => entry.id);
}

test.describe.configure({ mode: 'serial' });

test('shows each run with its status, params and latest metrics as columns', async ({ page, cairn, shot }) => {
  await openTable(page, cairn);
  await expect(page.getByTestId('run-count')).toHaveText('15 runs');
  // Nested runs wait under their parent: 12 trials and the parent.
  await expect(page.getByTestId('run-row')).toHaveCount(13);
  for (const column of ['attr:status', 'attr:start', 'attr:duration', 'attr:user', 'metric:loss', 'metric:accuracy', 'param:optimizer', 'param:lr']) {
    await expect(page.getByTestId(`column-header-${column}`)).toBeVisible();
  }
  const trial = page.locator('[data-testid="run-row"]', { hasText: 'trial-03' });
  const runId = await trial.getAttribute('data-run-id');
  const rest = page.locator(`.rt-row-rest[data-row-key="${runId}"]`);
  await expect(rest.locator('[data-column="metric:loss"]')).toHaveText('0.20');
  await expect(rest.locator('[data-column="param:optimizer"]')).toHaveText('adam');
  await expect(rest.locator('[data-column="attr:status"]')).toHaveText('Finished');
  await expect(page.locator('.rt-row-rest', { hasText: 'Running' })).toHaveCount(1);
  await shot(page, 'runs-table-light');
  await page.emulateMedia({ colorScheme: 'dark' });
  await shot(page, 'runs-table-dark');
});

test('sorts by a metric both ways, as the main side orders runs', async ({ page, cairn, shot }) => {
  await openTable(page, cairn);
  const lossHeader = page.getByTestId('column-header-metric:loss');
  await lossHeader.locator('.rt-sort').click();
  await expect(lossHeader).toHaveAttribute('aria-sort', 'descending');
  await expect(rowAt(page, 0)).toContainText('sweep-parent');
  await expect(rowAt(page, 1)).toContainText('trial-11');
  await lossHeader.locator('.rt-sort').click();
  await expect(lossHeader).toHaveAttribute('aria-sort', 'ascending');
  await expect(rowAt(page, 0)).toContainText('trial-00');
  await expect(rowAt(page, 12)).toContainText('sweep-parent');
  await shot(page, 'runs-table-sorted');

  const nameHeader = page.getByTestId('column-header-attr:name');
  await nameHeader.locator('.rt-sort').click();
  await expect(rowAt(page, 0)).toContainText('sweep-parent');
  await nameHeader.locator('.rt-sort').click();
  await expect(rowAt(page, 0)).toContainText('trial-11');
  await nameHeader.locator('.rt-sort').click();
  await expect(nameHeader).toHaveAttribute('aria-sort', 'none');
});

test('shows nested runs under their parent', async ({ page, cairn, shot }) => {
  const { parentId } = await openTable(page, cairn);
  const parent = page.locator(`[data-testid="run-row"][data-run-id="${parentId}"]`);
  await expect(parent.locator('.rt-count')).toHaveText('2');
  await parent.locator('[data-action="expand"]').click();
  await expect(page.getByTestId('run-row')).toHaveCount(15);
  await expect(page.locator('[data-testid="run-row"][data-depth="1"]')).toHaveCount(2);
  await expect(page.locator('[data-testid="run-row"][data-depth="1"]', { hasText: 'child-a' })).toBeVisible();
  await shot(page, 'runs-table-nested');
  await parent.locator('[data-action="expand"]').click();
  await expect(page.getByTestId('run-row')).toHaveCount(13);
});

test('filters with completion, shows a mistake where it is, and offers to clear a filter nothing matches', async ({ page, cairn, shot }) => {
  await openTable(page, cairn);
  const input = page.getByTestId('filter-input');
  await input.fill('params.');
  await expect(page.getByTestId('filter-suggestions')).toContainText('optimizer');
  await shot(page, 'runs-filter-completion-keys');
  await input.press('ArrowDown');
  await input.press('ArrowDown');
  await input.press('ArrowDown');
  await expect(page.locator('[data-testid="filter-suggestion"][aria-selected="true"]')).toContainText('optimizer');
  await input.press('Enter');
  await expect(input).toHaveValue('params.optimizer ');
  await input.press('=');
  await input.press(' ');
  await expect(page.getByTestId('filter-suggestions')).toContainText('rmsprop');
  await shot(page, 'runs-filter-completion-values');
  await page.getByTestId('filter-suggestion').filter({ hasText: 'adam' }).click();
  await expect(input).toHaveValue("params.optimizer = 'adam' ");
  await input.press('Enter');
  await expect(page.locator(`[data-testid="runs-table-ready"][data-filter="params.optimizer = 'adam'"]`)).toBeAttached();
  await expect(page.getByTestId('run-row')).toHaveCount(4);
  await expect(page.getByTestId('run-count')).toHaveText('4 matching');

  await applyFilter(page, "params.optimizer = 'sgd' OR (metrics.loss < 0.1 AND tags.team = 'nlp')");
  await expect(page.getByTestId('run-row')).toHaveCount(5);

  // A mistake is underlined where it is, with what was expected; the last good filter stays applied.
  await input.fill('metrics.loss <');
  await input.press('Enter');
  await expect(page.getByTestId('filter-error')).toContainText("Expected a value after '<'");
  await expect(page.getByTestId('filter-error')).toHaveAttribute('data-position', '14');
  await expect(page.getByTestId('filter-error-mark')).toBeVisible();
  await expect(page.getByTestId('run-row')).toHaveCount(5);
  await shot(page, 'runs-filter-error-light');
  await page.emulateMedia({ colorScheme: 'dark' });
  await shot(page, 'runs-filter-error-dark');
  await page.emulateMedia({ colorScheme: 'light' });

  await input.fill('params.optimizer = adam');
  await input.press('Enter');
  await expect(page.getByTestId('filter-error')).toContainText("found 'adam'");
  await expect(page.getByTestId('filter-error')).toHaveAttribute('data-position', '19');

  await applyFilter(page, 'metrics.loss > 100');
  await expect(page.getByTestId('no-match')).toContainText('No run matches this filter');
  await shot(page, 'runs-filter-no-match');
  await page.getByTestId('clear-filter').click();
  await expect(page.locator('[data-testid="runs-table-ready"][data-filter=""]')).toBeAttached();
  await expect(page.getByTestId('run-row')).toHaveCount(13);
});

test('groups runs by a param, with counts and the mean and spread of each metric', async ({ page, cairn, shot }) => {
  await openTable(page, cairn);
  await page.getByTestId('group-by').selectOption('param:optimizer');
  await expect(page.getByTestId('group-row')).toHaveCount(4);
  const adam = page.getByTestId('group-row').filter({ hasText: 'adam' });
  await expect(adam).toContainText('4 runs');
  // The group's value shows whole beside its count, in a name column fitted to names like trial-00.
  const adamLabel = adam.locator('.rt-group-label');
  await expect(adamLabel).toHaveText('adam');
  expect(await adamLabel.evaluate((label) => label.scrollWidth <= label.clientWidth)).toBe(true);
  await adamLabel.hover();
  await expect(adam.locator('[data-column="attr:name"]')).toHaveAttribute('title', 'optimizer = adam: 4 runs');
  const adamKey = await adam.getAttribute('data-row-key');
  // loss of the adam trials: 0.05, 0.2, 0.35, 0.5.
  await expect(page.locator(`.rt-row-rest[data-row-key="${adamKey}"] [data-column="metric:loss"]`)).toContainText('0.275');
  await expect(page.getByTestId('group-row').filter({ hasText: 'not set' })).toContainText('3 runs');
  await adam.locator('[data-action="expand"]').click();
  await expect(page.getByTestId('run-row')).toHaveCount(4);
  await shot(page, 'runs-grouped-light');
  await page.emulateMedia({ colorScheme: 'dark' });
  await shot(page, 'runs-grouped-dark');
  await page.getByTestId('group-by').selectOption('');
  await expect(page.getByTestId('group-row')).toHaveCount(0);
});

test('selects a range with shift-click, opens Compare, and keeps the selection', async ({ page, cairn, shot }) => {
  await openTable(page, cairn);
  const compare = page.getByTestId('compare-button');
  await expect(compare).toBeDisabled();
  await rowAt(page, 1).locator('[data-action="select"]').click();
  await expect(compare).toBeDisabled();
  await rowAt(page, 4).locator('[data-action="select"]').click({ modifiers: ['Shift'] });
  await expect(page.getByTestId('selection-count')).toHaveText('4 runs selected');
  for (const position of [1, 2, 3, 4]) await expect(rowAt(page, position)).toHaveAttribute('aria-selected', 'true');
  await expect(rowAt(page, 0)).toHaveAttribute('aria-selected', 'false');
  await expect(compare).toBeEnabled();
  await shot(page, 'runs-selected');
  const selectedIds = await Promise.all([1, 2, 3, 4].map((position) => rowAt(page, position).getAttribute('data-run-id')));
  await compare.click();
  await expect(page).toHaveURL(new RegExp(`#/compare\\?runs=${selectedIds.join(',')}$`));
  await expect(page.getByTestId('compare-page')).toBeVisible();

  await page.goBack();
  await expect(page.getByTestId('runs-table-ready')).toBeAttached();
  await expect(page.getByTestId('selection-count')).toHaveText('4 runs selected');
  await page.getByTestId('select-all-matching').click();
  await expect(page.getByTestId('selection-count')).toHaveText('15 runs selected');
  await page.getByTestId('clear-selection').click();
  await expect(page.getByTestId('selection-bar')).toHaveCount(0);
});

test('moves through rows with the keyboard, selects with Space and opens with Enter', async ({ page, cairn, shot }) => {
  await openTable(page, cairn);
  const table = page.getByTestId('runs-table');
  await table.focus();
  await table.press('ArrowDown');
  await expect(table).toHaveAttribute('data-focused-index', '0');
  await table.press('ArrowDown');
  await table.press('ArrowDown');
  await expect(table).toHaveAttribute('data-focused-index', '2');
  await expect(rowAt(page, 2)).toHaveClass(/is-focused/);
  await table.press(' ');
  await expect(rowAt(page, 2)).toHaveAttribute('aria-selected', 'true');
  await table.press('ArrowUp');
  await expect(rowAt(page, 1)).toHaveClass(/is-focused/);
  await shot(page, 'runs-keyboard-focus');
  const runId = await rowAt(page, 1).getAttribute('data-run-id');
  await table.press('Enter');
  await expect(page).toHaveURL(new RegExp(`#/runs/${runId}$`));
  await page.goBack();
  await expect(page.getByTestId('runs-table-ready')).toBeAttached();
  await page.getByTestId('clear-selection').click();
});

test('chooses, reorders and resizes columns, shows a metric min or max, and remembers the layout', async ({ page, cairn, shot }) => {
  await openTable(page, cairn);
  await page.getByTestId('column-picker-button').click();
  await expect(page.getByTestId('column-picker')).toBeVisible();
  await page.getByTestId('column-search').fill('batch');
  await shot(page, 'runs-column-picker');
  await page.getByTestId('column-option-param:batch_size').uncheck();
  await page.getByTestId('column-search').fill('');
  await page.getByTestId('column-option-attr:user').uncheck();
  await page.getByTestId('column-option-tag:team').check();
  await page.keyboard.press('Escape');
  await expect(page.getByTestId('column-picker')).toHaveCount(0);
  await expect(page.getByTestId('column-header-param:batch_size')).toHaveCount(0);
  await expect(page.getByTestId('column-header-attr:user')).toHaveCount(0);
  await expect(page.getByTestId('column-header-tag:team')).toBeVisible();

  // Min of loss for trial-00 is 0.025 (0.15, 0.025, 0.05 logged); latest is 0.05.
  const trialId = await page.locator('[data-testid="run-row"]', { hasText: 'trial-00' }).getAttribute('data-run-id');
  const lossCell = page.locator(`.rt-row-rest[data-row-key="${trialId}"] [data-column="metric:loss"]`);
  await expect(lossCell).toHaveText('0.05');
  await page.getByTestId('aggregate-toggle-metric:loss').click();
  await expect(page.getByTestId('aggregate-toggle-metric:loss')).toHaveText('min');
  await expect(lossCell).toHaveText('0.025');
  await page.getByTestId('aggregate-toggle-metric:loss').click();
  await expect(lossCell).toHaveText('0.15');

  // Drag the status column after the loss column, and widen the loss column.
  const status = page.getByTestId('column-header-attr:status');
  const loss = page.getByTestId('column-header-metric:loss');
  const from = (await status.boundingBox())!;
  const to = (await loss.boundingBox())!;
  await page.mouse.move(from.x + 20, from.y + from.height / 2);
  await page.mouse.down();
  await page.mouse.move(from.x + 60, from.y + from.height / 2, { steps: 4 });
  await page.mouse.move(to.x + to.width - 5, to.y + to.height / 2, { steps: 8 });
  await page.mouse.up();
  const order = async () => page.locator('.rt-header [role="columnheader"][data-column]').evaluateAll((cells) => cells.map((cell) => cell.getAttribute('data-column')));
  await expect.poll(async () => (await order()).indexOf('attr:status')).toBeGreaterThan((await order()).indexOf('metric:loss'));
  const handle = (await page.getByTestId('column-resize-metric:loss').boundingBox())!;
  const before = (await loss.boundingBox())!.width;
  await page.mouse.move(handle.x + handle.width / 2, handle.y + handle.height / 2);
  await page.mouse.down();
  await page.mouse.move(handle.x + 80, handle.y + handle.height / 2, { steps: 5 });
  await page.mouse.up();
  await expect.poll(async () => (await loss.boundingBox())!.width).toBeGreaterThan(before + 60);
  await expectCellsUnderHeaders(page, trialId!);
  await shot(page, 'runs-columns-arranged');

  await page.reload();
  await expect(page.getByTestId('runs-table-ready')).toBeAttached();
  await expect(page.getByTestId('column-header-param:batch_size')).toHaveCount(0);
  await expect(page.getByTestId('column-header-tag:team')).toBeVisible();
  await expect(page.getByTestId('aggregate-toggle-metric:loss')).toHaveText('max');
  expect((await order()).indexOf('attr:status')).toBeGreaterThan((await order()).indexOf('metric:loss'));
  expect((await page.getByTestId('column-header-metric:loss').boundingBox())!.width).toBeGreaterThan(before + 60);

  await page.getByTestId('column-picker-button').click();
  await page.getByRole('button', { name: 'Reset to defaults' }).click();
  await page.getByTestId('column-option-attr:user').check();
  await page.keyboard.press('Escape');
  await page.getByTestId('aggregate-toggle-metric:loss').click();
  await expect(page.getByTestId('column-header-param:batch_size')).toBeVisible();
});

test('a table wider than the window draws only the columns in view, each under its header, when scrolled sideways', async ({ page, cairn }) => {
  const { mlflow } = cairn;
  const experimentId = await mlflow.createExperiment('wide');
  const runIds: string[] = [];
  for (let i = 0; i < 3; i++) {
    const runId = await mlflow.createRun(experimentId, `wide-${i}`);
    const params = Object.fromEntries(Array.from({ length: 40 }, (_, k) => [`p${String(k).padStart(2, '0')}`, String(k * 10 + i)]));
    await mlflow.logBatch(runId, { params, metrics: [{ key: 'score', value: i / 3, step: 0 }] });
    await mlflow.finishRun(runId);
    runIds.push(runId);
  }
  await page.goto(`${cairn.url}#/experiments/${experimentId}`);
  await expect(page.getByTestId('runs-table-ready')).toBeAttached();
  const headers = await page.locator('.rt-header [role="columnheader"][data-column]').evaluateAll((cells) => cells.map((cell) => cell.getAttribute('data-column')!));
  const [firstParam, lastColumn] = [headers.find((id) => id.startsWith('param:'))!, headers.at(-1)!];
  expect(headers.length, 'more columns than fit in the window').toBeGreaterThan(20);
  const atStart = await expectCellsUnderHeaders(page, runIds[0]!);
  expect(atStart).toContain(firstParam);
  expect(atStart, 'columns far out of view are not drawn').not.toContain(lastColumn);

  const scroller = page.getByTestId('runs-table');
  await scroller.evaluate((element) => (element.scrollLeft = element.scrollWidth));
  await expect.poll(async () => expectCellsUnderHeaders(page, runIds[0]!)).toContain(lastColumn);
  expect(await expectCellsUnderHeaders(page, runIds[0]!)).not.toContain(firstParam);
  await expect(page.locator(`.rt-row-rest[data-row-key="${runIds[2]}"] [data-column="param:p28"]`)).toHaveText('282');

  // Back to the middle: the columns come back in order, under their headers.
  await scroller.evaluate((element) => (element.scrollLeft = element.scrollWidth / 2));
  await expect.poll(async () => (await expectCellsUnderHeaders(page, runIds[1]!)).includes('param:p14')).toBe(true);
  await expectCellsUnderHeaders(page, runIds[2]!);
});

test('runs logged during the test appear, and their metrics update, without a reload', async ({ page, cairn, shot }) => {
  const { experimentId } = await openTable(page, cairn);
  await expect(page.getByTestId('run-row')).toHaveCount(13);
  const runId = await cairn.mlflow.createRun(experimentId, 'live-trial');
  const row = page.locator(`[data-testid="run-row"][data-run-id="${runId}"]`);
  await expect(row).toBeVisible();
  await expect(page.getByTestId('run-count')).toHaveText('16 runs');
  await cairn.mlflow.logBatch(runId, { params: { optimizer: 'adam' }, metrics: [{ key: 'loss', value: 0.42, step: 0 }] });
  const lossCell = page.locator(`.rt-row-rest[data-row-key="${runId}"] [data-column="metric:loss"]`);
  await expect(lossCell).toHaveText('0.42');
  const headers = () => page.locator('.rt-header [role="columnheader"][data-column]').evaluateAll((cells) => cells.map((cell) => cell.getAttribute('data-column')));
  const shown = await headers();
  await cairn.mlflow.logBatch(runId, { metrics: [{ key: 'loss', value: 0.31, step: 1 }, { key: 'a_new_metric', value: 7, step: 1 }] });
  await expect(lossCell).toHaveText('0.31');
  // A metric only this run logs (alphabetically first) neither joins the default columns nor moves them;
  // the column picker offers it.
  await expect(page.getByTestId('column-header-metric:a_new_metric')).toHaveCount(0);
  expect(await headers()).toEqual(shown);
  await page.getByRole('button', { name: /^Columns/ }).click();
  await expect(page.getByTestId('column-option-metric:a_new_metric')).toBeVisible();
  await page.keyboard.press('Escape');
  await shot(page, 'runs-live');

  // With a filter, a run that stops matching leaves and one that starts matching arrives.
  await applyFilter(page, 'metrics.loss < 0.3');
  await expect(row).toHaveCount(0);
  await cairn.mlflow.logBatch(runId, { metrics: [{ key: 'loss', value: 0.01, step: 2 }] });
  await expect(row).toBeVisible();
  await cairn.mlflow.finishRun(runId);
  await expect(page.locator(`.rt-row-rest[data-row-key="${runId}"] [data-column="attr:status"]`)).toHaveText('Finished');
  await page.getByTestId('filter-clear').click();
});

test('keeps the filter, sort, grouping and selection when leaving the page and coming back', async ({ page, cairn }) => {
  await openTable(page, cairn);
  await applyFilter(page, 'metrics.loss < 0.5');
  await page.getByTestId('column-header-metric:loss').locator('.rt-sort').click();
  await page.getByTestId('group-by').selectOption('param:optimizer');
  await page.getByTestId('group-row').filter({ hasText: 'sgd' }).locator('[data-action="select"]').click();
  const selected = await page.getByTestId('selection-count').textContent();

  await page.getByRole('navigation', { name: 'Breadcrumbs' }).getByRole('link', { name: 'Experiments' }).click();
  await expect(page.getByTestId('experiments-ready')).toBeAttached();
  await page.getByTestId('experiment-link').filter({ hasText: 'sweep' }).click();
  await expect(page.getByTestId('runs-table-ready')).toBeAttached();
  await expect(page.getByTestId('filter-input')).toHaveValue('metrics.loss < 0.5');
  await expect(page.getByTestId('group-by')).toHaveValue('param:optimizer');
  await expect(page.getByTestId('column-header-metric:loss')).toHaveAttribute('aria-sort', 'descending');
  await expect(page.getByTestId('selection-count')).toHaveText(selected ?? '');
});
