// The hash state: what DVC calls its state database. For each file hashed it keeps the inode,
// the modification time and the size it had then, and its md5; a file whose stat still matches
// is not read again. For each folder it keeps the signature of its listing (the md5 of every
// file's path, inode, mtime, size and mode, computed by the worker that lists it) and the
// folder's hash: a folder whose listing is unchanged is not hashed file by file again, so checking
// 10,000 unchanged files costs 10,000 stats on a worker thread and little else.
//
// Three JSON files (`.dvc/tmp/cairn-hash-state.json` in a DVC project, else in Cairn's data
// folder): the folders', read at once; the files named as deps and outs (`….files.json`), read
// when one has to be looked up; and the files inside folders (`….folder-files.json`), read only
// when a folder's listing changed. Kept apart, looking up a stage's one file does not parse the
// entries of a 10,000-file folder beside it. Each is written atomically when something was
// added; losing them only costs rehashing.
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

const STATE_VERSION = 4;

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

/** Where a file's entry is kept: a file named as a dep or out, or a file inside a hashed folder. */
export type FileScope = 'named' | 'in-folder';

/** One lazily read JSON map of file entries. */
class FileEntries {
  private entries: Map<string, FileEntry> | null = null;
  private dirty = false;

  constructor(private readonly file: string | null) {}

  get map(): Map<string, FileEntry> {
    this.entries ??= this.file === null ? new Map() : readJson<FileEntry>(this.file, 'files');
    return this.entries;
  }

  set(key: string, entry: FileEntry): void {
    this.map.set(key, entry);
    this.dirty = true;
  }

  save(): void {
    if (this.file !== null && this.dirty && this.entries) writeJson(this.file, 'files', this.entries);
    this.dirty = false;
  }
}

/** A persisted map of (path, inode, mtime, size) to md5, and of folder listings to folder hashes. */
export class HashState {
  private readonly scopes: Record<FileScope, FileEntries>;
  private foldersDirty = false;

  private constructor(
    private readonly file: string | null,
    private readonly folders: Map<string, FolderEntry>,
  ) {
    const beside = (suffix: string) => (file === null ? null : `${file.replace(/\.json$/, '')}.${suffix}.json`);
    this.scopes = { named: new FileEntries(beside('files')), 'in-folder': new FileEntries(beside('folder-files')) };
  }

  /** Loads the state kept in `file` (an empty state when it is missing or unreadable); null keeps it in memory only. */
  static load(file: string | null): HashState {
    return new HashState(file, file === null ? new Map<string, FolderEntry>() : readJson<FolderEntry>(file, 'folders'));
  }

  /** The md5 recorded for a file when its stamp still matches, else null. */
  lookup(scope: FileScope, key: string, stamp: FileStamp): string | null {
    const entry = this.scopes[scope].map.get(key);
    return entry && entry[0] === stamp.ino && entry[1] === stamp.mtimeMs && entry[2] === stamp.size ? entry[3] : null;
  }

  /** Records the md5 of a file as of a stamp. */
  record(scope: FileScope, key: string, stamp: FileStamp, md5: string): void {
    this.scopes[scope].set(key, [stamp.ino, stamp.mtimeMs, stamp.size, md5]);
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
    this.foldersDirty = false;
    this.scopes.named.save();
    this.scopes['in-folder'].save();
  }
}
