// The Electron shell: one hardened window over the main-side services. The only module
// (with the preload) that imports electron; everything else runs in plain Node.
import { app, BrowserWindow, dialog, ipcMain, Notification, protocol, safeStorage, session, shell } from 'electron';
import path from 'node:path';
import { startCairnServices, type CairnServices } from '../services/cairn-services';
import { resolveDataDir } from '../services/data-dir';
import { KeychainSecretStore, secretFileIn } from '../services/deploy/secrets/secret-store';
import { DEFAULT_TRACKING_PORT, startTrackingServer, type TrackingServer } from '../services/tracking-api/tracking-server';
import { automationDesktopNotifier } from './automation-desktop-notifier';
import { eventChannel } from './ipc-channels';
import { registerIpcHandlers } from './ipc-registration';
import { createQuitListener } from './quit-sequence';
import { isRendererPageUrl, RENDERER_SCHEME, RENDERER_URL, serveRendererRequest } from './renderer-protocol';
import { utilityEndpointHostLauncher } from './utility-endpoint-host-launcher';

/** The built renderer; the app:// scheme serves files from this folder only. */
const RENDERER_DIR = path.join(__dirname, '..', 'renderer');

// Before `ready`, as Electron requires: app:// is a standard scheme (relative URLs resolve, the page
// has an origin of its own) and a secure one (a secure context, as https would be).
protocol.registerSchemesAsPrivileged([{ scheme: RENDERER_SCHEME, privileges: { standard: true, secure: true } }]);

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
      if (!isRendererPageUrl(url)) event.preventDefault();
    });
    contents.on('will-attach-webview', (event) => event.preventDefault());
  });
  // No web permission (camera, notifications, clipboard reads, ...) is asked for, nor reported as granted.
  session.defaultSession.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  session.defaultSession.setPermissionCheckHandler(() => false);
}

/**
 * The OS folder picker, over the window that asked (the focused one). Reached only through the
 * pickPipelineFolder call, whose IPC handler checks that the sender is our own renderer page.
 */
async function pickFolder(): Promise<string | null> {
  const options: Electron.OpenDialogOptions = { title: 'Open a pipeline project', buttonLabel: 'Open', properties: ['openDirectory'] };
  const parent = BrowserWindow.getFocusedWindow() ?? BrowserWindow.getAllWindows()[0];
  const result = parent ? await dialog.showOpenDialog(parent, options) : await dialog.showOpenDialog(options);
  return result.canceled ? null : (result.filePaths[0] ?? null);
}

let services: CairnServices | null = null;
let tracking: Promise<TrackingServer | null> = Promise.resolve(null);

app.enableSandbox();
app.whenReady().then(() => {
  hardenContents();
  protocol.handle(RENDERER_SCHEME, (request) => serveRendererRequest(request.url, RENDERER_DIR));
  const dataDir = resolveDataDir(argValue(process.argv, '--data-dir'));
  // Deploy targets' secrets: encrypted with the OS keychain's key (safeStorage), never in the database.
  const secrets = new KeychainSecretStore(safeStorage, secretFileIn(dataDir));
  // Local endpoints run in Electron's utility processes (the packaged binary cannot run as Node).
  services = startCairnServices({
    dataDir,
    mode: 'desktop',
    endpointHostLauncher: utilityEndpointHostLauncher(),
    warmDeployTargets: true,
    secrets,
    pickFolder,
  });
  // Only our own renderer page may call the services.
  registerIpcHandlers(ipcMain, services.handlers, isRendererPageUrl);
  tracking = startTracking(services);
  createWindow();
  services.events.subscribe((name, payload) => {
    for (const win of BrowserWindow.getAllWindows()) win.webContents.send(eventChannel(name), payload);
  });
  // Promotions, rejections, failures and approvals asked for reach a person with the window in the background.
  services.events.subscribe(
    automationDesktopNotifier({
      supported: Notification.isSupported(),
      create: (options) => new Notification(options),
      showFiring: (notice) => {
        const win = BrowserWindow.getAllWindows()[0] ?? createWindow();
        if (win.isMinimized()) win.restore();
        win.focus();
        void win.loadURL(`${RENDERER_URL}#/automations?firing=${notice.firingId}`);
      },
    }),
  );
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

// Quitting waits for the tracking server to stop and the services to close (the store's last
// commit and checkpoint), then exits.
app.on(
  'will-quit',
  createQuitListener(
    async () => {
      await (await tracking)?.close();
      await services?.close();
    },
    (code) => app.exit(code),
  ),
);
