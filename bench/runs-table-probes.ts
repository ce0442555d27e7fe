// What the runs-table benchmarks measure in Chromium, shared by the 10,000- and 100,000-run cases:
// opening the table from the experiments list or from its link in a new tab, sorting, filtering,
// scrolling (at a steady speed, and dragged through every row in two seconds, counting frames
// whose viewport shows rows missing), main-thread tasks while a run logs, and the size of the
// renderer's first bundle. The page sets performance marks (renderer/models/runs-table/runs-table-marks.ts);
// functions passed to page.evaluate run in the page, where `performance` is the page's.
import type { BrowserContext, Page } from '@playwright/test';
import fs from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { RUNS_TABLE_MARKS } from '../renderer/models/runs-table/runs-table-marks';

/** Milliseconds between the last marks of two names, waiting for the second. */
export async function between(page: Page, from: string, to: string, count = 1): Promise<number> {
  await page.waitForFunction(({ to, count }) => performance.getEntriesByName(to).length >= count, { to, count }, { timeout: 120_000, polling: 20 });
  return page.evaluate(
    ({ from, to }) => performance.getEntriesByName(to).at(-1)!.startTime - performance.getEntriesByName(from).at(-1)!.startTime,
    { from, to },
  );
}

/** Loads the experiments list in the page, clicks the experiment; resolves to opened → first rows painted and → every run loaded. */
export async function openFromList(page: Page, url: string, experimentId: string): Promise<{ firstRowsMs: number; allRowsMs: number }> {
  await page.goto(url);
  await page.getByTestId('experiments-ready').waitFor({ state: 'attached', timeout: 120_000 });
  await page.locator(`[data-experiment-id="${experimentId}"] [data-testid="experiment-link"]`).click();
  const firstRowsMs = await between(page, RUNS_TABLE_MARKS.opened, RUNS_TABLE_MARKS.firstRowsPainted);
  await page.getByTestId('runs-table-ready').waitFor({ state: 'attached', timeout: 120_000 });
  const allRowsMs = await page.evaluate((from) => performance.now() - performance.getEntriesByName(from).at(-1)!.startTime, RUNS_TABLE_MARKS.opened);
  return { firstRowsMs, allRowsMs };
}

/**
 * Opens the table's link in a new tab of `context` (whose cache holds the app's files, as a
 * browser's does after the first visit): the time from navigation to the first rows painted,
 * and to every run loaded.
 */
export async function openInNewTab(context: BrowserContext, url: string, experimentId: string): Promise<{ firstRowsMs: number; allRowsMs: number }> {
  const page = await context.newPage();
  try {
    await page.goto(`${new URL(url).origin}/#/experiments/${experimentId}`);
    await page.waitForFunction((name) => performance.getEntriesByName(name).length > 0, RUNS_TABLE_MARKS.firstRowsPainted, {
      timeout: 120_000,
      polling: 20,
    });
    const firstRowsMs = await page.evaluate((name) => performance.getEntriesByName(name)[0]!.startTime, RUNS_TABLE_MARKS.firstRowsPainted);
    await page.getByTestId('runs-table-ready').waitFor({ state: 'attached', timeout: 120_000 });
    const allRowsMs = await page.evaluate(() => performance.now());
    return { firstRowsMs, allRowsMs };
  } finally {
    await page.close();
  }
}

/** Clicks a column header to sort and resolves to sort requested → sorted rows painted. */
export async function sortBy(page: Page, columnId: string, done: number): Promise<number> {
  await page.getByTestId(`column-header-${columnId}`).locator('.rt-sort').click();
  return between(page, RUNS_TABLE_MARKS.sortRequested, RUNS_TABLE_MARKS.sortPainted, done);
}

/**
 * Types a filter and presses Enter; resolves to the time from the key press to the frame after
 * the run count changed to the filter's (the first matching rows are drawn in the same render).
 * The count must differ from the one before: the pill says "matching" as soon as the filter is
 * applied, with the old count until the answer arrives.
 */
export async function applyFilter(page: Page, filter: string): Promise<number> {
  const input = page.getByTestId('filter-input');
  await input.fill(filter);
  const before = await page.getByTestId('run-count').textContent();
  await page.evaluate(() => {
    const target = document.querySelector('[data-testid="filter-input"]')!;
    target.addEventListener('keydown', () => performance.mark('bench:filter-key'), { once: true, capture: true });
  });
  await input.press('Enter');
  return page.evaluate(
    (previous) =>
      new Promise<number>((resolve) => {
        const count = (text: string) => text.replace(/[^0-9]/g, '');
        const check = () => {
          const text = document.querySelector('[data-testid="run-count"]')?.textContent ?? '';
          if (text.includes('matching') && count(text) !== count(previous ?? '')) {
            // Painted in this frame: the next frame starts after that paint.
            requestAnimationFrame(() => resolve(performance.now() - performance.getEntriesByName('bench:filter-key').at(-1)!.startTime));
          } else {
            requestAnimationFrame(check);
          }
        };
        requestAnimationFrame(check);
      }),
    before,
  );
}

/** Clears the filter and waits for the whole table again. */
export async function clearFilter(page: Page): Promise<void> {
  await page.getByTestId('filter-input').fill('');
  await page.getByTestId('filter-input').press('Enter');
  await page.waitForSelector('[data-testid="runs-table-ready"][data-filter=""]', { state: 'attached', timeout: 120_000 });
}

/** Frames counted while scrolling: their rate, the longest, and how many showed the viewport with rows missing. */
export interface ScrollFrames {
  readonly fps: number;
  readonly worstFrameMs: number;
  readonly frames: number;
  readonly blankFrames: number;
}

/**
 * Scrolls the table, one step per frame, for `seconds`: at `speed` pixels a second, or (speed
 * null) from the first row to the last in that time, as when dragging the scrollbar. After each
 * step, before the frame is painted, checks that the rows in the DOM cover the viewport below
 * the header: a frame where they do not shows blank rows.
 */
export async function scrollFrames(page: Page, seconds: number, speed: number | null): Promise<ScrollFrames> {
  return page.evaluate(
    ({ seconds, speed }) =>
      new Promise<ScrollFrames>((resolve) => {
        const element = document.querySelector<HTMLElement>('[data-testid="runs-table"]')!;
        const header = document.querySelector<HTMLElement>('[data-testid="runs-table-header"]')!;
        const rowCount = Number(element.dataset.rowCount);
        const covered = (): boolean => {
          const box = element.getBoundingClientRect();
          const rows = [...element.querySelectorAll<HTMLElement>('[data-testid="run-row"], [data-testid="group-row"]')]
            .map((row) => row.getBoundingClientRect())
            .sort((a, b) => a.top - b.top);
          const rowHeight = rows[0]?.height ?? 32;
          const bandTop = header.getBoundingClientRect().bottom;
          const contentBottom = bandTop + rowCount * rowHeight - element.scrollTop;
          const bandBottom = Math.min(box.top + element.clientHeight, contentBottom);
          let reached = bandTop;
          for (const rect of rows) {
            if (rect.top > reached + 1) break;
            reached = Math.max(reached, rect.bottom);
          }
          return reached >= bandBottom - 1;
        };
        element.scrollTop = 0;
        const distance = element.scrollHeight - element.clientHeight;
        const pixelsPerSecond = speed ?? distance / seconds;
        const started = performance.now();
        let last = started;
        let frames = 0;
        let blank = 0;
        let worst = 0;
        const frame = (now: number) => {
          frames++;
          worst = Math.max(worst, now - last);
          last = now;
          const elapsed = (now - started) / 1000;
          element.scrollTop = Math.min(distance, elapsed * pixelsPerSecond);
          if (!covered()) blank++;
          if (elapsed < seconds) requestAnimationFrame(frame);
          else resolve({ fps: frames / elapsed, worstFrameMs: worst, frames, blankFrames: blank });
        };
        requestAnimationFrame(frame);
      }),
    { seconds, speed },
  );
}

/** Starts recording the page's main-thread tasks over 50 ms (the Long Tasks API). */
export async function startLongTaskRecording(page: Page): Promise<void> {
  await page.evaluate(() => {
    const tasks: number[] = [];
    (window as unknown as { benchLongTasks: number[] }).benchLongTasks = tasks;
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) tasks.push(entry.duration);
    }).observe({ type: 'longtask' });
  });
}

/** The durations of the long tasks recorded since startLongTaskRecording. */
export async function longTasks(page: Page): Promise<number[]> {
  return page.evaluate(() => [...(window as unknown as { benchLongTasks: number[] }).benchLongTasks]);
}

/** Sizes of the renderer's JavaScript in dist/: the files the page loads first, and all of it. */
export function rendererBundleSizes(root: string): { firstBytes: number; firstGzipBytes: number; totalBytes: number } {
  const dir = path.join(root, 'dist', 'renderer');
  const html = fs.readFileSync(path.join(dir, 'index.html'), 'utf8');
  const first = [...html.matchAll(/(?:src|href)="\.\/(assets\/[^"]+\.js)"/g)].map((match) => match[1]!);
  const read = (file: string) => fs.readFileSync(path.join(dir, file));
  const firstFiles = [...new Set(first)].map(read);
  const all = fs.readdirSync(path.join(dir, 'assets')).filter((name) => name.endsWith('.js'));
  return {
    firstBytes: firstFiles.reduce((sum, bytes) => sum + bytes.length, 0),
    firstGzipBytes: firstFiles.reduce((sum, bytes) => sum + gzipSync(bytes).length, 0),
    totalBytes: all.reduce((sum, name) => sum + read(path.join('assets', name)).length, 0),
  };
}
