// Builds Cairn: the main side (Electron shell, preload, CLI) with esbuild, the renderer with Vite.
// Output goes to dist/: dist/main, dist/preload, dist/cli, dist/workers, dist/deploy, dist/renderer.
import { build as esbuild } from 'esbuild';
import { build as viteBuild } from 'vite';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkPreloadSize, PRELOAD_BUILD_OPTIONS } from './preload-bundle.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const onlyMain = process.argv.includes('--main-only');

const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: true,
  packages: 'external',
  logLevel: 'warning',
  absWorkingDir: root,
  // The Python model worker is shipped inside the bundles as text and written out when needed.
  loader: { '.py': 'text' },
};

await Promise.all([
  esbuild({ ...common, entryPoints: ['electron/main/electron-main.ts'], outfile: 'dist/main/electron-main.js', external: ['electron'] }),
  esbuild({ ...PRELOAD_BUILD_OPTIONS, absWorkingDir: root, sourcemap: true, outfile: 'dist/preload/preload.js' }),
  esbuild({ ...common, entryPoints: ['electron/cli/cairn.ts'], outfile: 'dist/cli/cairn.js' }),
  // The data engine's worker thread, found by the bundles above at ../workers/ (worker-script.ts).
  esbuild({ ...common, entryPoints: ['electron/services/data/engine/data-engine-worker.ts'], outfile: 'dist/workers/data-engine-worker.js' }),
  // The process serving one local deployment (the local deploy target starts it detached).
  esbuild({ ...common, entryPoints: ['electron/services/deploy/local/local-endpoint-host-main.ts'], outfile: 'dist/deploy/local-endpoint-host.js' }),
]);
checkPreloadSize(fs.statSync(path.join(root, 'dist/preload/preload.js')).size);
if (!onlyMain) {
  // The config imports shared/renderer-csp.ts: Vite's module runner loads it as TypeScript.
  await viteBuild({ configFile: path.join(root, 'vite.config.mts'), configLoader: 'runner', logLevel: 'warn' });
}
console.log('cairn: built dist/');
