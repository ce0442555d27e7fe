// How fast the runs table is at 10,000 runs × 30 columns (15 params, 15 metrics), in Chromium
// against `cairn serve`: the first rows painted after the experiment is opened (from the
// experiments list, and from its link in a new tab), a re-sort by a metric, frames per second
// while scrolling steadily and while dragging through every row in two seconds (with the frames
// whose viewport showed missing rows), and the size of the renderer's first bundle. The runs are
// written straight into a temporary data folder with the SQLite store (bench/runs-table-seed.ts),
// then served (bench/runs-table-served.ts); the page's performance marks are read by
// bench/runs-table-probes.ts. Also measured: the main side alone answering the table's two requests.
import os from 'node:os';
import { FIRST_WINDOW_ROWS } from '../shared/runs-table';
import { median, type BenchFigure } from './bench-result';
import { openFromList, openInNewTab, rendererBundleSizes, scrollFrames, sortBy } from './runs-table-probes';
import { withServedRunsTable } from './runs-table-served';

const RUNS = 10_000;
const PARAMS = 15;
const METRICS = 15;
const OPENS = 5;
const SORTS = 8;
const SCROLL_SECONDS = 5;
const SCROLL_PIXELS_PER_SECOND = 4000;
const DRAG_SECONDS = 2;
const DRAGS = 3;
// `npm run bench` runs from the repository root.
const ROOT = process.cwd();

/** Seeds 10,000 runs × 30 columns and times the runs table in Chromium. */
export async function runUiRunsTableBench(): Promise<BenchFigure[]> {
  // Figures are wall-clock times: on a shared machine they grow with the load of other processes.
  const loadAverage = os.loadavg()[0] ?? 0;
  const bundle = rendererBundleSizes(ROOT);
  const seed = {
    experimentName: 'ui-runs-table-bench',
    runs: RUNS,
    params: Array.from({ length: PARAMS }, (_, k) => `param_${String(k).padStart(2, '0')}`),
    paramValue: (k: number, random: () => number) => String(Math.floor(random() * (k + 2) * 10)),
    metrics: Array.from({ length: METRICS }, (_, k) => `metric_${String(k).padStart(2, '0')}`),
    metricValue: (k: number, random: () => number) => random() * 10 ** (k % 4),
  };
  return withServedRunsTable({ seed, windowFilter: '', serveTimeoutMs: 60_000 }, async ({ experimentId, seedSeconds, reader, url, context }) => {
    const page = await context.newPage();
    const opens: Array<{ firstRowsMs: number; allRowsMs: number }> = [];
    for (let i = 0; i < OPENS; i++) opens.push(await openFromList(page, url, experimentId));
    const tabs: Array<{ firstRowsMs: number; allRowsMs: number }> = [];
    for (let i = 0; i < OPENS; i++) tabs.push(await openInNewTab(context, url, experimentId));

    const sorts: number[] = [];
    const columns = ['metric:metric_03', 'metric:metric_07', 'param:param_02', 'metric:metric_11'];
    for (let i = 0; i < SORTS; i++) sorts.push(await sortBy(page, columns[i % columns.length]!, i + 1));
    const scroll = await scrollFrames(page, SCROLL_SECONDS, SCROLL_PIXELS_PER_SECOND);
    const drags = [];
    for (let i = 0; i < DRAGS; i++) drags.push(await scrollFrames(page, DRAG_SECONDS, null));
    const dragFps = median(drags.map((drag) => drag.fps));

    const scale = `${RUNS.toLocaleString('en')} runs × ${PARAMS + METRICS} columns`;
    return [
      { name: 'ui runs table: 1-minute load average of the machine when the benchmark started', value: Math.round(loadAverage * 10) / 10, unit: '', target: 'none set' },
      { name: `ui runs table: seed ${scale} with the SQLite store`, value: Math.round(seedSeconds), unit: 's', target: 'none set' },
      { name: 'ui runs table: renderer JavaScript loaded first (entry and its static imports)', value: Math.round(bundle.firstBytes / 1024), unit: 'KB', target: 'none set' },
      { name: 'ui runs table: the same, gzipped', value: Math.round(bundle.firstGzipBytes / 1024), unit: 'KB', target: 'none set' },
      { name: 'ui runs table: all renderer JavaScript', value: Math.round(bundle.totalBytes / 1024), unit: 'KB', target: 'none set' },
      { name: `ui runs table: main side answers the first window (${FIRST_WINDOW_ROWS} rows and the count)`, value: Math.round(reader.windowMs), unit: 'ms', target: 'none set' },
      { name: `ui runs table: main side answers the whole table (${scale}) with the experiment's keys`, value: Math.round(reader.fullMs), unit: 'ms', target: 'none set' },
      { name: `ui runs table: experiment opened → first rows painted, median of ${OPENS}`, value: Math.round(median(opens.map((o) => o.firstRowsMs))), unit: 'ms', target: '≤ 300 ms' },
      { name: `ui runs table: experiment opened → first rows painted, best of ${OPENS}`, value: Math.round(Math.min(...opens.map((o) => o.firstRowsMs))), unit: 'ms', target: '≤ 300 ms' },
      { name: `ui runs table: experiment opened → all ${RUNS.toLocaleString('en')} runs loaded, median of ${OPENS}`, value: Math.round(median(opens.map((o) => o.allRowsMs))), unit: 'ms', target: 'none set' },
      { name: `ui runs table: its link opened in a new tab → first rows painted (page load included), median of ${OPENS}`, value: Math.round(median(tabs.map((t) => t.firstRowsMs))), unit: 'ms', target: '≤ 500 ms' },
      { name: `ui runs table: its link opened in a new tab → all runs loaded, median of ${OPENS}`, value: Math.round(median(tabs.map((t) => t.allRowsMs))), unit: 'ms', target: 'none set' },
      { name: `ui runs table: re-sort by a column (${scale}), median of ${SORTS}`, value: Math.round(median(sorts)), unit: 'ms', target: '≤ 150 ms' },
      { name: `ui runs table: re-sort by a column, slowest of ${SORTS}`, value: Math.round(Math.max(...sorts)), unit: 'ms', target: '≤ 150 ms' },
      { name: `ui runs table: frames per second scrolling ${SCROLL_SECONDS} s at ${SCROLL_PIXELS_PER_SECOND} px/s`, value: Math.round(scroll.fps * 10) / 10, unit: 'fps', target: '≥ 60 fps' },
      { name: 'ui runs table: longest frame while scrolling', value: Math.round(scroll.worstFrameMs), unit: 'ms', target: 'none set' },
      { name: 'ui runs table: frames with rows missing in the viewport while scrolling', value: scroll.blankFrames, unit: `of ${scroll.frames}`, target: '0' },
      { name: `ui runs table: frames per second dragging through all ${RUNS.toLocaleString('en')} rows in ${DRAG_SECONDS} s, median of ${DRAGS}`, value: Math.round(dragFps * 10) / 10, unit: 'fps', target: '≥ 55 fps' },
      { name: 'ui runs table: longest frame while dragging, median', value: Math.round(median(drags.map((drag) => drag.worstFrameMs))), unit: 'ms', target: 'none set' },
      { name: 'ui runs table: frames with rows missing in the viewport while dragging, median', value: median(drags.map((drag) => drag.blankFrames)), unit: `of ${Math.round(median(drags.map((drag) => drag.frames)))}`, target: '0' },
    ];
  });
}
