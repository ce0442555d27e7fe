// How endpoint host processes are started. Whoever assembles the services chooses: the CLI and
// `cairn serve` run the bundled host script with Node (nodeEndpointHostLauncher, below); the
// desktop app cannot (its Electron binary has the RunAsNode fuse off), so its shell passes a
// launcher built on Electron's utilityProcess.fork (electron/main/utility-endpoint-host-launcher.ts),
// whose processes end with the app. The local target only sees this interface.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { Readable, Writable } from 'node:stream';

/** What a launch needs: the host's arguments, its environment (added to this process's), where its log goes, and whether it stops with its starter. */
export interface EndpointHostLaunch {
  readonly args: readonly string[];
  readonly env: Readonly<Record<string, string>>;
  /** The host's stderr is appended here. */
  readonly logFile: string;
  /** Whether the host is to stop when the process that started it ends. */
  readonly stopWithOwner: boolean;
}

/** A host process as its launcher started it: enough to read its ready line and follow its start. */
export interface LaunchedHostProcess {
  /** Its stdout, where it prints one JSON line once it listens. */
  readonly stdout: Readable;
  /** A pipe whose closing stops the host (a Node host started with stopWithOwner); null otherwise. */
  readonly ownerPipe: Writable | null;
  /** Calls `listener` when the process ends before it was released. */
  onExit(listener: (code: number | null) => void): void;
  /** Calls `listener` when the process cannot be started. */
  onError(listener: (error: Error) => void): void;
  kill(): void;
  /** Stops following the process: its ready line is read, this process may exit without waiting for it. */
  release(): void;
}

/** Starts endpoint host processes. */
export interface EndpointHostLauncher {
  /**
   * Whether a host can outlive the process that started it: 'independent' for a Node process
   * (an endpoint kept running serves on after the app or command that started it ends);
   * 'with-owner' for an Electron utility process, which ends with the app (an endpoint kept
   * running is started again when the app next starts).
   */
  readonly lifetime: 'independent' | 'with-owner';
  launch(launch: EndpointHostLaunch): LaunchedHostProcess;
}

/** The environment variable marking an endpoint host's process, so that a pid is not signalled once it names another program. */
export const ENDPOINT_HOST_MARKER = 'CAIRN_ENDPOINT_HOST';

/** The host script bundled beside the running bundle (dist/deploy/local-endpoint-host.js). */
export function bundledEndpointHostScript(): string {
  return path.join(__dirname, '..', 'deploy', 'local-endpoint-host.js');
}

/** A launcher running `script` with a Node executable (this one by default), as the CLI, `cairn serve` and the tests do. */
export function nodeEndpointHostLauncher(script: string = bundledEndpointHostScript(), node: string = process.execPath): EndpointHostLauncher {
  return {
    lifetime: 'independent',
    launch(launch) {
      fs.mkdirSync(path.dirname(launch.logFile), { recursive: true });
      const log = fs.openSync(launch.logFile, 'a');
      try {
        const child = spawn(node, [script, ...launch.args, ...(launch.stopWithOwner ? ['--stop-with-owner'] : [])], {
          // On Windows only a detached child escapes the job object that ends children with their
          // parent. Elsewhere the host stays in the starter's session: a process in a session of its
          // own is scheduled as a group of its own, which on a loaded machine put milliseconds on
          // every request's hand-over from host to worker. It ignores SIGHUP (see its entry).
          detached: process.platform === 'win32',
          stdio: [launch.stopWithOwner ? 'pipe' : 'ignore', 'pipe', log],
          env: { ...process.env, ...launch.env },
          windowsHide: true,
        });
        const pipe = launch.stopWithOwner ? child.stdin : null;
        return {
          stdout: child.stdout!,
          ownerPipe: pipe,
          onExit: (listener) => child.once('exit', listener),
          onError: (listener) => child.once('error', listener),
          kill: () => child.kill('SIGKILL'),
          release() {
            child.stdout!.removeAllListeners('data');
            child.stdout!.destroy();
            child.removeAllListeners('exit');
            child.unref();
            // The pipe must not keep this process alive, nor crash it when the host goes first.
            (pipe as unknown as { unref?: () => void } | null)?.unref?.();
            pipe?.on('error', () => {});
          },
        };
      } finally {
        fs.closeSync(log);
      }
    },
  };
}
