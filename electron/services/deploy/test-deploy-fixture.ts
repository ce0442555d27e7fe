// For the deploy tests and benchmark: the endpoint host bundled as the build bundles it, the
// scikit-learn example trained against a real tracking server with Debian's python3, model
// versions written straight into the registry (a crashing one, one with missing requirements),
// and the example model scored in-process by Python for comparison.
import { execFile, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { promisify } from 'node:util';
import { build } from 'esbuild';
import type { TrackingContext } from '../tracking-api/tracking-context';
import { nodeEndpointHostLauncher, type EndpointHostLauncher } from './local/endpoint-host-launcher';
import { stopEndpointHost } from './local/endpoint-host-process';
import { readEndpointState } from './local/endpoint-state-file';

/** The Python with scikit-learn that tests use ($CAIRN_PYTHON, else Debian's). */
export const TEST_PYTHON = process.env.CAIRN_PYTHON ?? '/usr/bin/python3';

/** The repository's root: the nearest folder above this module (or its bundle) holding the examples. */
const ROOT = (() => {
  for (let folder = __dirname; folder !== path.dirname(folder); folder = path.dirname(folder)) {
    if (fs.existsSync(path.join(folder, 'examples', 'train_sklearn.py'))) return folder;
  }
  throw new Error(`no examples/train_sklearn.py above ${__dirname}`);
})();

/** Bundles local-endpoint-host-main.ts as `npm run build` does, into a temporary folder removed when the process exits; returns a Node launcher running it. */
export async function bundleEndpointHost(): Promise<EndpointHostLauncher> {
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'cairn-endpoint-host-'));
  process.once('exit', () => fs.rmSync(folder, { recursive: true, force: true }));
  const outfile = path.join(folder, 'local-endpoint-host.js');
  await build({
    entryPoints: [path.join(ROOT, 'electron/services/deploy/local/local-endpoint-host-main.ts')],
    outfile,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    packages: 'external',
    logLevel: 'warning',
    absWorkingDir: ROOT,
  });
  return nodeEndpointHostLauncher(outfile);
}

/** Runs examples/train_sklearn.py against a tracking server (in this process, so not blocking it); returns the version it registered. */
export async function trainExample(trackingUri: string, args: readonly string[] = []): Promise<string> {
  const { stdout: output } = await promisify(execFile)(TEST_PYTHON, [path.join(ROOT, 'examples', 'train_sklearn.py'), '--epochs', '3', ...args], {
    env: { ...process.env, MLFLOW_TRACKING_URI: trackingUri },
    encoding: 'utf8',
    timeout: 120_000,
  });
  const version = /registered \S+ version (\d+)/.exec(output)?.[1];
  if (!version) throw new Error(`the example printed no version:\n${output}`);
  return version;
}

/** Writes files as a new artifact folder and registers them as a version of `name` (created if needed); returns its number. */
export async function registerModelFiles(context: TrackingContext, name: string, files: Readonly<Record<string, string | Buffer>>): Promise<string> {
  const folder = `test-models/${name}-${Date.now()}-${Math.random().toString(36).slice(2)}`;
  for (const [file, content] of Object.entries(files)) await context.artifacts.write(`${folder}/${file}`, Readable.from([Buffer.from(content)]));
  try {
    await context.registry.createRegisteredModel({ name });
  } catch {
    // It exists already.
  }
  return (await context.registry.createModelVersion({ name, source: `mlflow-artifacts:/${folder}` })).version;
}

/** A copy of a version's files with its pickle replaced by one that ends the Python process while it is unpickled. */
export function crashingModelFiles(modelDir: string): Record<string, string | Buffer> {
  const pickle = execFileSync(TEST_PYTHON, ['-c', 'import os, pickle, sys\nclass Crash:\n  def __reduce__(self): return (os._exit, (7,))\nsys.stdout.buffer.write(pickle.dumps(Crash()))']);
  return { ...readFolder(modelDir), 'model.pkl': pickle };
}

/** A copy of a version's files whose requirements name packages no Python here has. */
export function unmetRequirementsFiles(modelDir: string): Record<string, string | Buffer> {
  return { ...readFolder(modelDir), 'requirements.txt': 'scikit-learn\nlightgbm==4.3.0\nno-such-package-cairn\n' };
}

/** The files of a folder (flat), by name. */
export function readFolder(folder: string): Record<string, Buffer> {
  return Object.fromEntries(fs.readdirSync(folder).map((name) => [name, fs.readFileSync(path.join(folder, name))]));
}

/** The example's predictions for `rows`, computed by Python loading the pickle itself. */
export function pythonPredictions(modelDir: string, columns: readonly string[], rows: readonly (readonly number[])[]): number[] {
  const script =
    'import json, pickle, sys\nimport pandas as pd\n' +
    'spec = json.load(sys.stdin)\nmodel = pickle.load(open(spec["pickle"], "rb"))\n' +
    'print(json.dumps(model.predict(pd.DataFrame(spec["rows"], columns=spec["columns"])).tolist()))';
  const output = execFileSync(TEST_PYTHON, ['-c', script], {
    input: JSON.stringify({ pickle: path.join(modelDir, 'model.pkl'), columns, rows }),
    encoding: 'utf8',
  });
  return JSON.parse(output) as number[];
}

/** Stops every endpoint host a data folder's state files name: tests call it last, so none outlives a failed test. */
export async function stopEveryEndpoint(dataDir: string): Promise<void> {
  const root = path.join(dataDir, 'deployments');
  if (!fs.existsSync(root)) return;
  await Promise.all(
    fs.readdirSync(root).map(async (name) => {
      const state = readEndpointState(path.join(root, name, 'endpoint.json'));
      if (state) await stopEndpointHost(state);
    }),
  );
}
