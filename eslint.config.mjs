// ESLint for the whole repository (`npm run lint`, part of `npm test`):
// - typescript-eslint's type-aware recommended rules (floating and misused promises included);
// - React's rules of hooks and exhaustive effect dependencies;
// - the layering, as import boundaries (eslint-plugin-boundaries): BOUNDARY_POLICIES below.
// The boundary rules are by layer, not by capability: a new capability's folders
// (electron/services/<capability>/, shared/contract/<capability>.ts, renderer/pages/<capability>/)
// fall under them without a change here. scripts/lint-rules.test.ts shows each rule reporting.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import js from '@eslint/js';
import boundaries from 'eslint-plugin-boundaries';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import { defineConfig } from 'eslint/config';
import tseslint from 'typescript-eslint';

const projectRoot = path.dirname(fileURLToPath(import.meta.url));

/** What each file is, for the boundary policies; a file may be several (a route is also a service). */
const FILE_CATEGORIES = [
  { category: 'test', pattern: ['**/*.test.{ts,tsx}', 'e2e/**', 'bench/**'] },
  { category: 'test-support', pattern: 'test-support/**' },
  { category: 'electron', pattern: 'electron/**' },
  { category: 'service', pattern: 'electron/services/**' },
  { category: 'tracking-route', pattern: 'electron/services/tracking-api/routes/**' },
  {
    category: 'sqlite',
    pattern: [
      'electron/services/database/**',
      'electron/services/**/migrations/**',
      'electron/services/**/sqlite-*.ts',
      'electron/services/**/*-sql.ts',
    ],
  },
  { category: 'electron-shell', pattern: 'electron/{main,preload,server,cli}/**' },
  { category: 'preload', pattern: 'electron/preload/**' },
  {
    category: 'preload-import',
    pattern: ['shared/contract/contract-names.ts', 'shared/contract/call-result.ts', 'electron/main/ipc-channels.ts'],
  },
  { category: 'shared', pattern: 'shared/**' },
  { category: 'renderer', pattern: 'renderer/**' },
  { category: 'renderer-state', pattern: 'renderer/{stores,models}/**' },
  { category: 'renderer-view', pattern: 'renderer/{components,pages}/**' },
  { category: 'renderer-bridge', pattern: ['renderer/api.ts', 'renderer/use-app-store.ts'] },
];

/** Files of these categories and none of the others. */
const only = (categories, exceptCategories = []) => ({
  file: { categories: { allOf: categories, noneOf: exceptCategories } },
});
const toFiles = (...categories) => ({ to: { file: { categories: { anyOf: categories } } } });
const toModules = (...sources) => sources.map((source) => ({ to: { module: { source } } }));
const toNodeBuiltins = { to: { module: { origin: 'core' } } };
/** Packages that only run in Node: never in code the renderer loads. */
const NODE_ONLY_PACKAGES = ['electron', 'better-sqlite3', '@duckdb/*'];

/**
 * The layering. Everything is allowed unless a policy below disallows it; each policy says why
 * and what to do instead. Policies are read in order and the last one matching an import decides,
 * so the preload's allow-list comes after its blanket disallow.
 */
const BOUNDARY_POLICIES = [
  {
    from: only(['service']),
    disallow: toModules('electron'),
    message:
      "electron/services/ are plain Node modules and never import 'electron' ({{dependency.source}}): " +
      'take what Electron gives as a parameter, and keep the Electron part in electron/main/.',
  },
  {
    from: only(['service']),
    disallow: toFiles('electron-shell', 'renderer'),
    message:
      'electron/services/ never import electron/main, preload, server, cli or renderer/ ({{dependency.source}}): ' +
      'those are built on the services. Move what both need into electron/services/ or shared/.',
  },
  {
    from: only(['shared']),
    disallow: toFiles('electron', 'renderer'),
    message:
      'shared/ imports neither side ({{dependency.source}}): electron/ and renderer/ both import shared/, ' +
      'so what shared/ needs must live in shared/.',
  },
  {
    from: only(['shared'], ['test']),
    disallow: [toNodeBuiltins, ...toModules(...NODE_ONLY_PACKAGES)],
    message:
      'shared/ is bundled into the renderer too, so it uses no Node modules or Node-only packages ' +
      '({{dependency.source}}); only its tests may. Put Node code in electron/services/.',
  },
  {
    from: only(['renderer']),
    disallow: toFiles('electron'),
    message:
      'renderer/ never imports electron/ ({{dependency.source}}): it reaches the main side through ' +
      'renderer/api.ts and the contract in shared/contract/. Tests use test-support/in-process-api.ts.',
  },
  {
    from: only(['renderer'], ['test']),
    disallow: [toNodeBuiltins, ...toModules(...NODE_ONLY_PACKAGES)],
    message:
      'renderer/ runs in the browser: no Node modules or Node-only packages ({{dependency.source}}). ' +
      'Ask the main side through a call of the contract instead.',
  },
  {
    from: only(['renderer-state']),
    disallow: toFiles('renderer-view'),
    message:
      'renderer/stores/ and renderer/models/ import no components or pages ({{dependency.source}}): ' +
      'move the logic both need into renderer/models/ (pure, no React) and import it from the component.',
  },
  {
    from: only(['renderer-state']),
    disallow: toFiles('renderer-bridge'),
    message:
      'renderer/stores/ and renderer/models/ never import renderer/api.ts or use-app-store.ts ({{dependency.source}}): ' +
      'stores are built from the API object they are given (createAppStore(api)) and models are pure logic.',
  },
  {
    from: only(['tracking-route'], ['test']),
    disallow: [toFiles('sqlite'), ...toModules('better-sqlite3')],
    message:
      'tracking API routes reach data only through the store interfaces in their TrackingContext, never SQLite ' +
      '({{dependency.source}}: better-sqlite3, database/, migrations, sqlite-* and *-sql files). ' +
      'Add a method to the store interface instead.',
  },
  {
    from: { file: { categories: { noneOf: ['test', 'test-support'] } } },
    disallow: toFiles('test-support'),
    message:
      'only tests (*.test.ts(x), e2e/, bench/) import test-support/ ({{dependency.source}}): ' +
      'it starts the whole main side over a temporary data folder.',
  },
  {
    from: only(['preload'], ['test']),
    disallow: { to: { module: { origin: ['local', 'external', 'core'] } } },
    message:
      "electron/preload/ imports only 'electron', shared/contract/contract-names.ts, " +
      'shared/contract/call-result.ts and electron/main/ipc-channels.ts ({{dependency.source}}): ' +
      'anything else (zod, the contract schemas) is bundled into the preload, which must stay a few KB.',
  },
  {
    from: only(['preload'], ['test']),
    allow: [toFiles('preload-import'), ...toModules('electron')],
  },
];

export default defineConfig(
  {
    ignores: [
      'node_modules/',
      'dist/',
      'release/',
      'test-results/',
      'playwright-report/',
      'e2e/artifacts/',
      'bench/results/',
      '.cairn-data/',
    ],
  },
  {
    linterOptions: { reportUnusedDisableDirectives: 'error' },
  },
  js.configs.recommended,
  tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: projectRoot },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      // Off: stores and handlers implement Promise-returning interfaces (so another database could
      // answer them) with synchronous SQLite; `async` is what turns their throws into rejections.
      '@typescript-eslint/require-await': 'off',
    },
  },
  {
    // Tests read real servers' JSON answers loosely (`as any`) and assert on their shape.
    files: ['**/*.test.{ts,tsx}', 'e2e/**', 'bench/**'],
    rules: {
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
    },
  },
  {
    // The store's actions are handed around detached (selectors, props) by design, so slices never
    // use `this` (forbidden below) and unbound-method has nothing to find in the renderer.
    files: ['renderer/**/*.{ts,tsx}'],
    rules: { '@typescript-eslint/unbound-method': 'off' },
  },
  {
    files: ['renderer/stores/**/*.ts'],
    rules: {
      'no-restricted-syntax': [
        'error',
        { selector: 'ThisExpression', message: 'Store actions are called detached from the store: use get() and set(), never `this`.' },
      ],
    },
  },
  {
    // Plain JavaScript (build scripts, the bin stub, this file): not in the TypeScript project.
    files: ['**/*.{js,mjs,cjs}'],
    extends: [tseslint.configs.disableTypeChecked],
    languageOptions: { globals: { ...globals.node } },
  },
  {
    files: ['**/*.js'],
    languageOptions: { sourceType: 'commonjs' },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    files: ['renderer/**/*.{ts,tsx}'],
    plugins: { 'react-hooks': reactHooks },
    rules: {
      'react-hooks/rules-of-hooks': 'error',
      'react-hooks/exhaustive-deps': 'error',
    },
  },
  {
    files: ['**/*.{ts,tsx,mts,js,mjs}'],
    plugins: { boundaries },
    settings: {
      'import/resolver': { node: { extensions: ['.ts', '.tsx', '.mts', '.js', '.mjs', '.json'] } },
      'boundaries/root-path': projectRoot,
      'boundaries/files': FILE_CATEGORIES,
      // Re-exports, import() and require() cross boundaries as much as import does.
      'boundaries/dependency-nodes': ['import', 'export', 'dynamic-import', 'require'],
    },
    rules: {
      'boundaries/dependencies': [
        'error',
        {
          default: 'allow',
          // Check imports of packages and node: modules too, and of files in no element.
          checkAllOrigins: true,
          checkUnknownLocals: true,
          checkInternals: true,
          policies: BOUNDARY_POLICIES,
        },
      ],
    },
  },
);
