// The cloud peers end-to-end tests deploy to, loaded into the Playwright process: the fakes of
// Databricks, SageMaker and Azure ML (test-support/cloud-peers/) with their storage peers, and the second Cairn
// tracking server playing its MLflow. They run Cairn's own modules (the local endpoint host, with
// its Python worker source imported as text), so they are bundled with esbuild as the build
// bundles them, into dist/ (where they find the repository's examples and node_modules above
// them), removed when the process exits.
import fs from 'node:fs';
import path from 'node:path';
import { build } from 'esbuild';
import type * as Peers from './cloud-peers-entry';

const ROOT = path.join(__dirname, '..');

/** Bundles and loads the peers' module. */
export async function loadCloudPeers(): Promise<typeof Peers> {
  fs.mkdirSync(path.join(ROOT, 'dist'), { recursive: true });
  const folder = fs.mkdtempSync(path.join(ROOT, 'dist', 'e2e-cloud-peers-'));
  process.once('exit', () => fs.rmSync(folder, { recursive: true, force: true }));
  const outfile = path.join(folder, 'cloud-peers.js');
  await build({
    entryPoints: [path.join(ROOT, 'e2e', 'cloud-peers-entry.ts')],
    outfile,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    packages: 'external',
    loader: { '.py': 'text' },
    logLevel: 'warning',
    absWorkingDir: ROOT,
  });
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- a bundle built just now, loaded by path.
  return require(outfile) as typeof Peers;
}
