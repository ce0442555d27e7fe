// Hashes deps and outs as DVC 3 does: a file by the md5 of its bytes; a folder by the md5 of its
// `.dir` manifest, the text of Python's json.dumps(sort_keys=True) of the list
// [{"md5": ..., "relpath": ...}] of its files sorted by relpath (dvc-data's Tree.as_bytes),
// with ".dir" appended, plus its total size and file count. Files whose inode, mtime and size
// the hash state knows are not read again, and a folder whose listing is unchanged is not hashed
// file by file again; folders are listed and files hashed on worker threads.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { FileScope, FileStamp, HashState } from './hash-state';
import type { HashingWorkerPool, Md5Job } from './hashing-worker-pool';
import { pythonJsonString } from './python-json';
import { sortedByCodePoint } from './python-value';

/** A file's hash as dvc.lock records it. */
export interface FileDigest {
  readonly kind: 'file';
  readonly md5: string;
  readonly size: number;
  /** Whether any execute bit is set (dvc.lock says `isexec: true`). */
  readonly isExec: boolean;
}

/** A file inside a hashed folder. */
export interface DirEntryDigest {
  /** '/'-separated, relative to the folder. */
  readonly relpath: string;
  readonly md5: string;
  readonly size: number;
  readonly isExec: boolean;
}

/** A folder's files, sorted by relpath, and its manifest's text (as stored in the cache under the `.dir` md5). */
export interface DirListing {
  readonly entries: readonly DirEntryDigest[];
  readonly manifest: string;
}

/** A folder's hash as dvc.lock records it. */
export interface DirDigest {
  readonly kind: 'dir';
  /** The md5 of the manifest, ending in `.dir`. */
  readonly md5: string;
  readonly size: number;
  readonly nfiles: number;
  /** Null when the folder's listing was unchanged since it was hashed and the listing was not asked for. */
  readonly listing: DirListing | null;
}

/** The hash of a path: a file's or a folder's. */
export type PathDigest = FileDigest | DirDigest;

/** The `.dir` manifest text of a folder's files, as dvc-data writes it (Tree.as_bytes). */
export function dirManifest(entries: readonly { relpath: string; md5: string }[]): string {
  // json.dumps(sort_keys=True) of [{"md5": ..., "relpath": ...}] sorted by relpath: written directly, it is the same text.
  const sorted = sortedByCodePoint(entries, (entry) => entry.relpath);
  return `[${sorted.map((entry) => `{"md5": "${entry.md5}", "relpath": ${pythonJsonString(entry.relpath)}}`).join(', ')}]`;
}

function stampOf(stat: fs.Stats): FileStamp {
  return { ino: stat.ino, mtimeMs: stat.mtimeMs, size: stat.size };
}

interface PendingFile {
  readonly scope: FileScope;
  readonly key: string;
  readonly absolute: string;
  readonly stamp: FileStamp;
  md5: string | null;
}

/** Hashes paths of one workspace, with its hash state and a worker pool. */
export class ContentHasher {
  constructor(
    private readonly root: string,
    private readonly state: HashState,
    private readonly pool: HashingWorkerPool,
  ) {}

  /** The state the hasher reads and fills. */
  get hashState(): HashState {
    return this.state;
  }

  /**
   * The digest of each path (project-relative, or absolute for files outside the project); null
   * for a path that does not exist or is neither a file nor a folder. Folders come with their
   * listing when `listings` is set (to store them in the cache), else only when they changed.
   */
  async digest(paths: readonly string[], options: { readonly listings?: boolean } = {}): Promise<Map<string, PathDigest | null>> {
    const results = new Map<string, PathDigest | null>();
    const pending: PendingFile[] = [];
    const known = (scope: FileScope, key: string, absolute: string, stamp: FileStamp): PendingFile => {
      const file: PendingFile = { scope, key, absolute, stamp, md5: this.state.lookup(scope, key, stamp) };
      if (file.md5 === null) pending.push(file);
      return file;
    };
    const files = new Map<string, { file: PendingFile; isExec: boolean }>();
    const folders: Array<{ key: string; absolute: string }> = [];
    for (const key of new Set(paths)) {
      const absolute = path.isAbsolute(key) ? key : path.join(this.root, key);
      let stat: fs.Stats;
      try {
        stat = fs.statSync(absolute);
      } catch {
        results.set(key, null);
        continue;
      }
      if (stat.isDirectory()) folders.push({ key, absolute });
      else if (stat.isFile()) files.set(key, { file: known('named', key, absolute, stampOf(stat)), isExec: (stat.mode & 0o111) !== 0 });
      else results.set(key, null);
    }
    const listings = await Promise.all(
      folders.map(async (folder) => {
        const scan = await this.pool.scan(folder.absolute, options.listings ? null : this.state.folderSignature(folder.key));
        const unchanged = scan.files === null ? this.state.lookupFolder(folder.key, scan.signature) : null;
        if (unchanged) {
          results.set(folder.key, { kind: 'dir', ...unchanged, listing: null });
          return null;
        }
        const scanned = scan.files ?? (await this.pool.scan(folder.absolute)).files!;
        return {
          folder,
          signature: scan.signature,
          files: scanned.map((entry) => ({
            relpath: entry.relpath,
            isExec: (entry.mode & 0o111) !== 0,
            file: known('in-folder', `${folder.key}/${entry.relpath}`, path.join(folder.absolute, entry.relpath), { ino: entry.ino, mtimeMs: entry.mtimeMs, size: entry.size }),
          })),
        };
      }),
    );
    if (pending.length) {
      const jobs: Md5Job[] = pending.map((file) => ({ path: file.absolute, size: file.stamp.size }));
      const outcomes = await this.pool.hash(jobs);
      outcomes.forEach((outcome, index) => {
        const file = pending[index]!;
        if ('error' in outcome) throw new Error(`cannot read '${file.key}': ${outcome.error}`);
        file.md5 = outcome.md5;
        this.state.record(file.scope, file.key, file.stamp, outcome.md5);
      });
    }
    for (const [key, { file, isExec }] of files) results.set(key, { kind: 'file', md5: file.md5!, size: file.stamp.size, isExec });
    for (const listed of listings) {
      if (!listed) continue;
      const digests = listed.files.map((entry) => ({ relpath: entry.relpath, md5: entry.file.md5!, size: entry.file.stamp.size, isExec: entry.isExec }));
      const entries = sortedByCodePoint(digests, (entry) => entry.relpath);
      const manifest = dirManifest(entries);
      const hash = { md5: `${md5Text(manifest)}.dir`, size: entries.reduce((total, entry) => total + entry.size, 0), nfiles: entries.length };
      this.state.recordFolder(listed.folder.key, listed.signature, hash);
      results.set(listed.folder.key, { kind: 'dir', ...hash, listing: { entries, manifest } });
    }
    return results;
  }
}

/** The md5 of a text's UTF-8 bytes. */
export function md5Text(text: string): string {
  return createHash('md5').update(text, 'utf8').digest('hex');
}
