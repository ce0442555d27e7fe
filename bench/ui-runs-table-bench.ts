// How fast the runs table is at 10,000 runs × 30 columns (15 params, 15 metrics), in Chromium
// against `cairn serve`: the first rows painted after the experiment is opened (from the
// experiments list, in a freshly loaded page), a re-sort by a metric, and frames per second
// while scrolling. The runs are written straight into a temporary data folder with the SQLite
// store, then served; the page sets performance marks (renderer/models/runs-table/runs-table-marks.ts)
// that this reads. Also measured: the main side alone answering the table's two requests.
// (`performance` is the global one throughout: functions passed to page.evaluate run in the page.)
import { chromium, type Browser, type Page } from '@playwright/test';
import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { RunsTableRequest } from '../electron/services/runs-table/runs-table-reader';
import { SqliteRunsTableReader } from '../electron/services/runs-table/sqlite-runs-table-reader';
import { openCairnStores } from '../electron/services/cairn-services';
import { FIRST_WINDOW_ROWS } from '../shared/runs-table';
import { RUNS_TABLE_MARKS } from '../renderer/models/runs-table/runs-table-marks';
import { startCairnServe, stopCairnServe } from '../e2e/cairn-serve-process';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../e2e/chromium-options';
import { median, type BenchFigure } from './bench-result';

const RUNS = 10_000;
const PARAMS = 15;
const METRICS = 15;
const OPENS = 5;
const SORTS = 8;
const SCROLL_SECONDS = 5;
const SCROLL_PIXELS_PER_SECOND = 4000;
// `npm run bench` runs from the repository root.
const ROOT = process.cwd();

/** Writes the runs into a fresh database in `dataDir`; returns the experiment id. */
async function seedRuns(dataDir: string): Promise<string> {
  const stores = openCairnStores(dataDir);
  const { store } = stores;
  try {
    const { experimentId } = await store.createExperiment({ name: 'ui-runs-table-bench' });
    const start = Date.now() - RUNS * 1000;
    let seed = 7;
    const random = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
    for (let run = 0; run < RUNS; run++) {
      const created = await store.createRun({ experimentId, runName: `run-${run}`, startTime: start + run * 1000, userId: 'bench' });
      const runId = created.info.runId;
      await store.logBatch(runId, {
        params: Array.from({ length: PARAMS }, (_, k) => ({ key: `param_${String(k).padStart(2, '0')}`, value: String(Math.floor(random() * (k + 2) * 10)) })),
        metrics: Array.from({ length: METRICS }, (_, k) => ({
          key: `metric_${String(k).padStart(2, '0')}`,
          value: random() * 10 ** (k % 4),
          step: 0,
          timestamp: start + run * 1000 + 500,
        })),
      });
      await store.updateRun(runId, { status: run % 17 === 0 ? 'FAILED' : 'FINISHED', endTime: start + run * 1000 + 900 });
    }
    return experimentId;
  } finally {
    stores.close();
  }
}

/** The main side alone: the first window and the full table, as the renderer asks for them. */
function timeService(dataDir: string, experimentId: string): { windowMs: number; fullMs: number } {
  const stores = openCairnStores(dataDir);
  try {
    const service = new SqliteRunsTableReader(stores.database);
    const base: RunsTableRequest = { experimentId, filter: '', orderBy: [], offset: 0, limit: FIRST_WINDOW_ROWS, includeKeys: false, viewType: 'ACTIVE_ONLY' };
    const windows: number[] = [];
    const fulls: number[] = [];
    for (let i = 0; i < 3; i++) {
      let started = performance.now();
      const window = service.query(base);
      windows.push(performance.now() - started);
      started = performance.now();
      service.query({ ...base, columns: window.columns, limit: RUNS, includeKeys: true });
      fulls.push(performance.now() - started);
    }
    return { windowMs: median(windows), fullMs: median(fulls) };
  } finally {
    stores.close();
  }
}


/** Milliseconds between the last marks of two names, waiting for the second. */
async function between(page: Page, from: string, to: string, count = 1): Promise<number> {
  await page.waitForFunction(({ to, count }) => performance.getEntriesByName(to).length >= count, { to, count }, { timeout: 60_000, polling: 20 });
  return page.evaluate(
    ({ from, to }) => performance.getEntriesByName(to).at(-1)!.startTime - performance.getEntriesByName(from).at(-1)!.startTime,
    { from, to },
  );
}

/** Loads the experiments list in a fresh page, clicks the experiment; resolves to opened → first rows painted and → every run loaded. */
async function openFromList(page: Page, url: string, experimentId: string): Promise<{ firstRowsMs: number; allRowsMs: number }> {
  await page.goto(url);
  await page.getByTestId('experiments-ready').waitFor({ state: 'attached' });
  await page.locator(`[data-experiment-id="${experimentId}"] [data-testid="experiment-link"]`).click();
  const firstRowsMs = await between(page, RUNS_TABLE_MARKS.opened, RUNS_TABLE_MARKS.firstRowsPainted);
  await page.getByTestId('runs-table-ready').waitFor({ state: 'attached', timeout: 60_000 });
  const allRowsMs = await page.evaluate((from) => performance.now() - performance.getEntriesByName(from).at(-1)!.startTime, RUNS_TABLE_MARKS.opened);
  return { firstRowsMs, allRowsMs };
}

/** Clicks a column header to sort and resolves to sort requested → sorted rows painted. */
async function sortBy(page: Page, columnId: string, done: number): Promise<number> {
  await page.getByTestId(`column-header-${columnId}`).locator('.rt-sort').click();
  return between(page, RUNS_TABLE_MARKS.sortRequested, RUNS_TABLE_MARKS.sortPainted, done);
}

/** Scrolls the table at a steady speed for a few seconds, one step per frame; counts frames and the longest. */
async function scrollFrames(page: Page): Promise<{ fps: number; worstFrameMs: number }> {
  return page.evaluate(
    ({ seconds, speed }) =>
      new Promise<{ fps: number; worstFrameMs: number }>((resolve) => {
        const element = document.querySelector<HTMLElement>('[data-testid="runs-table"]')!;
        element.scrollTop = 0;
        const started = performance.now();
        let last = started;
        let frames = 0;
        let worst = 0;
        const frame = (now: number) => {
          frames++;
          worst = Math.max(worst, now - last);
          last = now;
          const elapsed = (now - started) / 1000;
          element.scrollTop = elapsed * speed;
          if (elapsed < seconds) requestAnimationFrame(frame);
          else resolve({ fps: frames / elapsed, worstFrameMs: worst });
        };
        requestAnimationFrame(frame);
      }),
    { seconds: SCROLL_SECONDS, speed: SCROLL_PIXELS_PER_SECOND },
  );
}

/** Seeds 10,000 runs × 30 columns and times the runs table in Chromium. */
export async function runUiRunsTableBench(): Promise<BenchFigure[]> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cairn-ui-table-bench-'));
  let serve: ChildProcess | null = null;
  let browser: Browser | null = null;
  try {
    // Figures are wall-clock times: on a shared machine they grow with the load of other processes.
    const loadAverage = os.loadavg()[0] ?? 0;
    const seedStarted = performance.now();
    const experimentId = await seedRuns(dataDir);
    const seedSeconds = (performance.now() - seedStarted) / 1000;
    const service = timeService(dataDir, experimentId);

    const started = await startCairnServe(ROOT, dataDir, 60_000);
    serve = started.child;
    browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: [...CHROMIUM_ARGS] });
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    const opens: Array<{ firstRowsMs: number; allRowsMs: number }> = [];
    for (let i = 0; i < OPENS; i++) opens.push(await openFromList(page, started.url, experimentId));

    const sorts: number[] = [];
    const columns = ['metric:metric_03', 'metric:metric_07', 'param:param_02', 'metric:metric_11'];
    for (let i = 0; i < SORTS; i++) sorts.push(await sortBy(page, columns[i % columns.length]!, i + 1));
    const scroll = await scrollFrames(page);

    const scale = `${RUNS.toLocaleString('en')} runs × ${PARAMS + METRICS} columns`;
    return [
      { name: 'ui runs table: 1-minute load average of the machine when the benchmark started', value: Math.round(loadAverage * 10) / 10, unit: '', target: 'none set' },
      { name: `ui runs table: seed ${scale} with the SQLite store`, value: Math.round(seedSeconds), unit: 's', target: 'none set' },
      { name: `ui runs table: main side answers the first window (${FIRST_WINDOW_ROWS} rows and the count)`, value: Math.round(service.windowMs), unit: 'ms', target: 'none set' },
      { name: `ui runs table: main side answers the whole table (${scale}) with the experiment's keys`, value: Math.round(service.fullMs), unit: 'ms', target: 'none set' },
      { name: `ui runs table: experiment opened → first rows painted, median of ${OPENS}`, value: Math.round(median(opens.map((o) => o.firstRowsMs))), unit: 'ms', target: '≤ 300 ms' },
      { name: `ui runs table: experiment opened → first rows painted, best of ${OPENS}`, value: Math.round(Math.min(...opens.map((o) => o.firstRowsMs))), unit: 'ms', target: '≤ 300 ms' },
      { name: `ui runs table: experiment opened → all ${RUNS.toLocaleString('en')} runs loaded, median of ${OPENS}`, value: Math.round(median(opens.map((o) => o.allRowsMs))), unit: 'ms', target: 'none set' },
      { name: `ui runs table: re-sort by a column (${scale}), median of ${SORTS}`, value: Math.round(median(sorts)), unit: 'ms', target: '≤ 150 ms' },
      { name: `ui runs table: re-sort by a column, slowest of ${SORTS}`, value: Math.round(Math.max(...sorts)), unit: 'ms', target: '≤ 150 ms' },
      { name: `ui runs table: frames per second scrolling ${SCROLL_SECONDS} s at ${SCROLL_PIXELS_PER_SECOND} px/s`, value: Math.round(scroll.fps * 10) / 10, unit: 'fps', target: '≥ 60 fps' },
      { name: 'ui runs table: longest frame while scrolling', value: Math.round(scroll.worstFrameMs), unit: 'ms', target: 'none set' },
    ];
  } finally {
    await browser?.close();
    if (serve) await stopCairnServe(serve);
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}
