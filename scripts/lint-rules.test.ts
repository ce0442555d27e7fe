// The lint rules of eslint.config.mjs at work: each boundary policy reports an import it forbids
// (with its own message) and lets the neighbouring allowed import through, so a policy whose
// selectors silently match nothing fails here. Snippets are linted in memory at the paths they
// would have; the files they import are the repository's own.
import { ESLint } from 'eslint';
import path from 'node:path';
import tseslint from 'typescript-eslint';
import { beforeAll, describe, expect, it } from 'vitest';

const ROOT = path.resolve(__dirname, '..');

let eslint: ESLint;

beforeAll(() => {
  eslint = new ESLint({
    cwd: ROOT,
    overrideConfigFile: path.join(ROOT, 'eslint.config.mjs'),
    // The boundary and hooks rules need no types; loading the whole program would take a minute.
    overrideConfig: [tseslint.configs.disableTypeChecked],
    cache: false,
  });
});

/** The messages of `ruleId` for `code` as if it were the file at `file`. */
async function messagesOf(ruleId: string, file: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: path.join(ROOT, file) });
  expect(result!.messages.filter((message) => message.fatal)).toEqual([]);
  return result!.messages.filter((message) => message.ruleId === ruleId).map((message) => message.message);
}

const boundaryMessages = (file: string, code: string) => messagesOf('boundaries/dependencies', file, code);

interface BoundaryCase {
  /** The policy, as a test name. */
  readonly rule: string;
  /** Where the snippet is linted (it need not exist). */
  readonly file: string;
  /** An import the policy forbids. */
  readonly forbidden: string;
  /** A part of the policy's message. */
  readonly says: string;
  /** An import from the same file that no policy forbids. */
  readonly allowed: string;
}

const BOUNDARY_CASES: readonly BoundaryCase[] = [
  {
    rule: "services never import 'electron'",
    file: 'electron/services/tracker/snippet.ts',
    forbidden: "import { app } from 'electron';",
    says: "are plain Node modules and never import 'electron' (electron)",
    allowed: "import fs from 'node:fs';",
  },
  {
    rule: 'a service test never imports electron either',
    file: 'electron/services/api/snippet.test.ts',
    forbidden: "import { ipcMain } from 'electron';",
    says: "never import 'electron'",
    allowed: "import { describe } from 'vitest';",
  },
  {
    rule: 'services never import the Electron shell',
    file: 'electron/services/api/snippet.ts',
    forbidden: "import { callChannel } from '../../main/ipc-channels';",
    says: 'never import electron/main, preload, server, cli or renderer/ (../../main/ipc-channels)',
    allowed: "import { dispatchCall } from './call-handlers';",
  },
  {
    rule: 'services never import the browser mode or the CLI',
    file: 'electron/services/snippet.ts',
    forbidden: "export * from '../server/browser-server';",
    says: 'never import electron/main, preload, server, cli or renderer/',
    allowed: "export * from './cairn-services';",
  },
  {
    rule: 'services never import the renderer',
    file: 'electron/services/tracker/snippet.ts',
    forbidden: "import { createAppStore } from '../../../renderer/stores/app-store';",
    says: 'never import electron/main, preload, server, cli or renderer/',
    allowed: "import { CairnError } from '../../../shared/errors';",
  },
  {
    rule: 'shared/ imports neither side: not electron/',
    file: 'shared/snippet.ts',
    forbidden: "import { startCairnServices } from '../electron/services/cairn-services';",
    says: 'shared/ imports neither side (../electron/services/cairn-services)',
    allowed: "import { CairnError } from './errors';",
  },
  {
    rule: 'shared/ imports neither side: not renderer/',
    file: 'shared/contract/snippet.ts',
    forbidden: "const routes = import('../../renderer/models/routes');",
    says: 'shared/ imports neither side',
    allowed: "import { z } from 'zod';",
  },
  {
    rule: 'shared/ uses no Node modules',
    file: 'shared/snippet.ts',
    forbidden: "import fs from 'node:fs';",
    says: 'shared/ is bundled into the renderer too, so it uses no Node modules or Node-only packages (node:fs)',
    allowed: "import { z } from 'zod';",
  },
  {
    rule: 'shared/ uses no Node-only packages',
    file: 'shared/search/snippet.ts',
    forbidden: "import Database from 'better-sqlite3';",
    says: 'no Node modules or Node-only packages (better-sqlite3)',
    allowed: "import { CairnError } from '../errors';",
  },
  {
    rule: 'renderer/ never imports electron/',
    file: 'renderer/pages/runs/snippet.tsx',
    forbidden: "import { CALL_HANDLERS } from '../../../electron/services/api/call-handlers';",
    says: 'renderer/ never imports electron/',
    allowed: "import { CALL_NAMES } from '../../../shared/contract';",
  },
  {
    rule: 'a renderer test never imports electron/ either',
    file: 'renderer/stores/snippet.test.ts',
    forbidden: "import { startCairnServices } from '../../electron/services/cairn-services';",
    says: 'Tests use test-support/in-process-api.ts',
    allowed: "import { startInProcessCairn } from '../../test-support/in-process-api';",
  },
  {
    rule: 'renderer/ uses no Node modules',
    file: 'renderer/components/snippet.tsx',
    forbidden: "import path from 'node:path';",
    says: 'renderer/ runs in the browser: no Node modules or Node-only packages (node:path)',
    allowed: "import { useState } from 'react';",
  },
  {
    rule: "renderer/ never imports 'electron'",
    file: 'renderer/snippet.ts',
    forbidden: "import { ipcRenderer } from 'electron';",
    says: 'renderer/ runs in the browser',
    allowed: "import { create } from 'zustand';",
  },
  {
    rule: 'renderer stores import no components',
    file: 'renderer/stores/snippet.ts',
    forbidden: "import { RunsTable } from '../components/tables/runs-table';",
    says: 'renderer/stores/ and renderer/models/ import no components or pages (../components/tables/runs-table)',
    allowed: "import { parseRoute } from '../models/routes';",
  },
  {
    rule: 'renderer models import no pages',
    file: 'renderer/models/runs-table/snippet.ts',
    forbidden: "import { ComparePage } from '../../pages/compare/compare-page';",
    says: 'import no components or pages',
    allowed: "import { defaultRunsTableColumns } from '../../../shared/runs-table';",
  },
  {
    rule: 'renderer models never import the bridge',
    file: 'renderer/models/charts/snippet.ts',
    forbidden: "import { api } from '../../api';",
    says: 'never import renderer/api.ts or use-app-store.ts (../../api)',
    allowed: "import { formatNumber } from './chart-scales';",
  },
  {
    rule: 'renderer stores never import the app store hook',
    file: 'renderer/stores/snippet.ts',
    forbidden: "import { useAppStore } from '../use-app-store';",
    says: 'stores are built from the API object they are given',
    allowed: "import { createAppStore } from './app-store';",
  },
  {
    rule: 'tracking routes never reach a SQLite store',
    file: 'electron/services/tracking-api/routes/snippet.ts',
    forbidden: "import { SqliteTrackerStore } from '../../tracker/sqlite-tracker-store';",
    says: 'tracking API routes reach data only through the store interfaces',
    allowed: "import type { TrackerStore } from '../../tracker/tracker-store';",
  },
  {
    rule: 'tracking routes never reach the database',
    file: 'electron/services/tracking-api/routes/snippet.ts',
    forbidden: "import { openDatabase } from '../../database/database';",
    says: '(../../database/database: better-sqlite3, database/',
    allowed: "import { runRoutes } from './run-routes';",
  },
  {
    rule: 'tracking routes never reach SQL builders',
    file: 'electron/services/tracking-api/routes/snippet.ts',
    forbidden: "import { searchRunsSql } from '../../tracker/run-search-sql';",
    says: 'never SQLite',
    allowed: "import { TrackingContext } from '../tracking-context';",
  },
  {
    rule: 'tracking routes never import better-sqlite3',
    file: 'electron/services/tracking-api/routes/snippet.ts',
    forbidden: "import type Database from 'better-sqlite3';",
    says: 'never SQLite (better-sqlite3',
    allowed: "import type { Readable } from 'node:stream';",
  },
  {
    rule: 'only tests import test-support/: not a service',
    file: 'electron/services/snippet.ts',
    forbidden: "import { startInProcessCairn } from '../../test-support/in-process-api';",
    says: 'only tests (*.test.ts(x), e2e/, bench/) import test-support/',
    allowed: "import { startCairnServices } from './cairn-services';",
  },
  {
    rule: 'only tests import test-support/: not a renderer store',
    file: 'renderer/stores/snippet.ts',
    forbidden: "import { startInProcessCairn } from '../../test-support/in-process-api';",
    says: 'only tests',
    allowed: "import { describeError } from './describe-error';",
  },
  {
    rule: "the preload imports no zod",
    file: 'electron/preload/snippet.ts',
    forbidden: "import { z } from 'zod';",
    says: "electron/preload/ imports only 'electron', shared/contract/contract-names.ts",
    allowed: "import { contextBridge } from 'electron';",
  },
  {
    rule: 'the preload imports no contract schemas',
    file: 'electron/preload/snippet.ts',
    forbidden: "import { calls } from '../../shared/contract';",
    says: 'is bundled into the preload, which must stay a few KB',
    allowed: "import { CALL_NAMES } from '../../shared/contract/contract-names';",
  },
  {
    rule: 'the preload imports no other main-side module',
    file: 'electron/preload/snippet.ts',
    forbidden: "import { registerIpc } from '../main/ipc-registration';",
    says: "imports only 'electron'",
    allowed: "import { callChannel } from '../main/ipc-channels';",
  },
];

describe('boundary rules', () => {
  it.each(BOUNDARY_CASES)('$rule', async ({ file, forbidden, says, allowed }) => {
    const reported = await boundaryMessages(file, `${forbidden}\n`);
    expect(reported).toHaveLength(1);
    expect(reported[0]).toContain(says);
    expect(await boundaryMessages(file, `${allowed}\n`)).toEqual([]);
  });

  it('lets tests, e2e and benchmarks import test-support/', async () => {
    const importIt = "import { startInProcessCairn } from '../test-support/in-process-api';\n";
    expect(await boundaryMessages('e2e/snippet.ts', importIt)).toEqual([]);
    expect(await boundaryMessages('bench/snippet.ts', importIt)).toEqual([]);
    expect(await boundaryMessages('shared/snippet.test.ts', importIt)).toEqual([]);
  });

  it('lets tests of shared/ and the renderer use Node modules', async () => {
    expect(await boundaryMessages('shared/search/snippet.test.ts', "import fs from 'node:fs';\n")).toEqual([]);
    expect(await boundaryMessages('renderer/models/snippet.test.ts', "import os from 'node:os';\n")).toEqual([]);
  });

  it('lets the preload import the result type', async () => {
    const code = "import type { CallResult } from '../../shared/contract/call-result';\n";
    expect(await boundaryMessages('electron/preload/snippet.ts', code)).toEqual([]);
  });
});

describe('React hooks rules', () => {
  it('reports a hook called conditionally', async () => {
    const code = [
      "import { useState } from 'react';",
      'export function Panel({ open }: { open: boolean }) {',
      '  if (open) useState(0);',
      '  return null;',
      '}',
      '',
    ].join('\n');
    expect(await messagesOf('react-hooks/rules-of-hooks', 'renderer/components/snippet.tsx', code)).toHaveLength(1);
  });

  it('reports an effect missing a dependency', async () => {
    const code = [
      "import { useEffect } from 'react';",
      'export function Title({ text }: { text: string }) {',
      '  useEffect(() => {',
      '    document.title = text;',
      '  }, []);',
      '  return null;',
      '}',
      '',
    ].join('\n');
    const reported = await messagesOf('react-hooks/exhaustive-deps', 'renderer/pages/snippet.tsx', code);
    expect(reported).toHaveLength(1);
    expect(reported[0]).toContain("missing dependency: 'text'");
  });
});

describe('type-aware rules', () => {
  // These need the whole program to run, so the test checks they are switched on everywhere.
  it.each(['electron/services/tracker/snippet.ts', 'renderer/pages/runs/snippet.tsx', 'shared/snippet.ts', 'e2e/snippet.ts'])(
    'floating and misused promises are errors in %s',
    async (file) => {
      const config = (await new ESLint({ cwd: ROOT, overrideConfigFile: path.join(ROOT, 'eslint.config.mjs') }).calculateConfigForFile(
        path.join(ROOT, file),
      )) as { rules: Record<string, unknown[]>; languageOptions: { parserOptions: Record<string, unknown> } };
      expect(config.rules['@typescript-eslint/no-floating-promises']?.[0]).toBe(2);
      expect(config.rules['@typescript-eslint/no-misused-promises']?.[0]).toBe(2);
      expect(config.languageOptions.parserOptions.projectService).toBe(true);
    },
  );
});
