// A real Azure Blob Storage server on 127.0.0.1 for tests: Microsoft's azurite (npm), blob service
// only, in memory, on a free port it picks itself. It checks Shared Key signatures as Azure does;
// its one storage account and key are made fresh for each peer (AZURITE_ACCOUNTS), so a wrong key
// is refused.
//
// azurite runs in the foreground under a watchdog shell that ends it when the process that
// started it ends, so no server outlives a test run even when the test process is killed.
//
//   const blob = await startAzurite();   // ~1 s on an idle machine
//   blob.endpoint (http://127.0.0.1:PORT/<account>), blob.accountName, blob.accountKey
//   await blob.stop();
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';

/** A running azurite blob service with one storage account. */
export interface AzuritePeer {
  /** The account's blob endpoint, path-style as azurite serves it: http://127.0.0.1:PORT/<account> */
  readonly endpoint: string;
  readonly accountName: string;
  /** The account's Shared Key (base64). */
  readonly accountKey: string;
  /** Stops azurite and removes its folder. */
  stop(): Promise<void>;
}

/** azurite's blob entry point in node_modules. */
function azuriteBlobScript(): string {
  return createRequire(__filename).resolve('azurite/dist/src/blob/main.js');
}

/** Starts azurite's blob service; resolves once it listens. */
export async function startAzurite(timeoutMs = 60_000): Promise<AzuritePeer> {
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'cairn-azurite-'));
  const accountName = `cairn${randomBytes(4).toString('hex')}`;
  const accountKey = randomBytes(64).toString('base64');
  const output = path.join(folder, 'azurite.out');
  const args = [azuriteBlobScript(), '--blobHost', '127.0.0.1', '--blobPort', '0', '--inMemoryPersistence', '--disableTelemetry'];
  const quoted = [process.execPath, ...args].map((part) => `'${part.replace(/'/g, "'\\''")}'`).join(' ');
  const script =
    `${quoted} >'${output}' 2>&1 & child=$!; trap 'kill $child 2>/dev/null; wait $child; exit 0' TERM; ` +
    `while kill -0 ${process.pid} 2>/dev/null && kill -0 $child 2>/dev/null; do sleep 0.2; done; kill $child 2>/dev/null; wait $child`;
  const child: ChildProcess = spawn('/bin/sh', ['-c', script], {
    cwd: folder,
    stdio: 'ignore',
    env: { ...process.env, AZURITE_ACCOUNTS: `${accountName}:${accountKey}` },
  });
  child.unref();
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      const ended = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await ended;
      clearTimeout(timer);
    }
    fs.rmSync(folder, { recursive: true, force: true });
  };
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const text = fs.existsSync(output) ? fs.readFileSync(output, 'utf8') : '';
    const port = /successfully listens on http:\/\/127\.0\.0\.1:(\d+)/.exec(text)?.[1];
    if (port) return { endpoint: `http://127.0.0.1:${port}/${accountName}`, accountName, accountKey, stop };
    if (child.exitCode !== null || Date.now() > deadline) {
      await stop();
      throw new Error(`azurite did not start (waited up to ${timeoutMs / 1000} s); it printed:\n${text.slice(-2000)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
