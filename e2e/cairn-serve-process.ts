// Starts `cairn serve` as a child process on free ports over a data folder and waits for the
// URL and tracking address it prints. Used by the end-to-end fixture and the UI benchmarks.
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';

/** A running `cairn serve` child process and the addresses it printed. */
export interface CairnServeProcess {
  readonly child: ChildProcess;
  /** The UI URL with its access token. */
  readonly url: string;
  /** The MLflow-compatible tracking address. */
  readonly trackingUri: string;
}

/** Spawns `node bin/cairn.js serve` from `root` and resolves once it has printed both addresses. */
export function startCairnServe(root: string, dataDir: string, timeoutMs = 20_000): Promise<CairnServeProcess> {
  const child = spawn(
    process.execPath,
    [path.join(root, 'bin', 'cairn.js'), 'serve', '--port', '0', '--tracking-port', '0', '--data-dir', dataDir],
    { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, CAIRN_DATA_DIR: '' } },
  );
  let output = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`cairn serve did not start in time:\n${output}`)), timeoutMs);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const url = /^\s*(http:\/\/127\.0\.0\.1:\d+\/\?token=\w+)\s*$/m.exec(output)?.[1];
      const trackingUri = /^MLFLOW_TRACKING_URI=(\S+)\s*$/m.exec(output)?.[1];
      if (url && trackingUri) {
        clearTimeout(timer);
        resolve({ child, url, trackingUri });
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`cairn serve exited with ${code}:\n${output}`));
    });
  });
}

/** Stops a `cairn serve` child process and waits until it has exited. */
export async function stopCairnServe(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}
