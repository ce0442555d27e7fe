import { defineConfig } from '@playwright/test';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from './e2e/chromium-options';
import { electronBinaryPath } from './e2e/electron-binary';

const electronBinary = electronBinaryPath();
// Said once, by the runner process (workers load this file too and have TEST_WORKER_INDEX set).
if (!electronBinary && process.env.TEST_WORKER_INDEX === undefined) {
  console.log('e2e: the Electron binary is not installed here, so the specs were not run against the desktop app (browser mode only).');
}

// End-to-end tests drive the browser mode (`cairn serve`) in Debian's Chromium.
// CHROMIUM_PATH overrides the browser; Playwright's own browser download is not used.
export default defineConfig<{ cairnTarget: 'browser' | 'electron' }>({
  testDir: 'e2e',
  testMatch: '**/*.spec.ts',
  outputDir: 'test-results',
  timeout: 60_000,
  expect: { timeout: 10_000 },
  fullyParallel: false,
  workers: 1,
  retries: 0,
  reporter: [['list']],
  projects: [
    { name: 'browser', use: { cairnTarget: 'browser' } },
    ...(electronBinary ? [{ name: 'electron', use: { cairnTarget: 'electron' as const } }] : []),
  ],
  use: {
    browserName: 'chromium',
    headless: true,
    viewport: { width: 1400, height: 900 },
    launchOptions: {
      executablePath: CHROMIUM_PATH,
      args: [...CHROMIUM_ARGS],
    },
    trace: 'off',
    screenshot: 'only-on-failure',
  },
});
