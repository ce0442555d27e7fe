// `npm start`: opens the desktop window when Electron's binary is installed; otherwise says so
// and runs the browser mode (`cairn serve`), opening its URL in a browser when there is a display.
const { spawn } = require('node:child_process');
const path = require('node:path');

const root = path.join(__dirname, '..');
const args = process.argv.slice(2);

function electronBinary() {
  try {
    // node_modules/electron exports the binary's path, and throws when the binary was not downloaded.
    const binary = require('electron');
    return typeof binary === 'string' && require('node:fs').existsSync(binary) ? binary : null;
  } catch {
    return null;
  }
}

function openInBrowser(url) {
  const hasDisplay = process.platform !== 'linux' || Boolean(process.env.DISPLAY || process.env.WAYLAND_DISPLAY);
  if (!hasDisplay) return;
  const opener = process.platform === 'darwin' ? 'open' : process.platform === 'win32' ? 'explorer' : 'xdg-open';
  const child = spawn(opener, [url], { stdio: 'ignore', detached: true });
  child.on('error', () => {});
  child.unref();
}

const binary = electronBinary();
if (binary) {
  const child = spawn(binary, [root, ...args], { stdio: 'inherit' });
  child.on('exit', (code) => process.exit(code ?? 0));
} else {
  console.log(
    'cairn: the Electron binary is not installed (it could not be downloaded, or ELECTRON_SKIP_BINARY_DOWNLOAD was set),\n' +
      'cairn: so Cairn runs in browser mode. Open the URL below; press Ctrl+C to stop.',
  );
  const child = spawn(process.execPath, [path.join(root, 'bin', 'cairn.js'), 'serve', ...args], {
    stdio: ['inherit', 'pipe', 'inherit'],
  });
  let opened = false;
  child.stdout.on('data', (chunk) => {
    process.stdout.write(chunk);
    const url = /(http:\/\/\S+\?token=\w+)/.exec(chunk.toString())?.[1];
    if (url && !opened) {
      opened = true;
      openInBrowser(url);
    }
  });
  for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
  child.on('exit', (code) => process.exit(code ?? 0));
}
