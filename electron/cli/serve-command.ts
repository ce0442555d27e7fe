// `cairn serve`: the services without Electron, the UI served to a browser on loopback with an access token.
import path from 'node:path';
import { parseArgs } from 'node:util';
import { startBrowserServer } from '../server/browser-server';
import { startCairnServices } from '../services/cairn-services';
import { resolveDataDir } from '../services/data-dir';
import { isLoopbackHost } from '../services/http/request-guards';
import { DEFAULT_TRACKING_PORT, startTrackingServer } from '../services/tracking-api/tracking-server';
import { CAIRN_VERSION } from '../services/version';

/** The default port of the browser-mode UI. */
export const DEFAULT_UI_PORT = 8787;

/** `cairn serve --help`. */
export const SERVE_HELP = `Usage: cairn serve [options]

Runs Cairn without a window and serves its UI on this machine. Open the printed URL
(it carries a random access token, as Jupyter's does; requests without it get 401).
It also serves MLflow's tracking API, so that existing \`mlflow\` logging code logs into
Cairn unchanged: set the printed MLFLOW_TRACKING_URI=http://127.0.0.1:<port> in its environment.

Options:
  --port <n>        Port of the UI (default ${DEFAULT_UI_PORT}; 0 picks a free one)
  --host <addr>     Address to listen on (default 127.0.0.1). A non-loopback address
                    exposes Cairn to your network: a warning is printed, the token is still required
  --data-dir <dir>  Data folder (default: $CAIRN_DATA_DIR, else the OS's per-user app data folder)
  --token <t>       Use this access token instead of a random one (for scripts)
  --tracking-port <n>
                    Port of the MLflow tracking API (default ${DEFAULT_TRACKING_PORT}; 0 picks a free one)
  --tracking-token <t>
                    Bearer token the tracking API requires (clients set MLFLOW_TRACKING_TOKEN).
                    Optional on loopback. With a non-loopback --host a token is required: when
                    this is not given, the UI's access token is used, and printed as MLFLOW_TRACKING_TOKEN
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
      'tracking-port': { type: 'string' },
      'tracking-token': { type: 'string' },
    },
    strict: true,
  });
  const host = values.host ?? '127.0.0.1';
  const dataDir = resolveDataDir(values['data-dir']);
  const uiPort = parsePort(values.port, DEFAULT_UI_PORT, '--port');
  const trackingPort = parsePort(values['tracking-port'], DEFAULT_TRACKING_PORT, '--tracking-port');
  if (!isLoopbackHost(host)) {
    process.stderr.write(
      `cairn: WARNING: listening on ${host}, not loopback: anyone who can reach this machine and has the token can use Cairn.\n`,
    );
  }

  const services = startCairnServices({ dataDir, mode: 'browser', warmDeployTargets: true });
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

  // Off loopback the tracking API needs a token; the UI's serves when none is given for it.
  const trackingToken = values['tracking-token'] || (isLoopbackHost(host) ? undefined : server.token);
  let tracking;
  try {
    tracking = await startTrackingServer({ context: services.tracking, host, port: trackingPort, token: trackingToken });
  } catch (error) {
    await server.close();
    await services.close();
    if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') {
      throw new Error(`tracking port ${trackingPort} is in use; choose another with --tracking-port (0 picks a free one).`);
    }
    throw error;
  }
  services.setTrackingUri(tracking.url);

  process.stdout.write(`Cairn ${CAIRN_VERSION} is serving the data folder ${dataDir}\n`);
  process.stdout.write(`Open Cairn in a browser:\n    ${server.url}\n`);
  process.stdout.write('Log into Cairn from MLflow clients with:\n');
  process.stdout.write(`MLFLOW_TRACKING_URI=${tracking.url}\n`);
  if (trackingToken) process.stdout.write(`MLFLOW_TRACKING_TOKEN=${trackingToken}\n`);

  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  await tracking.close();
  await server.close();
  await services.close();
  return 0;
}
