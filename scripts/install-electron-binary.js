// Runs Electron's own binary download, but never lets it fail `npm install`.
// Where the binary cannot be fetched (no internet, a proxy, ELECTRON_SKIP_BINARY_DOWNLOAD=1),
// Cairn still installs and `npm start` falls back to the browser mode.
const { spawnSync } = require('node:child_process');
const path = require('node:path');
const fs = require('node:fs');

const installer = path.join(__dirname, '..', 'node_modules', 'electron', 'install.js');
if (!fs.existsSync(installer)) process.exit(0);
if (process.env.ELECTRON_SKIP_BINARY_DOWNLOAD) {
  console.log('cairn: ELECTRON_SKIP_BINARY_DOWNLOAD is set; the desktop window will not be available, `npm start` opens the browser mode.');
  process.exit(0);
}
const result = spawnSync(process.execPath, [installer], { stdio: 'inherit', timeout: 180_000 });
if (result.status !== 0) {
  console.log('cairn: the Electron binary could not be downloaded; `npm start` will run the browser mode instead.');
}
process.exit(0);
