// Builds Cairn: the main side (Electron shell, preload, CLI) with esbuild, the renderer with Vite.
// Output goes to dist/: dist/main, dist/preload, dist/cli, dist/deploy, dist/renderer.
import { build as esbuild } from 'esbuild';
import { build as viteBuild } from 'vite';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

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
  // A sandboxed preload cannot require() project files, so it is bundled whole (electron stays external).
  esbuild({ ...common, packages: undefined, entryPoints: ['electron/preload/preload.ts'], outfile: 'dist/preload/preload.js', external: ['electron'] }),
  esbuild({ ...common, entryPoints: ['electron/cli/cairn.ts'], outfile: 'dist/cli/cairn.js' }),
  // The process serving one local deployment (the local deploy target starts it detached).
  esbuild({ ...common, entryPoints: ['electron/services/deploy/local/local-endpoint-host-main.ts'], outfile: 'dist/deploy/local-endpoint-host.js' }),
]);
if (!onlyMain) {
  await viteBuild({ configFile: path.join(root, 'vite.config.mts'), logLevel: 'warn' });
}
console.log('cairn: built dist/');
