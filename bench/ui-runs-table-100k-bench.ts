// The runs table at 100,000 runs × 30 columns (15 params, 15 metrics), in Chromium against
// `cairn serve`: the table's link opened in a new tab, the filter
// `metrics.m0 < 0.5 and params.p0 = 'a'` (about one run in eight matches) to its first rows, a
// re-sort, dragging through every row in two seconds (frames per second, and frames whose
// viewport misses rows), and the page's main-thread tasks over 50 ms while one run logs 44,000 points a second
// into the open table. The runs are written straight into a temporary data folder with the SQLite
// store and served (bench/runs-table-served.ts); the probes are bench/runs-table-probes.ts. Also
// measured: the main side alone answering the filtered first window and the whole table.
import os from 'node:os';
import { FIRST_WINDOW_ROWS } from '../shared/runs-table';
import { MlflowRestClient } from '../e2e/mlflow-rest-client';
import { median, type BenchFigure } from './bench-result';
import { applyFilter, clearFilter, longTasks, openFromList, openInNewTab, scrollFrames, sortBy, startLongTaskRecording } from './runs-table-probes';
import { withServedRunsTable } from './runs-table-served';

const RUNS = 100_000;
const PARAMS = 15;
const METRICS = 15;
const FILTER = "metrics.m0 < 0.5 and params.p0 = 'a'";
const TABS = 3;
const FILTERS = 3;
const SORTS = 6;
const DRAG_SECONDS = 2;
const DRAGS = 3;
const LOG_POINTS_PER_SECOND = 44_000;
const LOG_POINTS_PER_REQUEST = 1000;
const LOG_SECONDS = 10;
/** Keys the live run logs: one the table shows, and new ones. */
const LOG_KEYS = ['m0', 'train_loss', 'val_loss', 'learning_rate', 'grad_norm'];

/** Logs into one new run of the experiment at a steady rate for a while; resolves to the points logged. */
async function logSteadily(client: MlflowRestClient, experimentId: string): Promise<number> {
  const runId = await client.createRun(experimentId, 'live-run');
  const stepsPerRequest = LOG_POINTS_PER_REQUEST / LOG_KEYS.length;
  const interval = (1000 * LOG_POINTS_PER_REQUEST) / LOG_POINTS_PER_SECOND;
  const started = performance.now();
  let step = 0;
  let logged = 0;
  for (let request = 0; performance.now() - started < LOG_SECONDS * 1000; request++) {
    const metrics = [];
    for (let i = 0; i < stepsPerRequest; i++, step++) {
      for (const key of LOG_KEYS) metrics.push({ key, value: Math.exp(-step / 50_000) + Math.random() * 0.01, step });
    }
    await client.logBatch(runId, { metrics });
    logged += metrics.length;
    const due = started + (request + 1) * interval;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
  }
  return logged;
}

/** Seeds 100,000 runs × 30 columns and times the runs table in Chromium. */
export async function runUiRunsTable100kBench(): Promise<BenchFigure[]> {
  const loadAverage = os.loadavg()[0] ?? 0;
  const seed = {
    experimentName: 'ui-runs-table-100k-bench',
    runs: RUNS,
    params: Array.from({ length: PARAMS }, (_, k) => `p${k}`),
    paramValue: (k: number, random: () => number) => (k === 0 ? 'abcd'[Math.floor(random() * 4)]! : String(Math.floor(random() * (k + 2) * 10))),
    metrics: Array.from({ length: METRICS }, (_, k) => `m${k}`),
    metricValue: (k: number, random: () => number) => random() * 10 ** (k % 4),
  };
  return withServedRunsTable({ seed, windowFilter: FILTER, serveTimeoutMs: 120_000 }, async ({ experimentId, seedSeconds, reader, url, trackingUri, context }) => {
    const page = await context.newPage();
    const opened = await openFromList(page, url, experimentId);
    const tabs: Array<{ firstRowsMs: number; allRowsMs: number }> = [];
    for (let i = 0; i < TABS; i++) tabs.push(await openInNewTab(context, url, experimentId));

    const filters: number[] = [];
    for (let i = 0; i < FILTERS; i++) {
      filters.push(await applyFilter(page, FILTER));
      await clearFilter(page);
    }
    const sorts: number[] = [];
    const columns = ['metric:m3', 'metric:m7', 'param:p2', 'metric:m11'];
    for (let i = 0; i < SORTS; i++) sorts.push(await sortBy(page, columns[i % columns.length]!, i + 1));
    const drags = [];
    for (let i = 0; i < DRAGS; i++) drags.push(await scrollFrames(page, DRAG_SECONDS, null));

    await startLongTaskRecording(page);
    const points = await logSteadily(new MlflowRestClient(trackingUri), experimentId);
    // The last changes reach the table within a refresh or two.
    await page.waitForTimeout(2000);
    const tasks = await longTasks(page);
    const rowCount = Number(await page.getByTestId('runs-table').getAttribute('data-row-count'));

    const scale = `${RUNS.toLocaleString('en')} runs × ${PARAMS + METRICS} columns`;
    return [
      { name: 'ui runs table 100k: 1-minute load average of the machine when the benchmark started', value: Math.round(loadAverage * 10) / 10, unit: '', target: 'none set' },
      { name: `ui runs table 100k: seed ${scale} with the SQLite store`, value: Math.round(seedSeconds), unit: 's', target: 'none set' },
      { name: `ui runs table 100k: main side answers the filtered first window (${FIRST_WINDOW_ROWS} rows and the count)`, value: Math.round(reader.windowMs), unit: 'ms', target: 'none set' },
      { name: `ui runs table 100k: main side answers the whole table with the experiment's keys`, value: Math.round(reader.fullMs), unit: 'ms', target: 'none set' },
      { name: 'ui runs table 100k: experiment opened from the list → first rows painted', value: Math.round(opened.firstRowsMs), unit: 'ms', target: 'none set' },
      { name: 'ui runs table 100k: experiment opened from the list → all runs loaded', value: Math.round(opened.allRowsMs), unit: 'ms', target: 'none set' },
      { name: `ui runs table 100k: its link opened in a new tab → first rows painted (page load included), median of ${TABS}`, value: Math.round(median(tabs.map((t) => t.firstRowsMs))), unit: 'ms', target: '≤ 1000 ms' },
      { name: `ui runs table 100k: its link opened in a new tab → all runs loaded, median of ${TABS}`, value: Math.round(median(tabs.map((t) => t.allRowsMs))), unit: 'ms', target: 'none set' },
      { name: `ui runs table 100k: filter ${FILTER} → first rows painted, median of ${FILTERS}`, value: Math.round(median(filters)), unit: 'ms', target: '≤ 200 ms' },
      { name: `ui runs table 100k: re-sort by a column, median of ${SORTS}`, value: Math.round(median(sorts)), unit: 'ms', target: '≤ 100 ms' },
      { name: `ui runs table 100k: re-sort by a column, slowest of ${SORTS}`, value: Math.round(Math.max(...sorts)), unit: 'ms', target: '≤ 100 ms' },
      { name: `ui runs table 100k: frames per second dragging through all ${RUNS.toLocaleString('en')} rows in ${DRAG_SECONDS} s, median of ${DRAGS}`, value: Math.round(median(drags.map((drag) => drag.fps)) * 10) / 10, unit: 'fps', target: '≥ 55 fps' },
      { name: 'ui runs table 100k: longest frame while dragging, median', value: Math.round(median(drags.map((drag) => drag.worstFrameMs))), unit: 'ms', target: 'none set' },
      { name: 'ui runs table 100k: frames with rows missing in the viewport while dragging, median', value: median(drags.map((drag) => drag.blankFrames)), unit: `of ${Math.round(median(drags.map((drag) => drag.frames)))}`, target: '0' },
      { name: `ui runs table 100k: points logged into one run while the table is open (${LOG_SECONDS} s at ${LOG_POINTS_PER_SECOND.toLocaleString('en')}/s asked)`, value: points, unit: 'points', target: 'none set' },
      { name: 'ui runs table 100k: longest main-thread task meanwhile', value: Math.round(Math.max(0, ...tasks)), unit: 'ms', target: '≤ 50 ms' },
      { name: 'ui runs table 100k: main-thread tasks over 50 ms meanwhile', value: tasks.length, unit: 'tasks', target: '0' },
      { name: 'ui runs table 100k: rows in the table after the live run started', value: rowCount, unit: 'rows', target: `${RUNS + 1}` },
    ];
  });
}
