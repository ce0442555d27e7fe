// How fast the Data page draws a stored profile and a stored drift report: two versions of a
// 100,000-row × 20-column CSV are added, profiled and compared through the app's calls (so both
// are in the store), then `cairn serve` serves the data folder and Chromium opens the dataset's
// page from the loaded app (the route change a link makes, once the home page is drawn and a
// moment has passed). Measured in the page, from the route change to every column card's histogram
// in the DOM (its bars' path) and every drift card's two overlaid sides, and to the frame that
// shows them painted; a fresh tab each time, so nothing is cached in the window.
import { chromium, type Browser, type Page } from '@playwright/test';
import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { dispatchCall } from '../electron/services/api/call-handlers';
import { startCairnServices } from '../electron/services/cairn-services';
import { startCairnServe, stopCairnServe } from '../e2e/cairn-serve-process';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../e2e/chromium-options';
import { median, type BenchFigure } from './bench-result';

const ROWS = 100_000;
const COLUMNS = 20;
const OPENS = 5;
// `npm run bench` runs from the repository root.
const ROOT = process.cwd();

/** A CSV of ROWS × COLUMNS: numbers (shifted by `shift`), small integers and categories. */
function writeTable(file: string, shift: number, seed: number): void {
  let state = seed;
  const uniform = () => (state = (state * 16807) % 2147483647) / 2147483647;
  const header = Array.from({ length: COLUMNS }, (_, i) => (i < 10 ? `x${i}` : i < 15 ? `n${i}` : `c${i}`));
  const lines = [header.join(',')];
  for (let row = 0; row < ROWS; row++) {
    const cells: string[] = [];
    for (let i = 0; i < COLUMNS; i++) {
      if (i < 10) cells.push(((uniform() + uniform() + uniform()) * 10 + shift * (i % 3)).toFixed(3));
      else if (i < 15) cells.push(String(Math.floor(uniform() * 8)));
      else cells.push(['red', 'green', 'blue', 'amber', 'violet'][Math.floor(uniform() * (shift > 0 && i === 15 ? 3 : 5))]!);
    }
    lines.push(cells.join(','));
  }
  fs.writeFileSync(file, `${lines.join('\n')}\n`);
}

/** Adds, profiles and compares both versions through the app's calls, so that the page finds them stored. */
async function seed(dataDir: string, reference: string, current: string): Promise<void> {
  const services = startCairnServices({ dataDir, mode: 'browser' });
  const call = async <T>(name: string, payload: unknown): Promise<T> => {
    const result = await dispatchCall(services.handlers, name, payload);
    if (!result.ok) throw new Error(`${name}: ${result.error.message}`);
    return result.value as T;
  };
  try {
    const older = await call<{ versionId: string }>('addDataset', { path: reference, name: 'bench' });
    const newer = await call<{ versionId: string }>('addDataset', { path: current, name: 'bench' });
    await call('profileDataset', { versionId: older.versionId });
    await call('profileDataset', { versionId: newer.versionId });
    await call('compareDatasets', { referenceVersionId: older.versionId, currentVersionId: newer.versionId });
  } finally {
    await services.close();
  }
}

/** How long a person looks at the loaded app before clicking: the home page's own loading is over by then. */
const LOOK_MS = 500;

/** When each section was in the DOM and when the frame showing it was painted, in ms from the route change. */
interface Opened {
  readonly profileMs: number;
  readonly profilePaintedMs: number;
  readonly driftMs: number;
  readonly driftPaintedMs: number;
}

/**
 * Opens the dataset's page from the loaded app (its home page drawn, then LOOK_MS later, as a person
 * clicks) in a fresh tab: ms from the route change to every profile histogram, then every drift
 * chart, in the DOM, and to the frame that shows them painted (the task after that frame's
 * animation callbacks runs once its style, layout and paint are done).
 */
async function openDataset(browser: Browser, url: string): Promise<Opened> {
  const page: Page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  try {
    await page.goto(url);
    await page.getByTestId('app-ready').waitFor();
    await page.getByTestId('experiments-ready').waitFor({ state: 'attached' });
    await page.waitForTimeout(LOOK_MS);
    return await page.evaluate(async (columns) => {
      const drawn = (cardSelector: string, minimumBars: number) =>
        document.querySelectorAll(cardSelector).length === columns &&
        [...document.querySelectorAll(cardSelector)].every((card) => card.querySelectorAll('.distribution-bars').length >= minimumBars);
      const started = window.performance.now();
      const times = { profileMs: -1, profilePaintedMs: -1, driftMs: -1, driftPaintedMs: -1 };
      const afterPaint = (record: (ms: number) => void) =>
        requestAnimationFrame(() => setTimeout(() => record(window.performance.now() - started)));
      await new Promise<void>((resolve) => {
        const settle = () => {
          if (times.profilePaintedMs >= 0 && times.driftPaintedMs >= 0) resolve();
        };
        const observer = new MutationObserver(() => {
          const now = window.performance.now();
          if (times.profileMs < 0 && drawn('[data-testid="column-card"]', 1)) {
            times.profileMs = now - started;
            afterPaint((ms) => ((times.profilePaintedMs = ms), settle()));
          }
          if (times.driftMs < 0 && drawn('[data-testid="drift-column"]', 2)) {
            times.driftMs = now - started;
            afterPaint((ms) => ((times.driftPaintedMs = ms), settle()));
          }
          if (times.profileMs >= 0 && times.driftMs >= 0) observer.disconnect();
        });
        observer.observe(document.body, { childList: true, subtree: true });
        window.location.hash = '#/data/bench';
      });
      return times;
    }, COLUMNS);
  } finally {
    await page.close();
  }
}

/** Times the Data page drawing a stored profile and a stored drift report of 20 columns. */
export async function runUiDataBench(): Promise<BenchFigure[]> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cairn-ui-data-bench-'));
  const filesDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cairn-ui-data-files-'));
  let serve: ChildProcess | null = null;
  let browser: Browser | null = null;
  try {
    const reference = path.join(filesDir, 'reference.csv');
    const current = path.join(filesDir, 'current.csv');
    writeTable(reference, 0, 7);
    writeTable(current, 2, 11);
    await seed(dataDir, reference, current);
    const started = await startCairnServe(ROOT, dataDir, 60_000);
    serve = started.child;
    browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: [...CHROMIUM_ARGS] });
    const opens: Opened[] = [];
    for (let i = 0; i < OPENS; i++) opens.push(await openDataset(browser, started.url));
    const of = (key: keyof Opened) => opens.map((opened) => opened[key]);
    const scale = `${ROWS.toLocaleString('en')} rows × ${COLUMNS} columns`;
    return [
      { name: `ui data: open a stored profile (${scale}) from the loaded app, every histogram painted, median of ${OPENS}`, value: Math.round(median(of('profilePaintedMs'))), unit: 'ms', target: '≤ 200 ms' },
      { name: `ui data: open a stored profile, painted, slowest of ${OPENS}`, value: Math.round(Math.max(...of('profilePaintedMs'))), unit: 'ms', target: '≤ 200 ms' },
      { name: `ui data: the stored drift report of the same page, every overlaid chart painted, median of ${OPENS}`, value: Math.round(median(of('driftPaintedMs'))), unit: 'ms', target: '≤ 200 ms' },
      { name: `ui data: the profile's histograms in the DOM (before layout and paint), median of ${OPENS}`, value: Math.round(median(of('profileMs'))), unit: 'ms', target: 'none set' },
    ];
  } finally {
    await browser?.close();
    if (serve) await stopCairnServe(serve);
    fs.rmSync(dataDir, { recursive: true, force: true });
    fs.rmSync(filesDir, { recursive: true, force: true });
  }
}
