// Runs Electron's own binary download, but never lets it fail `npm install`.
// Where the binary cannot be fetched (no internet, a proxy, ELECTRON_SKIP_BINARY_DOWNLOAD=1),
// Cairn still installs and `npm start` falls back to the browser mode. The downloader's own
// output (a stack trace when offline) is kept out of the install log: one line says what happened.
const { spawnSync } = require('node:child_process');
const path = require('node:path');
const fs = require('node:fs');

const installer = path.join(__dirname, '..', 'node_modules', 'electron', 'install.js');
if (!fs.existsSync(installer)) process.exit(0);
if (process.env.ELECTRON_SKIP_BINARY_DOWNLOAD) {
  console.log('cairn: ELECTRON_SKIP_BINARY_DOWNLOAD is set; the desktop window will not be available, `npm start` opens the browser mode.');
  process.exit(0);
}
const result = spawnSync(process.execPath, [installer], { encoding: 'utf8', timeout: 180_000 });
if (result.status !== 0) {
  const output = `${result.stderr ?? ''}\n${result.stdout ?? ''}`;
  // The first line naming the cause (e.g. "getaddrinfo ENOTFOUND github.com"), without the stack.
  const cause = output.split('\n').map((line) => line.trim()).find((line) => /error|ENOTFOUND|ECONN|ETIMEDOUT|EAI_AGAIN|status/i.test(line) && !line.startsWith('at '));
  const reason = result.error ? result.error.message : cause;
  console.log(`cairn: the Electron binary could not be downloaded${reason ? ` (${reason.slice(0, 160)})` : ''}; \`npm start\` will run the browser mode instead.`);
}
process.exit(0);
