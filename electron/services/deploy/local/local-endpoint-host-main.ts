// The endpoint host's process entry (bundled as dist/deploy/local-endpoint-host.js). The local
// target starts it through an endpoint host launcher (endpoint-host-launcher.ts: plain Node, or
// an Electron utility process in the desktop app):
//
//   local-endpoint-host.js --host 127.0.0.1 [--idle-seconds N] [--stop-with-owner]
//
// with CAIRN_CONTROL_TOKEN in its environment and its stderr going to a log file. It starts as a
// spare (control channel only) and becomes a deployment's endpoint when the target adopts it.
// It prints one JSON line on stdout once its control channel listens ({"ready":true,"pid":...,
// "controlPort":...} or {"ready":false,"error":...}) and nothing after. It stops on a control
// /stop or SIGTERM. With --stop-with-owner it stops when its stdin closes, that is when the
// process that started it ends, however it ends, unless adoption says it is to keep running.
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { CAIRN_VERSION } from '../../version';
import { LocalEndpointHost } from './local-endpoint-host';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      host: { type: 'string', default: '127.0.0.1' },
      'idle-seconds': { type: 'string' },
      'stop-with-owner': { type: 'boolean', default: false },
    },
    strict: true,
  });
  // Until a deployment adopts the host its lines go to stderr (the spare hosts' log); then to the endpoint's log.
  let logTo: (text: string) => void = (text) => process.stderr.write(text);
  const log = (line: string) => logTo(`${new Date().toISOString()} ${line}\n`);
  const stopWithOwner = values['stop-with-owner'] ?? false;
  const idleSeconds = Number(values['idle-seconds'] ?? 0);
  let host: LocalEndpointHost;
  const stop = () => void host?.close();
  const onOwnerGone = () => stop();
  const ignore = () => {};
  try {
    host = await LocalEndpointHost.start({
      host: values.host ?? '127.0.0.1',
      cairnVersion: CAIRN_VERSION,
      controlToken: process.env.CAIRN_CONTROL_TOKEN || undefined,
      idleMs: idleSeconds > 0 ? idleSeconds * 1000 : undefined,
      log,
      onAdopted: (adoption) => {
        fs.mkdirSync(path.dirname(adoption.logFile), { recursive: true });
        // Written synchronously: log lines are few (never one per request), and none is lost when the host exits.
        const fd = fs.openSync(adoption.logFile, 'a');
        logTo = (text) => {
          try {
            fs.writeSync(fd, text);
          } catch {
            // A full disk: the line is lost, serving goes on.
          }
        };
        if (adoption.stopWithOwner || !stopWithOwner) return;
        // Adopted by a deployment that keeps running: the starter's end no longer stops it.
        process.stdin.off('end', onOwnerGone);
        process.stdin.off('close', onOwnerGone);
        process.stdin.off('error', onOwnerGone);
        process.off('SIGINT', stop);
        process.on('SIGINT', ignore);
      },
    });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? null;
    process.stdout.write(`${JSON.stringify({ ready: false, code, error: (error as Error).message })}\n`);
    process.exitCode = 1;
    return;
  }
  delete process.env.CAIRN_CONTROL_TOKEN;
  log(`endpoint host started (pid ${process.pid}), control channel on 127.0.0.1:${host.controlPort}`);
  process.stdout.write(`${JSON.stringify({ ready: true, pid: process.pid, controlPort: host.controlPort })}\n`);
  process.stdout.on('error', ignore);

  host.whenClosed(() => process.exit(0));
  process.once('SIGTERM', stop);
  // A closing terminal does not stop an endpoint, nor does Ctrl-C meant for a later command in it
  // when the endpoint is kept running; one tied to its owner stops when the owner's pipe closes.
  process.on('SIGHUP', ignore);
  if (stopWithOwner) {
    process.once('SIGINT', stop);
    process.stdin.on('end', onOwnerGone);
    process.stdin.on('close', onOwnerGone);
    process.stdin.on('error', onOwnerGone);
    process.stdin.resume();
  } else {
    process.on('SIGINT', ignore);
  }
}

void main();
