// Test fixtures: each test file gets a fresh Cairn over a temporary data folder — `cairn serve`
// in the browser project, the desktop app through Playwright's Electron support in the electron
// project (only where the binary exists) — a client for its MLflow-compatible API to seed data,
// and a helper that saves screenshots under e2e/artifacts/ as test artifacts.
import { _electron, test as base, expect, type ElectronApplication, type Page } from '@playwright/test';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startCairnServe, stopCairnServe } from './cairn-serve-process';
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

/** A running Cairn and how to stop it. */
interface StartedCairn {
  readonly server: CairnServer;
  stop(): Promise<void>;
}

async function startCairn(target: 'browser' | 'electron'): Promise<StartedCairn> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cairn-e2e-'));
  const removeData = () => fs.rmSync(dataDir, { recursive: true, force: true });
  if (target === 'electron') {
    const { app, url, trackingUri } = await startDesktopApp(dataDir);
    return {
      server: { url, trackingUri, dataDir, mlflow: new MlflowRestClient(trackingUri), electronApp: app },
      stop: async () => {
        await app.close();
        removeData();
      },
    };
  }
  const { child, url, trackingUri } = await startCairnServe(ROOT, dataDir);
  return {
    server: { url, trackingUri, dataDir, mlflow: new MlflowRestClient(trackingUri), electronApp: null },
    stop: async () => {
      await stopCairnServe(child);
      removeData();
    },
  };
}

/** Keeps one Cairn per test file within a worker: a new file gets a fresh data folder. */
class CairnPerFile {
  private current: { file: string; started: StartedCairn } | null = null;

  constructor(private readonly target: 'browser' | 'electron') {}

  /** The Cairn of `file`, starting it (and stopping the previous file's) when the file changes. */
  async forFile(file: string): Promise<CairnServer> {
    if (this.current?.file !== file) {
      await this.stop();
      this.current = { file, started: await startCairn(this.target) };
    }
    return this.current.started.server;
  }

  async stop(): Promise<void> {
    const current = this.current;
    this.current = null;
    await current?.started.stop();
  }
}

/** Playwright's test, with a `cairn` instance shared by the tests of one file and a `shot` helper. */
export const test = base.extend<
  { shot: (page: Page, name: string) => Promise<void>; cairn: CairnServer },
  { cairnPerFile: CairnPerFile; cairnTarget: 'browser' | 'electron' }
>({
  cairnTarget: ['browser', { scope: 'worker', option: true }],
  cairnPerFile: [
    async ({ cairnTarget }, use) => {
      const perFile = new CairnPerFile(cairnTarget);
      try {
        await use(perFile);
      } finally {
        await perFile.stop();
      }
    },
    { scope: 'worker' },
  ],
  cairn: async ({ cairnPerFile }, use, testInfo) => {
    await use(await cairnPerFile.forFile(testInfo.file));
  },
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

/** Screenshots of `page` named `name` in the light theme, then `name`-dark in the dark one. */
export async function shotBothThemes(page: Page, shot: (page: Page, name: string) => Promise<void>, name: string): Promise<void> {
  await page.emulateMedia({ colorScheme: 'light' });
  await shot(page, name);
  await page.emulateMedia({ colorScheme: 'dark' });
  await shot(page, `${name}-dark`);
  await page.emulateMedia({ colorScheme: 'light' });
}

export { expect };
