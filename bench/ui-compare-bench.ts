// How fast the compare view draws 100 runs × 4 metrics × 100,000 steps, and how fast a smoothing
// change redraws them. The runs are written straight into a temporary data folder with the
// SQLite store (much faster than over HTTP), then `cairn serve` serves it and Chromium opens the
// compare view: from the loaded app (the route change a Compare button makes; the target), and
// by loading its URL in a new tab (page load included). The page sets performance marks
// (renderer/pages/compare/compare-marks.ts) that this reads; functions run in the page use
// window.performance, since a bundler may rename a bare `performance`. Also measured: the main
// side alone answering the four metric-series requests.
import { chromium, type Browser, type Page } from '@playwright/test';
import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { MetricSeriesService } from '../electron/services/metrics/metric-series-service';
import { SqliteMetricSeriesReader } from '../electron/services/metrics/sqlite-metric-series-reader';
import { openCairnStores } from '../electron/services/cairn-services';
import type { MetricInput } from '../electron/services/tracker/tracker-store';
import { COMPARE_MARKS } from '../renderer/pages/compare/compare-marks';
import { startCairnServe, stopCairnServe } from '../e2e/cairn-serve-process';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../e2e/chromium-options';
import { median, type BenchFigure } from './bench-result';

const RUNS = 100;
const STEPS = 100_000;
const METRICS = ['loss', 'val_loss', 'accuracy', 'learning_rate'] as const;
const POINTS_PER_BATCH = 25_000;
const SMOOTHING_CHANGES = 6;
const IN_APP_OPENS = 3;
// `npm run bench` runs from the repository root.
const ROOT = process.cwd();

/** A training-like value of a metric at a step: decaying curves with noise, one run a little different from the next. */
function metricValue(metric: (typeof METRICS)[number], run: number, step: number, noise: number): number {
  const progress = step / STEPS;
  switch (metric) {
    case 'loss':
      return (1 + run / RUNS) * Math.exp(-4 * progress) + 0.05 * noise;
    case 'val_loss':
      return (1.1 + run / RUNS) * Math.exp(-3.5 * progress) + 0.08 * noise + 0.1 * progress;
    case 'accuracy':
      return Math.min(1, 0.5 + 0.45 * (1 - Math.exp(-5 * progress)) * (1 - run / (4 * RUNS)) + 0.02 * noise);
    case 'learning_rate':
      return 1e-3 * (1 + run / RUNS) * 0.5 * (1 + Math.cos(Math.PI * progress));
  }
}

/** Writes the runs into a fresh database in `dataDir`; returns their ids. */
async function seedRuns(dataDir: string): Promise<string[]> {
  const stores = openCairnStores(dataDir);
  const { store } = stores;
  try {
    const experiment = await store.createExperiment({ name: 'ui-compare-bench' });
    const start = Date.now() - STEPS * 10;
    let seed = 1;
    const noise = () => ((seed = (seed * 16807) % 2147483647) / 2147483647) * 2 - 1;
    const runIds: string[] = [];
    for (let run = 0; run < RUNS; run++) {
      const created = await store.createRun({ experimentId: experiment.experimentId, runName: `bench-${run}`, startTime: start });
      const runId = created.info.runId;
      runIds.push(runId);
      await store.logBatch(runId, {
        params: [
          { key: 'lr', value: String(1e-3 * (1 + run / RUNS)) },
          { key: 'batch_size', value: String([32, 64, 128, 256][run % 4]) },
          { key: 'optimizer', value: run % 3 === 0 ? 'sgd' : 'adam' },
        ],
      });
      for (let from = 0; from < STEPS; from += POINTS_PER_BATCH) {
        const metrics: MetricInput[] = [];
        for (const key of METRICS) {
          for (let step = from; step < Math.min(STEPS, from + POINTS_PER_BATCH); step++) {
            metrics.push({ key, value: metricValue(key, run, step, noise()), step, timestamp: start + step * 10 });
          }
        }
        await store.logBatch(runId, { metrics });
      }
      await store.updateRun(runId, { status: 'FINISHED', endTime: start + STEPS * 10 });
    }
    return runIds;
  } finally {
    stores.close();
  }
}

/** The main side alone: the four requests the compare view makes, answered by the series service. */
function timeSeriesService(dataDir: string, runIds: readonly string[], maxPoints: number): number {
  const stores = openCairnStores(dataDir);
  try {
    const service = new MetricSeriesService(new SqliteMetricSeriesReader(stores.database));
    const started = performance.now();
    for (const key of METRICS) service.getMetricSeries({ runIds, keys: [key], xAxis: 'step', maxPoints });
    return performance.now() - started;
  } finally {
    stores.close();
  }
}


/** Resolves once the page has set the mark, with the time it was set (ms since navigation). */
async function markTime(page: Page, mark: string): Promise<number> {
  await page.waitForFunction((name) => window.performance.getEntriesByName(name).length > 0, mark, { timeout: 120_000, polling: 20 });
  return page.evaluate((name) => window.performance.getEntriesByName(name).at(-1)!.startTime, mark);
}

/** Loads the compare view's URL in a fresh page: the time from navigation to every chart drawn (page load included). */
async function loadCompare(browser: Browser, url: string, runIds: readonly string[]): Promise<{ page: Page; drawnMs: number }> {
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  await page.goto(`${url}#/compare?runs=${runIds.join(',')}`);
  return { page, drawnMs: await markTime(page, COMPARE_MARKS.chartsDrawn) };
}

/** Opens the compare view from the loaded app (as pressing Compare does): the time from the route change to every chart drawn. */
async function openCompareInApp(browser: Browser, url: string, runIds: readonly string[]): Promise<{ page: Page; drawnMs: number }> {
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  await page.goto(url);
  await page.getByTestId('app-ready').waitFor();
  await page.evaluate((hash) => (window.location.hash = hash), `#/compare?runs=${runIds.join(',')}`);
  const drawn = await markTime(page, COMPARE_MARKS.chartsDrawn);
  const opened = await markTime(page, COMPARE_MARKS.open);
  return { page, drawnMs: drawn - opened };
}

/** Moves the smoothing slider and resolves to the time from the change to every chart redrawn. */
async function changeSmoothing(page: Page, value: number): Promise<number> {
  return page.evaluate(
    async ({ value, marks }) => {
      const before = window.performance.getEntriesByName(marks.smoothingDrawn).length;
      const slider = document.querySelector<HTMLInputElement>('[data-testid="compare-smoothing"]')!;
      Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value')!.set!.call(slider, String(value));
      slider.dispatchEvent(new Event('input', { bubbles: true }));
      while (window.performance.getEntriesByName(marks.smoothingDrawn).length === before) await new Promise((resolve) => setTimeout(resolve, 5));
      const start = window.performance.getEntriesByName(marks.smoothingStart).at(-1)!.startTime;
      return window.performance.getEntriesByName(marks.smoothingDrawn).at(-1)!.startTime - start;
    },
    { value, marks: COMPARE_MARKS },
  );
}

/** Seeds 100 runs × 4 metrics × 100,000 steps and times the compare view in Chromium. */
export async function runUiCompareBench(): Promise<BenchFigure[]> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cairn-ui-bench-'));
  let serve: ChildProcess | null = null;
  let browser: Browser | null = null;
  try {
    const seedStarted = performance.now();
    const runIds = await seedRuns(dataDir);
    const seedSeconds = (performance.now() - seedStarted) / 1000;
    const serviceMs = timeSeriesService(dataDir, runIds, 650);

    const started = await startCairnServe(ROOT, dataDir, 60_000);
    serve = started.child;
    browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: [...CHROMIUM_ARGS] });
    const cold = await loadCompare(browser, started.url, runIds);
    await cold.page.close();
    const inApp: number[] = [];
    let page: Page | null = null;
    for (let i = 0; i < IN_APP_OPENS; i++) {
      await page?.close();
      const opened = await openCompareInApp(browser, started.url, runIds);
      inApp.push(opened.drawnMs);
      page = opened.page;
    }
    const smoothing: number[] = [];
    for (let i = 0; i < SMOOTHING_CHANGES; i++) smoothing.push(await changeSmoothing(page!, [0.6, 0.9, 0.3, 0.95, 0.75, 0][i]!));
    const scale = `${RUNS} runs × ${METRICS.length} metrics × ${STEPS.toLocaleString('en')} steps`;
    return [
      { name: `ui compare: seed ${scale} with the SQLite store`, value: Math.round(seedSeconds), unit: 's', target: 'none set' },
      { name: `ui compare: main side answers the 4 metric-series requests (${scale}, 650 points a series)`, value: Math.round(serviceMs), unit: 'ms', target: 'none set' },
      { name: `ui compare: open the compare view from the loaded app, all ${METRICS.length} charts drawn, median of ${IN_APP_OPENS}`, value: Math.round(median(inApp)), unit: 'ms', target: '≤ 1500 ms' },
      { name: `ui compare: load the compare view's URL in a new tab, all ${METRICS.length} charts drawn (page load included, first load after serve starts)`, value: Math.round(cold.drawnMs), unit: 'ms', target: 'none set' },
      { name: `ui compare: smoothing change redrawn on every chart, median of ${SMOOTHING_CHANGES}`, value: Math.round(median(smoothing)), unit: 'ms', target: '≤ 200 ms' },
      { name: `ui compare: smoothing change redrawn on every chart, slowest of ${SMOOTHING_CHANGES}`, value: Math.round(Math.max(...smoothing)), unit: 'ms', target: '≤ 200 ms' },
    ];
  } finally {
    await browser?.close();
    if (serve) await stopCairnServe(serve);
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}
