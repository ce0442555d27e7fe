// Test fixtures: each test file gets a fresh Cairn over a temporary data folder — `cairn serve`
// in the browser project, the desktop app through Playwright's Electron support in the electron
// project (only where the binary exists) — a client for its MLflow-compatible API to seed data,
// and a helper that saves screenshots under e2e/artifacts/ as test artifacts.
import { _electron, test as base, expect, type ElectronApplication, type Page } from '@playwright/test';
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { electronBinaryPath } from './electron-binary';
import { MlflowRestClient } from './mlflow-rest-client';

const ROOT = path.resolve(__dirname, '..');
/** Where screenshots are saved; CI keeps this folder as the run's artifacts. */
export const SCREENSHOT_DIR = path.join(ROOT, 'e2e', 'artifacts');

/** A running Cairn for one test file. */
export interface CairnServer {
  /** The UI URL (with its access token in browser mode). */
  readonly url: string;
  /** The MLflow-compatible tracking address. */
  readonly trackingUri: string;
  readonly dataDir: string;
  readonly mlflow: MlflowRestClient;
  /** The desktop app, in the electron project only. */
  readonly electronApp: ElectronApplication | null;
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

async function startDesktopApp(dataDir: string): Promise<{ app: ElectronApplication; url: string; trackingUri: string }> {
  const app = await _electron.launch({
    executablePath: electronBinaryPath() ?? undefined,
    args: [ROOT, '--data-dir', dataDir, '--tracking-port', '0'],
  });
  const window = await app.firstWindow();
  const info = await window.evaluate(async () => {
    const bridge = (window as unknown as { cairnBridge: { getAppInfo(r: object): Promise<{ ok: boolean; value: { trackingUri: string } }> } })
      .cairnBridge;
    return (await bridge.getAppInfo({})).value;
  });
  return { app, url: window.url(), trackingUri: info.trackingUri };
}

/** Playwright's test, with a `cairn` instance shared by the tests of one file and a `shot` helper. */
export const test = base.extend<
  { shot: (page: Page, name: string) => Promise<void> },
  { cairn: CairnServer; cairnTarget: 'browser' | 'electron' }
>({
  cairnTarget: ['browser', { scope: 'worker', option: true }],
  cairn: [
    async ({ cairnTarget }, use) => {
      const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cairn-e2e-'));
      if (cairnTarget === 'electron') {
        const { app, url, trackingUri } = await startDesktopApp(dataDir);
        try {
          await use({ url, trackingUri, dataDir, mlflow: new MlflowRestClient(trackingUri), electronApp: app });
        } finally {
          await app.close();
          fs.rmSync(dataDir, { recursive: true, force: true });
        }
        return;
      }
      const { child, url, trackingUri } = await startServe(dataDir);
      try {
        await use({ url, trackingUri, dataDir, mlflow: new MlflowRestClient(trackingUri), electronApp: null });
      } finally {
        child.kill('SIGTERM');
        await new Promise((resolve) => child.once('exit', resolve));
        fs.rmSync(dataDir, { recursive: true, force: true });
      }
    },
    { scope: 'worker' },
  ],
  // In the electron project the page is the desktop window itself.
  page: async ({ cairn, page }, use) => {
    await use(cairn.electronApp ? await cairn.electronApp.firstWindow() : page);
  },
  shot: async ({ cairnTarget }, use) => {
    fs.mkdirSync(SCREENSHOT_DIR, { recursive: true });
    await use(async (page, name) => {
      const suffix = cairnTarget === 'electron' ? '-electron' : '';
      await page.screenshot({ path: path.join(SCREENSHOT_DIR, `${name}${suffix}.png`), fullPage: false });
    });
  },
});

export { expect };
