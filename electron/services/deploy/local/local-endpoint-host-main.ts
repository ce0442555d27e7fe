// The endpoint host's process entry (bundled as dist/deploy/local-endpoint-host.js). The local
// target starts it detached:
//
//   node local-endpoint-host.js --name NAME --host 127.0.0.1 --port 0 --state-file FILE [--stop-with-owner]
//
// with CAIRN_CONTROL_TOKEN in its environment and its stderr going to the endpoint's log file.
// It stops on a control /stop or SIGTERM.
// It prints one JSON line on stdout once listening ({"ready":true,"port":...} or {"ready":false,
// "error":...}) and nothing after. With --stop-with-owner it stops when its stdin closes, that is
// when the process that started it ends, however it ends.
import { parseArgs } from 'node:util';
import { CAIRN_VERSION } from '../../version';
import { LocalEndpointHost } from './local-endpoint-host';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      name: { type: 'string' },
      host: { type: 'string', default: '127.0.0.1' },
      port: { type: 'string', default: '0' },
      'state-file': { type: 'string' },
      'stop-with-owner': { type: 'boolean', default: false },
    },
    strict: true,
  });
  if (!values.name || !values['state-file']) throw new Error('--name and --state-file are required');
  const log = (line: string) => process.stderr.write(`${new Date().toISOString()} ${line}\n`);
  let host: LocalEndpointHost;
  try {
    host = await LocalEndpointHost.start({
      name: values.name,
      host: values.host ?? '127.0.0.1',
      port: Number(values.port),
      stateFile: values['state-file'],
      cairnVersion: CAIRN_VERSION,
      stopWithOwner: values['stop-with-owner'] ?? false,
      controlToken: process.env.CAIRN_CONTROL_TOKEN || undefined,
      log,
    });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? null;
    process.stdout.write(`${JSON.stringify({ ready: false, code, error: (error as Error).message })}\n`);
    process.exitCode = 1;
    return;
  }
  delete process.env.CAIRN_CONTROL_TOKEN;
  log(`endpoint ${values.name} listening on ${host.url} (pid ${process.pid})`);
  process.stdout.write(`${JSON.stringify({ ready: true, pid: process.pid, port: host.port, controlPort: host.controlPort })}\n`);
  process.stdout.on('error', () => {});

  const stop = () => void host.close();
  host.whenClosed(() => process.exit(0));
  process.once('SIGTERM', stop);
  // A closing terminal does not stop an endpoint, nor does Ctrl-C meant for a later command in it
  // when the endpoint is kept running; one tied to its owner stops when the owner's pipe closes.
  process.on('SIGHUP', () => {});
  if (values['stop-with-owner']) process.once('SIGINT', stop);
  else process.on('SIGINT', () => {});
  if (values['stop-with-owner']) {
    process.stdin.on('end', stop);
    process.stdin.on('close', stop);
    process.stdin.on('error', stop);
    process.stdin.resume();
  }
}

void main();
