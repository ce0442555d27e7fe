// The hash state: what DVC calls its state database. For each file hashed it keeps the inode,
// the modification time and the size it had then, and its md5; a file whose stat still matches
// is not read again. For each folder it keeps the signature of its listing (the md5 of every
// file's path, inode, mtime, size and mode, computed by the worker that lists it) and the
// folder's hash: a folder whose listing is unchanged is not hashed file by file again, so checking
// 10,000 unchanged files costs 10,000 stats on a worker thread and little else.
//
// Two JSON files (`.dvc/tmp/cairn-hash-state.json` in a DVC project, else in Cairn's data
// folder): the folders', read at once, and the files' (`….files.json`), read only when a file has
// to be looked up. Both are written atomically when something was added; losing them only costs
// rehashing.
import fs from 'node:fs';
import path from 'node:path';

/** What identifies a file's content cheaply: its inode, modification time (milliseconds with their fraction) and size. */
export interface FileStamp {
  readonly ino: number;
  readonly mtimeMs: number;
  readonly size: number;
}

/** A folder's hash as the state keeps it. */
export interface FolderHash {
  readonly md5: string;
  readonly size: number;
  readonly nfiles: number;
}

type FileEntry = [ino: number, mtimeMs: number, size: number, md5: string];
type FolderEntry = [signature: string, md5: string, size: number, nfiles: number];

const STATE_VERSION = 3;

function readJson<T>(file: string, key: string): Map<string, T> {
  try {
    const parsed = JSON.parse(fs.readFileSync(file, 'utf8')) as { version?: number } & Record<string, Record<string, T>>;
    if (parsed.version === STATE_VERSION && parsed[key]) return new Map(Object.entries(parsed[key]));
  } catch {
    // A missing or damaged state only means files are hashed again.
  }
  return new Map<string, T>();
}

function writeJson(file: string, key: string, entries: Map<string, unknown>): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const temporary = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(temporary, JSON.stringify({ version: STATE_VERSION, [key]: Object.fromEntries(entries) }));
  fs.renameSync(temporary, file);
}

/** A persisted map of (path, inode, mtime, size) to md5, and of folder listings to folder hashes. */
export class HashState {
  private fileEntries: Map<string, FileEntry> | null = null;
  private filesDirty = false;
  private foldersDirty = false;

  private constructor(
    private readonly file: string | null,
    private readonly folders: Map<string, FolderEntry>,
  ) {}

  /** Loads the state kept in `file` (an empty state when it is missing or unreadable); null keeps it in memory only. */
  static load(file: string | null): HashState {
    return new HashState(file, file === null ? new Map<string, FolderEntry>() : readJson<FolderEntry>(file, 'folders'));
  }

  private get files(): Map<string, FileEntry> {
    this.fileEntries ??= this.file === null ? new Map() : readJson<FileEntry>(`${this.file.replace(/\.json$/, '')}.files.json`, 'files');
    return this.fileEntries;
  }

  /** The md5 recorded for a file when its stamp still matches, else null. */
  lookup(key: string, stamp: FileStamp): string | null {
    const entry = this.files.get(key);
    return entry && entry[0] === stamp.ino && entry[1] === stamp.mtimeMs && entry[2] === stamp.size ? entry[3] : null;
  }

  /** Records the md5 of a file as of a stamp. */
  record(key: string, stamp: FileStamp, md5: string): void {
    this.files.set(key, [stamp.ino, stamp.mtimeMs, stamp.size, md5]);
    this.filesDirty = true;
  }

  /** The signature of a folder's listing when it was last hashed, or null. */
  folderSignature(key: string): string | null {
    return this.folders.get(key)?.[0] ?? null;
  }

  /** The folder's hash recorded with a listing signature, when it matches. */
  lookupFolder(key: string, signature: string): FolderHash | null {
    const entry = this.folders.get(key);
    return entry && entry[0] === signature ? { md5: entry[1], size: entry[2], nfiles: entry[3] } : null;
  }

  /** Records a folder's hash as of a listing signature. */
  recordFolder(key: string, signature: string, hash: FolderHash): void {
    this.folders.set(key, [signature, hash.md5, hash.size, hash.nfiles]);
    this.foldersDirty = true;
  }

  /** Writes what changed (to temporary files renamed into place). */
  save(): void {
    if (this.file === null) return;
    if (this.foldersDirty) writeJson(this.file, 'folders', this.folders);
    if (this.filesDirty && this.fileEntries) writeJson(`${this.file.replace(/\.json$/, '')}.files.json`, 'files', this.fileEntries);
    this.foldersDirty = false;
    this.filesDirty = false;
  }
}
