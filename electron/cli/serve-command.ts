// `cairn serve`: the services without Electron, the UI served to a browser on loopback with an access token.
import path from 'node:path';
import { parseArgs } from 'node:util';
import { startBrowserServer } from '../server/browser-server';
import { startCairnServices } from '../services/cairn-services';
import { resolveDataDir } from '../services/data-dir';
import { isLoopbackHost } from '../services/http/request-guards';
import { CAIRN_VERSION } from '../services/version';

/** The default port of the browser-mode UI. */
export const DEFAULT_UI_PORT = 8787;

/** `cairn serve --help`. */
export const SERVE_HELP = `Usage: cairn serve [options]

Runs Cairn without a window and serves its UI on this machine. Open the printed URL
(it carries a random access token, as Jupyter's does; requests without it get 401).

Options:
  --port <n>        Port of the UI (default ${DEFAULT_UI_PORT}; 0 picks a free one)
  --host <addr>     Address to listen on (default 127.0.0.1). A non-loopback address
                    exposes Cairn to your network: a warning is printed, the token is still required
  --data-dir <dir>  Data folder (default: $CAIRN_DATA_DIR, else the OS's per-user app data folder)
  --token <t>       Use this access token instead of a random one (for scripts)
  -h, --help        Show this help
`;

function parsePort(text: string | undefined, fallback: number, flag: string): number {
  if (text === undefined) return fallback;
  const port = Number(text);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`${flag} must be a port number from 0 to 65535, got '${text}'.`);
  return port;
}

/** Runs `cairn serve` until SIGINT or SIGTERM. */
export async function runServeCommand(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      port: { type: 'string' },
      host: { type: 'string', default: '127.0.0.1' },
      'data-dir': { type: 'string' },
      token: { type: 'string' },
    },
    strict: true,
  });
  const host = values.host ?? '127.0.0.1';
  const dataDir = resolveDataDir(values['data-dir']);
  const uiPort = parsePort(values.port, DEFAULT_UI_PORT, '--port');
  if (!isLoopbackHost(host)) {
    process.stderr.write(
      `cairn: WARNING: listening on ${host}, not loopback: anyone who can reach this machine and has the token can use Cairn.\n`,
    );
  }

  const services = startCairnServices({ dataDir, mode: 'browser' });
  const staticDir = path.join(__dirname, '..', 'renderer');
  let server;
  try {
    server = await startBrowserServer({ handlers: services.handlers, events: services.events, staticDir, host, port: uiPort, token: values.token });
  } catch (error) {
    await services.close();
    if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') {
      throw new Error(`port ${uiPort} is in use; choose another with --port (0 picks a free one).`);
    }
    throw error;
  }

  process.stdout.write(`Cairn ${CAIRN_VERSION} is serving the data folder ${dataDir}\n`);
  process.stdout.write(`Open Cairn in a browser:\n    ${server.url}\n`);

  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  await server.close();
  await services.close();
  return 0;
}
