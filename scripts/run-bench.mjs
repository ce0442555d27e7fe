// `npm run bench`: bundles bench/run-all.ts with esbuild and runs it. Extra arguments pick
// benchmarks by name (e.g. `npm run bench -- tracking-api downsampler`).
import { build } from 'esbuild';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const outfile = path.join(root, 'dist', 'bench', 'run-all.js');
await build({
  entryPoints: [path.join(root, 'bench', 'run-all.ts')],
  outfile,
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  packages: 'external',
  sourcemap: true,
  logLevel: 'warning',
  absWorkingDir: root,
  loader: { '.py': 'text' },
});
const result = spawnSync(process.execPath, ['--enable-source-maps', '--expose-gc', outfile, ...process.argv.slice(2)], {
  stdio: 'inherit',
  cwd: root,
});
process.exit(result.status ?? 1);
