// Opens the SQLite database file, refuses one written by a newer Cairn, and applies
// pending migrations in one transaction each, recording a checksum of every migration.
import Database from 'better-sqlite3';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { CairnError } from '../../../shared/errors';
import { MIGRATIONS, type Migration } from './migrations';

/** The open database handle type used by the services. */
export type SqliteDatabase = Database.Database;

/** Thrown when the database was written by a newer Cairn than this one. */
export class DatabaseTooNewError extends CairnError {
  constructor(file: string, found: number, known: number) {
    super(
      'INVALID_STATE',
      `The database ${file} was written by a newer version of Cairn (schema version ${found}; ` +
        `this Cairn knows up to ${known}). It was left untouched. Upgrade Cairn, or point it at another ` +
        `data folder with --data-dir or CAIRN_DATA_DIR.`,
    );
    this.name = 'DatabaseTooNewError';
  }
}

function checksumOf(migration: Migration): string {
  return createHash('sha256').update(migration.sql).digest('hex');
}

interface AppliedMigration {
  version: number;
  checksum: string;
}

function readAppliedMigrations(db: SqliteDatabase): AppliedMigration[] {
  const table = db
    .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'")
    .get();
  if (!table) return [];
  return db.prepare('SELECT version, checksum FROM schema_migrations ORDER BY version').all() as AppliedMigration[];
}

/** Opens (creating if needed) the database at `file`, in WAL mode, migrated to the latest schema. */
export function openDatabase(file: string, migrations: readonly Migration[] = MIGRATIONS): SqliteDatabase {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const db = new Database(file);
  try {
    // Read before writing anything, so a newer database is left byte for byte as it was.
    const applied = readAppliedMigrations(db);
    const newest = applied.at(-1)?.version ?? 0;
    const known = migrations.at(-1)?.version ?? 0;
    if (newest > known) throw new DatabaseTooNewError(file, newest, known);
    for (const record of applied) {
      const migration = migrations.find((m) => m.version === record.version);
      if (!migration || checksumOf(migration) !== record.checksum) {
        throw new CairnError(
          'INVALID_STATE',
          `Migration ${record.version} recorded in ${file} does not match this Cairn's migration ${record.version}. ` +
            'A migration was edited after it was released; the database was left untouched.',
        );
      }
    }

    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.pragma('foreign_keys = ON');
    db.pragma('busy_timeout = 5000');
    db.pragma('cache_size = -65536');
    // Checkpoint the WAL every 16 MB instead of every 4 MB: each checkpoint waits for the disk (fsync),
    // and under a steady stream of log-batch requests they were a large part of the write time.
    db.pragma('wal_autocheckpoint = 4000');

    db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
      version INTEGER PRIMARY KEY,
      name TEXT NOT NULL,
      checksum TEXT NOT NULL,
      applied_at INTEGER NOT NULL
    )`);
    // Apply every migration not yet recorded, not only those above the newest: a database opened
    // while a lower-numbered migration was still missing from this list gets it when it lands.
    const appliedVersions = new Set(applied.map((record) => record.version));
    for (const migration of migrations) {
      if (appliedVersions.has(migration.version)) continue;
      db.transaction(() => {
        db.exec(migration.sql);
        db.prepare('INSERT INTO schema_migrations (version, name, checksum, applied_at) VALUES (?, ?, ?, ?)').run(
          migration.version,
          migration.name,
          checksumOf(migration),
          Date.now(),
        );
      })();
    }
    return db;
  } catch (error) {
    db.close();
    throw error;
  }
}
