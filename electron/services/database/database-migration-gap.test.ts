// A migration numbered below ones already applied (a gap filled later, as when parallel work lands
// out of order) is applied when it arrives, not skipped.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { openDatabase } from './database';
import type { Migration } from './migration';

let dir: string;

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cairn-migration-gap-'));
});

afterEach(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

it('applies a migration that fills a gap below the newest applied one', () => {
  const file = path.join(dir, 'gap.db');
  const first: Migration = { version: 1, name: 'one', sql: 'CREATE TABLE one (x INTEGER);' };
  const third: Migration = { version: 3, name: 'three', sql: 'CREATE TABLE three (x INTEGER);' };
  const second: Migration = { version: 2, name: 'two', sql: 'CREATE TABLE two (x INTEGER);' };
  openDatabase(file, { migrations: [first, third] }).close();
  const database = openDatabase(file, { migrations: [first, second, third] });
  const db = database.connection;
  try {
    const versions = db.prepare('SELECT version FROM schema_migrations ORDER BY version').pluck().all();
    expect(versions).toEqual([1, 2, 3]);
    expect(db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'two'").get()).toBeDefined();
  } finally {
    database.close();
  }
});
