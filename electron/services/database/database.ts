// The SQLite database of one data folder, owned by no store: it is opened here, its pragmas set,
// a database written by a newer Cairn refused (read-only, so it stays byte for byte as it was),
// the migrations of every capability applied, and its write-ahead log checkpointed in the
// background. Stores receive it and write through write(), which starts every transaction with
// BEGIN IMMEDIATE (or through writeGrouped(), which commits the writes of one turn of the event
// loop together, whichever store they come from): several processes (the app, `cairn serve`, `cairn import`) write one data
// folder side by side, and a deferred transaction that read before writing would fail at once
// (SQLITE_BUSY_SNAPSHOT) whenever another process committed in between.
import Database from 'better-sqlite3';
import fs from 'node:fs';
import path from 'node:path';
import { CairnError } from '../../../shared/errors';
import { StorageHealth } from '../storage-health';
import { ALL_MIGRATIONS } from './all-migrations';
import { GroupCommit } from './group-commit';
import { migrationChecksum, type Migration } from './migration';
import { startWalCheckpointer, type WalCheckpointer } from './wal-checkpointer';

/** The raw better-sqlite3 connection that stores and read models prepare their statements on. */
export type SqliteDatabase = Database.Database;

/** How long a write waits for another connection's write lock before it is answered TEMPORARILY_UNAVAILABLE. */
export const BUSY_TIMEOUT_MS = 5000;

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

/** Whether SQLite answered that another connection holds the lock (after the busy timeout, or at once where waiting cannot help). */
function isBusyError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^SQLITE_(BUSY|LOCKED)/.test(code);
}

/** An open database: its connection, and the one way to write to it. */
export class CairnDatabase {
  private readonly immediate: <T>(work: () => T) => T;
  private readonly deferred: <T>(work: () => T) => T;
  private readonly group = new GroupCommit(this);

  constructor(
    /** The connection to prepare statements on. Write only inside write(). */
    readonly connection: SqliteDatabase,
    /** The database file (':memory:' for a scratch database). */
    readonly file: string,
    /** The disk-full state of the folder the database lives in. */
    readonly storage: StorageHealth,
    private readonly checkpointer: WalCheckpointer | null,
  ) {
    const transaction = connection.transaction(<T>(work: () => T): T => work());
    this.immediate = <T>(work: () => T): T => transaction.immediate(work) as T;
    this.deferred = <T>(work: () => T): T => transaction.deferred(work) as T;
  }

  /**
   * Runs `work` in a write transaction begun with BEGIN IMMEDIATE (a savepoint when one is open) and
   * commits it. A lock held by another process longer than the busy timeout throws
   * TEMPORARILY_UNAVAILABLE; a full disk throws INSUFFICIENT_STORAGE naming the folder.
   */
  write<T>(work: () => T): T {
    let result: T;
    try {
      result = this.immediate(work);
    } catch (error) {
      throw this.failure(error);
    }
    this.storage.succeeded();
    return result;
  }

  /**
   * Runs `work` in the transaction shared by every grouped write of this turn of the event loop
   * (the tracker's and the pipelines' alike), so that a burst of small writes pays for one commit;
   * resolves once that transaction committed. `work` may run twice (see GroupCommit): it must touch
   * nothing but the database.
   */
  writeGrouped<T>(work: () => T): Promise<T> {
    return this.group.run(work);
  }

  /** Runs `work` in a read transaction, so that its statements see one snapshot of the database. */
  read<T>(work: () => T): T {
    try {
      return this.deferred(work);
    } catch (error) {
      throw this.failure(error);
    }
  }

  /** Stops the checkpointer and closes the connection (the last connection to close removes the log). */
  close(): void {
    // The worker lets go first, so that closing this connection checkpoints and removes the log.
    this.checkpointer?.stop();
    if (this.connection.open) this.connection.close();
  }

  private failure(error: unknown): unknown {
    if (error instanceof CairnError) return error;
    if (isBusyError(error)) {
      return new CairnError(
        'TEMPORARILY_UNAVAILABLE',
        `The database ${this.file} is busy: another process writing to it (the app, cairn serve or cairn import) ` +
          `held it for more than ${BUSY_TIMEOUT_MS / 1000} s. Try again.`,
      );
    }
    return this.storage.failed(error);
  }
}

/** How to open a database. */
export interface OpenDatabaseOptions {
  /** The migrations to apply; every capability's by default. */
  readonly migrations?: readonly Migration[];
  /** The disk-full state shared with the data folder's other writers; one of the file's folder by default. */
  readonly storage?: StorageHealth;
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

/** Refuses a database with a migration this Cairn does not know (a newer Cairn's) or one whose text changed. */
function checkAppliedMigrations(file: string, applied: readonly AppliedMigration[], migrations: readonly Migration[]): void {
  const known = migrations.at(-1)?.version ?? 0;
  const newest = applied.at(-1)?.version ?? 0;
  if (newest > known) throw new DatabaseTooNewError(file, newest, known);
  for (const record of applied) {
    const migration = migrations.find((m) => m.version === record.version);
    if (!migration) throw new DatabaseTooNewError(file, record.version, known);
    if (migrationChecksum(migration) !== record.checksum) {
      throw new CairnError(
        'INVALID_STATE',
        `Migration ${record.version} recorded in ${file} does not match this Cairn's migration ${record.version}. ` +
          'A migration was edited after it was released; the database was left untouched.',
      );
    }
  }
}

/**
 * Reads which migrations an existing database has through a read-only connection, which neither
 * writes nor checkpoints: a database this Cairn must refuse keeps every byte of its file and log.
 */
function checkExistingDatabase(file: string, migrations: readonly Migration[]): void {
  const reader = new Database(file, { readonly: true, fileMustExist: true });
  try {
    reader.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
    checkAppliedMigrations(file, readAppliedMigrations(reader), migrations);
  } finally {
    reader.close();
  }
}

/**
 * Applies every migration not yet recorded, not only those above the newest: a database opened
 * while a lower-numbered migration was still missing gets it when it lands. Each runs in its own
 * BEGIN IMMEDIATE transaction that looks again at what is recorded, so that two processes starting
 * on one data folder at once apply each migration once.
 */
function applyMigrations(db: SqliteDatabase, file: string, migrations: readonly Migration[]): void {
  const immediate = (work: () => void) => db.transaction(work).immediate();
  immediate(() => {
    db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
      version INTEGER PRIMARY KEY,
      name TEXT NOT NULL,
      checksum TEXT NOT NULL,
      applied_at INTEGER NOT NULL
    )`);
  });
  const pending = () => {
    const applied = readAppliedMigrations(db);
    checkAppliedMigrations(file, applied, migrations);
    const versions = new Set(applied.map((record) => record.version));
    return migrations.filter((migration) => !versions.has(migration.version));
  };
  for (const migration of pending()) {
    immediate(() => {
      if (!pending().some((m) => m.version === migration.version)) return;
      db.exec(migration.sql);
      db.prepare('INSERT INTO schema_migrations (version, name, checksum, applied_at) VALUES (?, ?, ?, ?)').run(
        migration.version,
        migration.name,
        migrationChecksum(migration),
        Date.now(),
      );
    });
  }
}

/**
 * Opens (creating if needed) the database at `file`, in WAL mode with synchronous=FULL (a commit
 * survives power loss), migrated to the latest schema, with its log checkpointed by a worker.
 */
export function openDatabase(file: string, options: OpenDatabaseOptions = {}): CairnDatabase {
  const migrations = options.migrations ?? ALL_MIGRATIONS;
  const memory = file === ':memory:';
  if (!memory) {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    if (fs.existsSync(file)) checkExistingDatabase(file, migrations);
  }
  const storage = options.storage ?? new StorageHealth(memory ? file : path.dirname(path.resolve(file)));
  const db = new Database(file);
  let checkpointer: WalCheckpointer | null = null;
  try {
    // First, so that everything below waits for another process's lock instead of failing.
    db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
    db.pragma('journal_mode = WAL');
    // FULL: the log is synced at every commit, so an acknowledged write survives power loss, not only
    // a killed process; the group commit (database/group-commit.ts) pays that once per group of requests.
    db.pragma('synchronous = FULL');
    db.pragma('foreign_keys = ON');
    db.pragma('cache_size = -65536');
    applyMigrations(db, file, migrations);
    if (!memory) {
      checkpointer = startWalCheckpointer(file);
      // The worker copies the log back; this connection's own autocheckpoint (every 8 MB of log) then
      // finds nearly every frame copied, and only restarts the log, which the worker cannot do.
      db.pragma('wal_autocheckpoint = 2000');
      db.pragma(`journal_size_limit = ${64 * 1024 * 1024}`);
    }
    return new CairnDatabase(db, file, storage, checkpointer);
  } catch (error) {
    checkpointer?.stop();
    db.close();
    throw error;
  }
}
