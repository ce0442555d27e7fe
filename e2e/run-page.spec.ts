// The run page: overview, params, charts with every logged point, the note (edited, saved, kept
// after a reload), the artifacts browser's previews, datasets, and a chart growing while the
// run logs.
import type { Page } from '@playwright/test';
import { expect, test, type CairnServer } from './cairn-fixture';

/** A 2×2 PNG. */
const TINY_PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAIAAAACCAYAAABytg0kAAAAFklEQVR4nGP8z8DwnwEIGBkYGBgYAAAf/gL+Ih9XSQAAAABJRU5ErkJggg==',
  'base64',
);

interface Seeded {
  experimentId: string;
  runId: string;
  parentId: string;
}

let seeded: Seeded | null = null;

async function upload(cairn: CairnServer, seededRun: Seeded, file: string, body: Buffer | string): Promise<void> {
  const response = await fetch(
    `${cairn.trackingUri}/api/2.0/mlflow-artifacts/artifacts/${seededRun.experimentId}/${seededRun.runId}/artifacts/${file}`,
    { method: 'PUT', body: typeof body === 'string' ? body : new Uint8Array(body) },
  );
  expect(response.ok, `upload of ${file}: ${response.status}`).toBe(true);
}

async function seed(cairn: CairnServer): Promise<Seeded> {
  if (seeded) return seeded;
  const { mlflow } = cairn;
  const experimentId = await mlflow.createExperiment('run-page');
  const parentId = await mlflow.createRun(experimentId, 'sweep-parent');
  const runId = await mlflow.createRun(experimentId, 'baseline', {
    'mlflow.parentRunId': parentId,
    'mlflow.source.name': '/home/ada/project/train.py',
    'mlflow.source.git.commit': '3f9c2a7d51e0b8c4a1f2',
    'mlflow.user': 'ada',
    team: 'vision',
  });
  const start = Date.now() - 60_000;
  await mlflow.logBatch(runId, {
    params: { lr: '0.01', epochs: '50', optimizer: 'adam' },
    metrics: Array.from({ length: 50 }, (_, step) => [
      { key: 'loss', value: Math.exp(-step / 15) + 0.02 * Math.sin(step), step, timestamp: start + step * 1000 },
      { key: 'accuracy', value: 0.5 + 0.45 * (1 - Math.exp(-step / 12)), step, timestamp: start + step * 1000 },
    ]).flat(),
  });
  await mlflow.post('runs/log-inputs', {
    run_id: runId,
    datasets: [
      {
        tags: [{ key: 'mlflow.data.context', value: 'training' }],
        dataset: { name: 'digits-train', digest: '9a1b2c3d4e5f', source_type: 'local', source: '{"uri": "/data/digits/train.csv"}', schema: '{"mlflow_colspec": []}' },
      },
    ],
  });
  const childId = await mlflow.createRun(experimentId, 'baseline-fold-1', { 'mlflow.parentRunId': runId });
  await mlflow.finishRun(childId);
  await mlflow.finishRun(runId);
  await mlflow.finishRun(parentId);
  seeded = { experimentId, runId, parentId };
  await upload(cairn, seeded, 'config.json', JSON.stringify({ model: { layers: [64, 32], dropout: 0.1 }, lr: 0.01 }));
  await upload(cairn, seeded, 'data/metrics.csv', 'epoch,loss,accuracy\n1,0.9,0.61\n2,0.5,"0.8"\n3,0.31,0.88\n');
  await upload(cairn, seeded, 'plots/loss.png', TINY_PNG);
  await upload(cairn, seeded, 'model/weights.bin', Buffer.alloc(3000, 7));
  return seeded;
}

async function openRun(page: Page, cairn: CairnServer, runId: string): Promise<void> {
  await page.goto(`${cairn.url}#/runs/${runId}`);
  await expect(page.getByTestId('run-page-ready')).toBeAttached();
}

test('the run page shows the overview, params, tags, datasets and a chart per metric', async ({ cairn, page, shot }) => {
  const { runId } = await seed(cairn);
  await openRun(page, cairn, runId);
  await expect(page.getByTestId('run-name')).toHaveText('baseline');
  await expect(page.getByTestId('run-status')).toContainText('Finished');
  await expect(page.getByTestId('run-source')).toHaveText('train.py');
  await expect(page.getByTestId('run-git-commit')).toContainText('3f9c2a7d51');
  await expect(page.getByTestId('run-parent')).toContainText('sweep-parent');
  await expect(page.getByTestId('run-children')).toContainText('baseline-fold-1');
  const params = page.getByTestId('run-params');
  await expect(params.getByRole('row', { name: /lr/ })).toContainText('0.01');
  await expect(params.getByRole('row', { name: /optimizer/ })).toContainText('adam');
  await expect(page.getByTestId('run-tags')).toContainText('vision');
  await expect(page.getByTestId('run-datasets')).toContainText('digits-train');
  await expect(page.getByTestId('run-datasets')).toContainText('training');
  for (const key of ['loss', 'accuracy']) {
    const chart = page.getByTestId(`run-metric-chart-${key}`);
    await expect(chart).toHaveAttribute('data-ready', 'true');
    await expect(chart).toHaveAttribute('data-point-count', '50');
  }
  await shot(page, 'run-page');
  await page.emulateMedia({ colorScheme: 'dark' });
  await shot(page, 'run-page-dark');
  await page.emulateMedia({ colorScheme: 'light' });

  // The parent's page lists the run as its child.
  await page.getByTestId('run-parent').getByRole('link').click();
  await expect(page.getByTestId('run-name')).toHaveText('sweep-parent');
  await expect(page.getByTestId('run-children')).toContainText('baseline');
});

/** A 48×16 gradient PNG, embedded in the note as a data: URL. */
const NOTE_IMAGE =
  'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAADAAAAAQCAIAAADfzGvmAAAAtElEQVR42mNQTb6hmXxFN+WCYcoZ09QTlqlHbNMOOKbvcU3f6Zmx1S9jY1Dm2rDMlVFZS+OyFyZlz03LmZWVMy0vd1Jxbl95Xld1flt9flNzQV17QXV3YXl/YfHkovzpxdlzitMXlCQvKYlfURqzpjRiQ1nIlvKAHeU+eyo8Dla4HK10OFlpe7bK8mK16dVqw5s1undrNB/Wqj6rU2IYddCog0YdNOqgUQeNOmjUQaMOoq+DAJ/9VO09hCF/AAAAAElFTkSuQmCC';

const NOTE = [
  '## Baseline',
  '',
  'Tried **lr 0.01**; see [the paper](https://example.org).',
  '',
  '- keeps `dropout`',
  '  - at 0.1',
  '  - and 0.3',
  '- <img src=x onerror=alert(1)>',
  '',
  '| optimizer | loss |',
  '|-----------|-----:|',
  '| adam      | 0.21 |',
  '| sgd       | 0.34 |',
  '',
  '- [x] baseline',
  '- [ ] sweep the learning rate',
  '',
  `![loss curve](${NOTE_IMAGE})`,
].join('\n');

test('the note is edited as markdown, saved, and still there after a reload', async ({ cairn, page, shot }) => {
  const { runId } = await seed(cairn);
  await openRun(page, cairn, runId);
  await expect(page.getByTestId('run-note')).toContainText('No note yet');
  await page.getByTestId('run-note-edit').click();
  await page.getByTestId('run-note-editor').fill(NOTE);
  await page.getByTestId('run-note-preview').click();
  await expect(page.getByTestId('run-note-preview-body').getByRole('heading', { name: 'Baseline' })).toBeVisible();
  await page.getByTestId('run-note-save').click();
  const note = page.getByTestId('run-note');
  await expect(note.getByRole('heading', { name: 'Baseline' })).toBeVisible();
  await expect(note.locator('strong')).toHaveText('lr 0.01');
  await expect(note.getByRole('link', { name: 'the paper' })).toHaveAttribute('rel', 'noopener noreferrer');
  await expect(note.locator('ul ul li')).toHaveText(['at 0.1', 'and 0.3']);
  await expect(note.locator('table tbody tr')).toHaveCount(2);
  await expect(note.locator('table td').first()).toHaveText('adam');
  await expect(note.locator('input[type=checkbox]')).toHaveCount(2);
  await expect(note.locator('input[type=checkbox]').first()).toBeChecked();
  // The embedded image loads (the page's CSP allows data: images) and has its size.
  const image = note.getByRole('img', { name: 'loss curve' });
  await expect(image).toBeVisible();
  await expect.poll(() => image.evaluate((element: HTMLImageElement) => element.naturalWidth)).toBe(48);
  // Markup in a note is text, never an element.
  await expect(note).toContainText('<img src=x onerror=alert(1)>');
  await expect(note.locator('img')).toHaveCount(1);
  await note.scrollIntoViewIfNeeded();
  await shot(page, 'run-page-note');
  await page.emulateMedia({ colorScheme: 'dark' });
  await shot(page, 'run-page-note-dark');
  await page.emulateMedia({ colorScheme: 'light' });

  await page.reload();
  await expect(page.getByTestId('run-page-ready')).toBeAttached();
  await expect(page.getByTestId('run-note').getByRole('heading', { name: 'Baseline' })).toBeVisible();
});

test('artifacts are browsed and previewed: JSON, CSV, images, and binaries by size', async ({ cairn, page, shot }) => {
  const { runId } = await seed(cairn);
  await openRun(page, cairn, runId);
  const entries = page.getByTestId('artifact-entry');
  const preview = page.getByTestId('artifact-preview');
  await entries.filter({ hasText: 'config.json' }).click();
  await expect(preview.getByTestId('artifact-text')).toContainText('"layers": [\n      64,');

  await entries.filter({ hasText: 'data/' }).click();
  await entries.filter({ hasText: 'metrics.csv' }).click();
  const table = preview.getByTestId('artifact-csv-table');
  await expect(table.locator('th')).toHaveText(['epoch', 'loss', 'accuracy']);
  await expect(table.locator('tbody tr')).toHaveCount(3);

  await entries.filter({ hasText: 'plots/' }).click();
  await entries.filter({ hasText: 'loss.png' }).click();
  await expect(preview.locator('img')).toBeVisible();
  await shot(page, 'run-page-artifacts');

  await entries.filter({ hasText: 'model/' }).click();
  await entries.filter({ hasText: 'weights.bin' }).click();
  await expect(preview).toContainText('No preview for this kind of file');
  const download = page.waitForEvent('download');
  await preview.getByTestId('artifact-download').click();
  expect((await download).suggestedFilename()).toBe('weights.bin');
});

test('a chart grows while its run logs', async ({ cairn, page }) => {
  const { experimentId } = await seed(cairn);
  const runId = await cairn.mlflow.createRun(experimentId, 'live-run');
  await cairn.mlflow.logBatch(runId, { metrics: [{ key: 'loss', value: 1, step: 0 }] });
  await openRun(page, cairn, runId);
  const chart = page.getByTestId('run-metric-chart-loss');
  await expect(chart).toHaveAttribute('data-point-count', '1');
  await expect(page.getByTestId('run-status')).toContainText('Running');
  for (let step = 1; step < 30; step += 1) {
    await cairn.mlflow.logBatch(runId, { metrics: [{ key: 'loss', value: 1 / (step + 1), step }] });
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  await expect(chart).toHaveAttribute('data-point-count', '30');
  await cairn.mlflow.finishRun(runId);
  await expect(page.getByTestId('run-status')).toContainText('Finished');
});
