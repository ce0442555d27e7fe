// Where the data engine's worker script is. `npm run build` bundles it to dist/workers/, next to
// the bundles that start it (dist/main, dist/cli, dist/bench). Running from the TypeScript sources
// (the tests), it is bundled on first use with esbuild, a development dependency, into
// node_modules/.cache/ so that the bundle finds the project's packages.
import fs from 'node:fs';
import path from 'node:path';

/** The bundled worker's file name under dist/workers/. */
export const DATA_WORKER_BUNDLE = 'data-engine-worker.js';

let builtFromSource: string | null = null;

/** The path of a runnable worker script. */
export function dataWorkerScript(): string {
  const bundled = path.join(__dirname, '..', 'workers', DATA_WORKER_BUNDLE);
  if (fs.existsSync(bundled)) return bundled;
  const source = path.join(__dirname, 'data-engine-worker.ts');
  if (!fs.existsSync(source)) {
    throw new Error(`The data engine's worker is missing (looked for ${bundled}). Run \`npm run build\`.`);
  }
  if (builtFromSource && fs.existsSync(builtFromSource)) return builtFromSource;
  const projectRoot = path.resolve(__dirname, '..', '..', '..', '..');
  const cacheDir = path.join(projectRoot, 'node_modules', '.cache');
  fs.mkdirSync(cacheDir, { recursive: true });
  const outDir = fs.mkdtempSync(path.join(cacheDir, 'cairn-data-worker-'));
  const outfile = path.join(outDir, DATA_WORKER_BUNDLE);
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded only when running from source (tests), and synchronously.
  const esbuild = require('esbuild') as typeof import('esbuild');
  esbuild.buildSync({
    entryPoints: [source],
    outfile,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    packages: 'external',
    logLevel: 'warning',
    absWorkingDir: projectRoot,
  });
  process.once('exit', () => fs.rmSync(outDir, { recursive: true, force: true }));
  builtFromSource = outfile;
  return outfile;
}
