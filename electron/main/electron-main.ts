// The Electron shell: one hardened window over the main-side services. The only module
// (with the preload) that imports electron; everything else runs in plain Node.
import { app, BrowserWindow, ipcMain, session, shell } from 'electron';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { startCairnServices, type CairnServices } from '../services/cairn-services';
import { resolveDataDir } from '../services/data-dir';
import { DEFAULT_TRACKING_PORT, startTrackingServer, type TrackingServer } from '../services/tracking-api/tracking-server';
import { eventChannel } from './ipc-channels';
import { registerIpcHandlers } from './ipc-registration';

const RENDERER_INDEX = path.join(__dirname, '..', 'renderer', 'index.html');
const RENDERER_URL = pathToFileURL(RENDERER_INDEX).href;

/** The value of `--name value` or `--name=value` on the command line. */
function argValue(argv: readonly string[], name: string): string | undefined {
  const index = argv.indexOf(name);
  if (index !== -1) return argv[index + 1];
  return argv.find((arg) => arg.startsWith(`${name}=`))?.slice(name.length + 1);
}

/**
 * Serves MLflow's tracking API on loopback (port --tracking-port, default 5151) for training
 * scripts on this machine. When the port is taken (say, by `cairn serve`), the app runs without it.
 */
async function startTracking(running: CairnServices): Promise<TrackingServer | null> {
  const port = Number(argValue(process.argv, '--tracking-port') ?? DEFAULT_TRACKING_PORT);
  try {
    const server = await startTrackingServer({ context: running.tracking, host: '127.0.0.1', port });
    running.setTrackingUri(server.url);
    console.log(`cairn: MLflow tracking API at MLFLOW_TRACKING_URI=${server.url}`);
    return server;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') {
      console.error(`cairn: port ${port} is in use, so the MLflow tracking API is off. Free it, or start Cairn with --tracking-port <n>.`);
    } else {
      console.error('cairn: the MLflow tracking API could not start; running without it.', error);
    }
    return null;
  }
}

/** Only our own renderer page may call the services. */
function isTrustedSender(url: string): boolean {
  return url === RENDERER_URL || url.startsWith(`${RENDERER_URL}#`) || url.startsWith(`${RENDERER_URL}?`);
}

function createWindow(): BrowserWindow {
  const window = new BrowserWindow({
    width: 1400,
    height: 900,
    title: 'Cairn',
    show: false,
    webPreferences: {
      preload: path.join(__dirname, '..', 'preload', 'preload.js'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      spellcheck: false,
    },
  });
  window.once('ready-to-show', () => window.show());
  void window.loadURL(RENDERER_URL);
  return window;
}

function hardenContents(): void {
  app.on('web-contents-created', (_event, contents) => {
    contents.setWindowOpenHandler(({ url }) => {
      // Links to the web open in the user's browser, never in a Cairn window.
      if (url.startsWith('https://')) void shell.openExternal(url);
      return { action: 'deny' };
    });
    contents.on('will-navigate', (event, url) => {
      if (url !== RENDERER_URL) event.preventDefault();
    });
    contents.on('will-attach-webview', (event) => event.preventDefault());
  });
  session.defaultSession.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
}

let services: CairnServices | null = null;
let tracking: TrackingServer | null = null;

app.enableSandbox();
app.whenReady().then(() => {
  hardenContents();
  services = startCairnServices({ dataDir: resolveDataDir(argValue(process.argv, '--data-dir')), mode: 'desktop' });
  registerIpcHandlers(ipcMain, services.handlers, isTrustedSender);
  void startTracking(services).then((server) => {
    tracking = server;
  });
  createWindow();
  services.events.subscribe((name, payload) => {
    for (const win of BrowserWindow.getAllWindows()) win.webContents.send(eventChannel(name), payload);
  });
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) createWindow();
  });
}, (error: unknown) => {
  console.error('cairn: failed to start', error);
  app.exit(1);
});

app.on('window-all-closed', () => {
  if (process.platform !== 'darwin') app.quit();
});

app.on('will-quit', () => {
  void tracking?.close();
  void services?.close();
});
