#!/usr/bin/env node
// The `cairn` command: runs the built CLI (npm run build makes dist/cli/cairn.js).
const path = require('node:path');
const fs = require('node:fs');

const cli = path.join(__dirname, '..', 'dist', 'cli', 'cairn.js');
if (!fs.existsSync(cli)) {
  console.error('cairn: not built yet. Run `npm run build` in ' + path.join(__dirname, '..') + ' first.');
  process.exit(1);
}
require(cli);
