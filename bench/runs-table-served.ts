// The setting both runs-table benchmarks measure in: runs seeded into a temporary data folder
// (bench/runs-table-seed.ts), the main side's reader timed alone on it, then `cairn serve` over it
// and a Chromium context open on it; everything is stopped and removed afterwards.
import { chromium, type Browser, type BrowserContext } from '@playwright/test';
import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openCairnStores } from '../electron/services/cairn-services';
import type { RunsTableRequest } from '../electron/services/runs-table/runs-table-reader';
import { SqliteRunsTableReader } from '../electron/services/runs-table/sqlite-runs-table-reader';
import { FIRST_WINDOW_ROWS } from '../shared/runs-table';
import { startCairnServe, stopCairnServe } from '../e2e/cairn-serve-process';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../e2e/chromium-options';
import { median } from './bench-result';
import { seedRunsTableCached, type RunsTableSeed } from './runs-table-seed';

// `npm run bench` runs from the repository root.
const ROOT = process.cwd();

/** A seeded, served runs table with a browser context on it. */
export interface ServedRunsTable {
  readonly experimentId: string;
  readonly seedSeconds: number;
  /** The main side alone, medians of 3: the first window (with the filter asked for, and the count), and every run with the experiment's keys. */
  readonly reader: { readonly windowMs: number; readonly fullMs: number };
  /** The UI URL with its access token, and the MLflow-compatible tracking address. */
  readonly url: string;
  readonly trackingUri: string;
  /** A 1400 × 900 browser context (its cache holds the app's files once a page has loaded). */
  readonly context: BrowserContext;
}

/** Times the main side's reader answering the table's two requests, as the renderer asks for them. */
function timeReader(dataDir: string, experimentId: string, windowFilter: string, runs: number): ServedRunsTable['reader'] {
  const stores = openCairnStores(dataDir);
  try {
    const reader = new SqliteRunsTableReader(stores.database);
    const base: RunsTableRequest = { experimentId, filter: '', orderBy: [], offset: 0, limit: FIRST_WINDOW_ROWS, includeKeys: false, viewType: 'ACTIVE_ONLY' };
    const windows: number[] = [];
    const fulls: number[] = [];
    for (let i = 0; i < 3; i++) {
      let started = performance.now();
      const window = reader.query({ ...base, filter: windowFilter });
      windows.push(performance.now() - started);
      started = performance.now();
      reader.query({ ...base, columns: window.columns, limit: runs, includeKeys: true });
      fulls.push(performance.now() - started);
    }
    return { windowMs: median(windows), fullMs: median(fulls) };
  } finally {
    stores.close();
  }
}

/** Seeds `seed` into a temporary data folder, serves it, and runs `use` with a browser context on it. */
export async function withServedRunsTable<T>(
  options: { readonly seed: RunsTableSeed; readonly windowFilter: string; readonly serveTimeoutMs: number },
  use: (table: ServedRunsTable) => Promise<T>,
): Promise<T> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), `cairn-${options.seed.experimentName}-`));
  let serve: ChildProcess | null = null;
  let browser: Browser | null = null;
  try {
    const seedStarted = performance.now();
    const experimentId = await seedRunsTableCached(dataDir, options.seed, process.env.CAIRN_BENCH_SEED_CACHE);
    const seedSeconds = (performance.now() - seedStarted) / 1000;
    const reader = timeReader(dataDir, experimentId, options.windowFilter, options.seed.runs);
    const started = await startCairnServe(ROOT, dataDir, options.serveTimeoutMs);
    serve = started.child;
    browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: [...CHROMIUM_ARGS] });
    const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
    return await use({ experimentId, seedSeconds, reader, url: started.url, trackingUri: started.trackingUri, context });
  } finally {
    await browser?.close();
    if (serve) await stopCairnServe(serve);
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}
