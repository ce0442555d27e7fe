// The database module over real SQLite files: pragmas, the merged migration history (with the
// released migrations' checksums frozen, so databases made by earlier builds keep opening),
// refusing a newer database without touching a byte of it, two processes' worth of connections
// migrating at once, and write transactions that start with BEGIN IMMEDIATE.
import Database from 'better-sqlite3';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CairnError } from '../../../shared/errors';
import { StorageHealth } from '../storage-health';
import { ALL_MIGRATIONS, mergeMigrations } from './all-migrations';
import { DatabaseTooNewError, openDatabase, type CairnDatabase } from './database';
import { migrationChecksum, type Migration } from './migration';

let dir: string;
const opened: CairnDatabase[] = [];

function open(file: string, migrations?: readonly Migration[]): CairnDatabase {
  const database = openDatabase(file, migrations ? { migrations } : {});
  opened.push(database);
  return database;
}

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cairn-database-'));
});

afterEach(() => {
  for (const database of opened.splice(0)) database.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

/**
 * The bytes of a database's main file and of its write-ahead log, for byte-for-byte comparisons. An
 * empty log counts as none: SQLite's read-only connection creates an empty one (and its index)
 * where there was none, which holds nothing and changes nothing.
 */
function filesOf(file: string): Record<string, string> {
  const files: Record<string, string> = {};
  for (const suffix of ['', '-wal']) {
    const bytes = fs.existsSync(file + suffix) ? fs.readFileSync(file + suffix) : null;
    if (bytes && (suffix === '' || bytes.length > 0)) files[suffix || 'main'] = bytes.toString('base64');
  }
  return files;
}

describe('opening', () => {
  it('uses WAL with synchronous=FULL and a busy timeout, and records every migration with its checksum', () => {
    const database = open(path.join(dir, 'cairn.db'));
    const db = database.connection;
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    // 2 is FULL: every commit syncs the log, so an acknowledged write survives power loss.
    expect(db.pragma('synchronous', { simple: true })).toBe(2);
    expect(db.pragma('busy_timeout', { simple: true })).toBe(5000);
    const rows = db.prepare('SELECT version, name, checksum FROM schema_migrations ORDER BY version').all();
    expect(rows).toEqual(ALL_MIGRATIONS.map((m) => ({ version: m.version, name: m.name, checksum: migrationChecksum(m) })));
  });

  it('keeps the released migrations 1 to 8 exactly as they were: same versions, names and checksums', () => {
    // A database made by an earlier build records these; a changed text would make it refuse to open.
    const released = ALL_MIGRATIONS.filter((m) => m.version <= 8).map((m) => [m.version, m.name, migrationChecksum(m)]);
    expect(released).toEqual([
      [1, 'tracker-core', '3806deb4e2238faeca13e67fc4ae48fffa8c63d5d25a3c858ccff7e4431d94a6'],
      [2, 'run-inputs-outputs', '32510f7f8e876839207b54a9c31bbba40b61aadf7c3ceabfa88da4a84cb5fd45'],
      [3, 'model-registry', '88308f609ec69a805082df6d0065932a51a15d313f0a2b23adc4ac4d39138c37'],
      [4, 'logged-models', '32d170be8cdcc1a651b7d124a28715a013ee4788f036cb6ff14bc132f7b17950'],
      [5, 'metric-blocks', '80566f3f5393d97191315fcd261b63b7f6a84e1ccaa823ee4fa7f960cc9755e1'],
      [6, 'metric-series-latest-index', '50d1d0b9008e1b93c66bbef506404dc37db575da9bced8ea06a40f46482fd62e'],
      [7, 'logged-model-metrics', '589f1d03327eb9e7533baf60a4d00ba7de7d351f39e4abbae7833eb76c2731bd'],
      [8, 'run-model-inputs', '53fe8dc45d920733e59a95118d464dd1898803a44ea384e9f71fa185c0281044'],
    ]);
  });

  it('reopens an existing database without applying anything again', () => {
    const file = path.join(dir, 'cairn.db');
    const first = open(file);
    const appliedAt = first.connection.prepare('SELECT applied_at FROM schema_migrations').pluck().all();
    first.close();
    const again = open(file);
    expect(again.connection.prepare('SELECT applied_at FROM schema_migrations').pluck().all()).toEqual(appliedAt);
  });

  it('refuses a database whose recorded migration differs from the code (an edited migration)', () => {
    const file = path.join(dir, 'edited.db');
    open(file).close();
    const edited = ALL_MIGRATIONS.map((m) => (m.version === 1 ? { ...m, sql: `${m.sql}\n-- edited` } : m));
    expect(() => open(file, edited)).toThrow(/was edited after it was released/);
  });

  it('applies each migration once when several connections open a new database at the same moment', () => {
    // Two processes starting on one fresh data folder: the second finds the first's migrations recorded.
    const file = path.join(dir, 'shared.db');
    const slow: Migration = { version: 1, name: 'slow', sql: 'CREATE TABLE slow (x INTEGER);' };
    const a = open(file, [slow]);
    const b = open(file, [slow, { version: 2, name: 'two', sql: 'CREATE TABLE two (x INTEGER);' }]);
    const c = open(file, [slow, { version: 2, name: 'two', sql: 'CREATE TABLE two (x INTEGER);' }]);
    expect(c.connection.prepare('SELECT version FROM schema_migrations ORDER BY version').pluck().all()).toEqual([1, 2]);
    expect(a.connection.prepare("SELECT count(*) FROM sqlite_master WHERE name = 'two'").pluck().get()).toBe(1);
    expect(b.file).toBe(file);
  });
});

describe('a database written by a newer Cairn', () => {
  function newerDatabase(file: string): void {
    const raw = new Database(file);
    raw.pragma('journal_mode = WAL');
    raw.exec(
      "CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT, checksum TEXT, applied_at INTEGER); INSERT INTO schema_migrations VALUES (999, 'future', 'x', 0);",
    );
    raw.close();
  }

  it('is refused and left byte for byte untouched', () => {
    const file = path.join(dir, 'newer.db');
    newerDatabase(file);
    const before = filesOf(file);
    expect(() => openDatabase(file)).toThrow(DatabaseTooNewError);
    expect(() => openDatabase(file)).toThrow(/newer version of Cairn.*schema version 999/);
    expect(filesOf(file)).toEqual(before);
  });

  it('keeps its write-ahead log as it was: nothing is checkpointed into the main file', () => {
    // A newer Cairn left committed frames in the log (it crashed, or still runs). Opening the file
    // read-write and closing it would copy them into the main file; refusing must not.
    const source = path.join(dir, 'source.db');
    newerDatabase(source);
    const writer = new Database(source);
    writer.pragma('wal_autocheckpoint = 0');
    writer.exec("CREATE TABLE future_data (x TEXT); INSERT INTO future_data VALUES ('kept in the log');");
    const file = path.join(dir, 'copied', 'newer.db');
    fs.mkdirSync(path.dirname(file));
    fs.copyFileSync(source, file);
    fs.copyFileSync(`${source}-wal`, `${file}-wal`);
    writer.close();
    const before = filesOf(file);
    expect(before['-wal']).toBeDefined();
    expect(() => openDatabase(file)).toThrow(DatabaseTooNewError);
    expect(filesOf(file)).toEqual(before);
  });

  it('is refused when it has a migration this Cairn does not know, even below its newest', () => {
    const file = path.join(dir, 'gap.db');
    const one: Migration = { version: 1, name: 'one', sql: 'CREATE TABLE one (x INTEGER);' };
    const two: Migration = { version: 2, name: 'two', sql: 'CREATE TABLE two (x INTEGER);' };
    const three: Migration = { version: 3, name: 'three', sql: 'CREATE TABLE three (x INTEGER);' };
    open(file, [one, two, three]).close();
    expect(() => open(file, [one, three])).toThrow(DatabaseTooNewError);
  });
});

describe('merging the capabilities’ migrations', () => {
  it('orders them by version and refuses two with the same version', () => {
    const a: Migration = { version: 2, name: 'a', sql: '' };
    const b: Migration = { version: 1, name: 'b', sql: '' };
    expect(mergeMigrations([[a], [b]]).map((m) => m.name)).toEqual(['b', 'a']);
    expect(() => mergeMigrations([[a], [{ version: 2, name: 'c', sql: '' }]])).toThrow(/'a' and 'c' both have version 2/);
    expect(() => mergeMigrations([[{ version: 0, name: 'zero', sql: '' }]])).toThrow(/whole numbers from 1/);
  });

  it('gives every migration of every capability its own version', () => {
    const versions = ALL_MIGRATIONS.map((m) => m.version);
    expect(new Set(versions).size).toBe(versions.length);
    expect(versions).toEqual([...versions].sort((x, y) => x - y));
  });
});

describe('writes', () => {
  const items: Migration = { version: 1, name: 'items', sql: 'CREATE TABLE items (name TEXT PRIMARY KEY)' };

  it('take the write lock when they begin, so that a read-then-write never fails on another connection’s commit', () => {
    const file = path.join(dir, 'items.db');
    const a = open(file, [items]);
    const b = open(file, [items]);
    // Inside a's write, b cannot begin one: the lock is taken at BEGIN, not at a's first write.
    a.write(() => {
      a.connection.prepare('SELECT count(*) FROM items').get();
      b.connection.pragma('busy_timeout = 0');
      expect(() => b.write(() => b.connection.prepare("INSERT INTO items VALUES ('b')").run())).toThrow(
        expect.objectContaining({ code: 'TEMPORARILY_UNAVAILABLE' }),
      );
      a.connection.prepare("INSERT INTO items VALUES ('a')").run();
    });
    b.connection.pragma('busy_timeout = 5000');
    b.write(() => b.connection.prepare("INSERT INTO items VALUES ('b')").run());
    expect(a.connection.prepare('SELECT name FROM items ORDER BY name').pluck().all()).toEqual(['a', 'b']);
  });

  it('answer a lock held past the busy timeout with TEMPORARILY_UNAVAILABLE, naming the database', () => {
    const file = path.join(dir, 'items.db');
    const database = open(file, [items]);
    const holder = new Database(file);
    holder.exec('BEGIN IMMEDIATE');
    try {
      database.connection.pragma('busy_timeout = 50');
      let error: unknown;
      try {
        database.write(() => database.connection.prepare("INSERT INTO items VALUES ('x')").run());
      } catch (caught) {
        error = caught;
      }
      expect(error).toBeInstanceOf(CairnError);
      expect(error).toMatchObject({ code: 'TEMPORARILY_UNAVAILABLE', message: expect.stringContaining(file) });
    } finally {
      holder.exec('ROLLBACK');
      holder.close();
    }
  });

  it('answer a full database file with INSUFFICIENT_STORAGE naming the folder, and recover once there is room', () => {
    // SQLite's own limit on the file's size gives the same SQLITE_FULL a full disk does.
    const file = path.join(dir, 'full.db');
    const lines: string[] = [];
    const database = openDatabase(file, { migrations: [items], storage: new StorageHealth(dir, (line) => lines.push(line)) });
    opened.push(database);
    const pages = Number(database.connection.pragma('page_count', { simple: true }));
    database.connection.pragma(`max_page_count = ${pages + 2}`);
    const insert = (name: string) => database.write(() => database.connection.prepare('INSERT INTO items VALUES (?)').run(name));
    const changes: boolean[] = [];
    database.storage.onChange((full) => changes.push(full));
    let error: unknown;
    let failures = 0;
    for (let i = 0; i < 200; i++) {
      try {
        insert(`${'x'.repeat(500)}-${i}`);
      } catch (caught) {
        error = caught;
        failures++;
      }
    }
    expect(failures).toBeGreaterThan(1);
    expect(error).toMatchObject({ code: 'INSUFFICIENT_STORAGE', message: expect.stringContaining(dir) });
    expect(database.storage.diskFull).toBe(true);
    const count = database.connection.prepare('SELECT count(*) FROM items').pluck().get() as number;
    expect(count).toBeGreaterThan(0);
    database.connection.pragma('max_page_count = 1000000');
    insert('after');
    expect(database.storage.diskFull).toBe(false);
    expect(changes).toEqual([true, false]);
    expect(database.connection.prepare('SELECT count(*) FROM items').pluck().get()).toBe(count + 1);
    // One line when the disk filled, however many writes failed, and one when writes went through again.
    expect(lines).toEqual([expect.stringMatching(/disk holding .* is full/), expect.stringMatching(/go through again/)]);
  });
});
