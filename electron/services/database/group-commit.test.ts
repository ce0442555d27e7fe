// Group commit over a real SQLite file: writes queued in one turn share one transaction, each
// write still fails alone, and nothing is acknowledged before it is committed.
import Database from 'better-sqlite3';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase, type CairnDatabase, type SqliteDatabase } from './database';
import { GroupCommit } from './group-commit';

describe('GroupCommit', () => {
  let dir: string;
  let database: CairnDatabase;
  let db: SqliteDatabase;
  let group: GroupCommit;

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cairn-group-commit-'));
    database = openDatabase(path.join(dir, 'test.db'), {
      migrations: [{ version: 1, name: 'items', sql: 'CREATE TABLE items (name TEXT PRIMARY KEY)' }],
    });
    db = database.connection;
    group = new GroupCommit(database);
  });

  afterEach(() => {
    database.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const names = () => (db.prepare('SELECT name FROM items ORDER BY name').pluck().all() as string[]);
  const insert = (name: string) => () => db.prepare('INSERT INTO items (name) VALUES (?)').run(name).changes;

  it('commits the writes of one turn in one transaction, and answers only after the commit', async () => {
    // A second connection sees only committed rows: had each write committed alone, the later
    // writes of the group would see the earlier ones.
    const reader = new Database(path.join(dir, 'test.db'), { readonly: true });
    const committedSeen: number[] = [];
    const write = (name: string) => () => {
      committedSeen.push(Number(reader.prepare('SELECT count(*) FROM items').pluck().get()));
      return insert(name)();
    };
    const writes = [group.run(write('a')), group.run(write('b')), group.run(write('c'))];
    // Nothing runs before the turn ends.
    expect(names()).toEqual([]);
    const results = await Promise.all(
      writes.map((pending) => pending.then((value) => ({ value, visible: reader.prepare('SELECT count(*) FROM items').pluck().get() }))),
    );
    expect(committedSeen).toEqual([0, 0, 0]);
    expect(results).toEqual([
      { value: 1, visible: 3 },
      { value: 1, visible: 3 },
      { value: 1, visible: 3 },
    ]);
    reader.close();
  });

  it('fails a write alone: the others of its group are committed, its own changes are not', async () => {
    const failing = () => {
      insert('half-written')();
      throw new Error('refused');
    };
    const outcomes = await Promise.allSettled([group.run(insert('first')), group.run(failing), group.run(insert('last'))]);
    expect(outcomes.map((outcome) => outcome.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect((outcomes[1] as PromiseRejectedResult).reason).toEqual(new Error('refused'));
    expect(names()).toEqual(['first', 'last']);
  });

  it('rejects a lone failing write and keeps nothing of it', async () => {
    await expect(group.run(insert('dup'))).resolves.toBe(1);
    await expect(group.run(insert('dup'))).rejects.toThrow(/UNIQUE/);
    expect(names()).toEqual(['dup']);
  });
});
