// Test fixtures: each test file gets a fresh `cairn serve` over a temporary data folder,
// a client for its MLflow-compatible API to seed data, and a helper that saves screenshots
// under e2e/artifacts/ as test artifacts.
import { test as base, expect, type Page } from '@playwright/test';
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { MlflowRestClient } from './mlflow-rest-client';

const ROOT = path.resolve(__dirname, '..');
/** Where screenshots are saved; CI keeps this folder as the run's artifacts. */
export const SCREENSHOT_DIR = path.join(ROOT, 'e2e', 'artifacts');

/** A running `cairn serve` for one test file. */
export interface CairnServer {
  /** The UI URL with its access token. */
  readonly url: string;
  /** The MLflow-compatible tracking address. */
  readonly trackingUri: string;
  readonly dataDir: string;
  readonly mlflow: MlflowRestClient;
}

async function startServe(dataDir: string): Promise<{ child: ChildProcess; url: string; trackingUri: string }> {
  const child = spawn(
    process.execPath,
    [path.join(ROOT, 'bin', 'cairn.js'), 'serve', '--port', '0', '--tracking-port', '0', '--data-dir', dataDir],
    { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, CAIRN_DATA_DIR: '' } },
  );
  let output = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`cairn serve did not start in time:\n${output}`)), 20_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const url = /^\s*(http:\/\/127\.0\.0\.1:\d+\/\?token=\w+)\s*$/m.exec(output)?.[1];
      const trackingUri = /^MLFLOW_TRACKING_URI=(\S+)\s*$/m.exec(output)?.[1];
      if (url && trackingUri) {
        clearTimeout(timer);
        resolve({ child, url, trackingUri });
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`cairn serve exited with ${code}:\n${output}`));
    });
  });
}

/** Playwright's test, with a `cairn` server shared by the tests of one file and a `shot` helper. */
export const test = base.extend<
  { shot: (page: Page, name: string) => Promise<void> },
  { cairn: CairnServer }
>({
  cairn: [
    // eslint-disable-next-line no-empty-pattern
    async ({}, use) => {
      const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cairn-e2e-'));
      const { child, url, trackingUri } = await startServe(dataDir);
      try {
        await use({ url, trackingUri, dataDir, mlflow: new MlflowRestClient(trackingUri) });
      } finally {
        child.kill('SIGTERM');
        await new Promise((resolve) => child.once('exit', resolve));
        fs.rmSync(dataDir, { recursive: true, force: true });
      }
    },
    { scope: 'worker' },
  ],
  shot: async ({}, use) => {
    fs.mkdirSync(SCREENSHOT_DIR, { recursive: true });
    await use(async (page, name) => {
      await page.screenshot({ path: path.join(SCREENSHOT_DIR, `${name}.png`), fullPage: false });
    });
  },
});

export { expect };
