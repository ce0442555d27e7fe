// The desktop app's endpoint host launcher: the packaged app's Electron binary has the RunAsNode
// fuse off, so it cannot run the host script as plain Node; Electron's utility processes run it
// instead (Node inside Electron, started through Chromium's services). They end with the app:
// endpoints that are to keep running are started again when the app next starts
// (DeploymentService.restartStopped). Everything but the fork itself is the plain-Node code of
// the local target, tested without Electron.
import { utilityProcess } from 'electron';
import fs from 'node:fs';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { bundledEndpointHostScript, type EndpointHostLauncher } from '../services/deploy/local/endpoint-host-launcher';

/** Starts endpoint hosts as Electron utility processes; their stderr is appended to the endpoint's log. */
export function utilityEndpointHostLauncher(script: string = bundledEndpointHostScript()): EndpointHostLauncher {
  return {
    lifetime: 'with-owner',
    launch(launch) {
      fs.mkdirSync(path.dirname(launch.logFile), { recursive: true });
      // Utility processes take no stdin, so there is no owner pipe: they end with the app anyway.
      const child = utilityProcess.fork(script, [...launch.args], {
        env: { ...process.env, ...launch.env },
        stdio: ['ignore', 'pipe', 'pipe'],
        serviceName: 'Cairn endpoint host',
      });
      const log = fs.createWriteStream(launch.logFile, { flags: 'a' });
      child.stderr?.pipe(log);
      return {
        // Electron types it as NodeJS.ReadableStream; it is a stream.Readable.
        stdout: child.stdout as unknown as Readable,
        ownerPipe: null,
        onExit: (listener) => child.once('exit', listener),
        onError: (listener) => child.once('error', (type, location) => listener(new Error(`${type} at ${location}`))),
        kill: () => void child.kill(),
        release: () => child.stdout?.removeAllListeners('data'),
      };
    },
  };
}
