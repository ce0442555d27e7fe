// The hash state: what DVC calls its state database. For each file hashed it keeps the inode,
// the modification time and the size it had then, and its md5; a file whose stat
// still matches is not read again, so checking 10,000 unchanged files costs 10,000 stats. It is
// a JSON file (`.dvc/tmp/cairn-hash-state.json` in a DVC project, else in Cairn's data folder),
// written atomically when something was added; losing it only costs rehashing.
import fs from 'node:fs';
import path from 'node:path';

/** What identifies a file's content cheaply: its inode, modification time (milliseconds with their fraction) and size. */
export interface FileStamp {
  readonly ino: number;
  readonly mtimeMs: number;
  readonly size: number;
}

type StateEntry = [ino: number, mtimeMs: number, size: number, md5: string];

const STATE_VERSION = 2;

/** A persisted map of (path, inode, mtime, size) to md5. */
export class HashState {
  private dirty = false;

  private constructor(
    private readonly file: string | null,
    private readonly entries: Map<string, StateEntry>,
  ) {}

  /** Loads the state kept in `file` (an empty state when it is missing or unreadable); null keeps it in memory only. */
  static load(file: string | null): HashState {
    if (file === null) return new HashState(null, new Map());
    try {
      const parsed = JSON.parse(fs.readFileSync(file, 'utf8')) as { version?: number; entries?: Record<string, StateEntry> };
      if (parsed.version === STATE_VERSION && parsed.entries) return new HashState(file, new Map(Object.entries(parsed.entries)));
    } catch {
      // A missing or damaged state only means files are hashed again.
    }
    return new HashState(file, new Map());
  }

  /** The md5 recorded for a path when its stamp still matches, else null. */
  lookup(key: string, stamp: FileStamp): string | null {
    const entry = this.entries.get(key);
    return entry && entry[0] === stamp.ino && entry[1] === stamp.mtimeMs && entry[2] === stamp.size ? entry[3] : null;
  }

  /** Records the md5 of a path as of a stamp. */
  record(key: string, stamp: FileStamp, md5: string): void {
    this.entries.set(key, [stamp.ino, stamp.mtimeMs, stamp.size, md5]);
    this.dirty = true;
  }

  /** Writes the state when something changed (to a temporary file renamed into place). */
  save(): void {
    if (!this.dirty || this.file === null) return;
    fs.mkdirSync(path.dirname(this.file), { recursive: true });
    const temporary = `${this.file}.${process.pid}.tmp`;
    fs.writeFileSync(temporary, JSON.stringify({ version: STATE_VERSION, entries: Object.fromEntries(this.entries) }));
    fs.renameSync(temporary, this.file);
    this.dirty = false;
  }
}
