// The artifact store on the local file system: <dataDir>/artifacts/<store path>. Uploads stream
// into a temporary file beside the root, which is synced to disk before the rename that publishes
// it and whose folder is synced after, so that an acknowledged upload survives power loss. Every
// path is checked lexically and then against symlinks (the real path must stay inside the root).
// A temporary file is named for the process writing it: one left by a process that died (killed
// mid-upload) is removed when a store opens, while other processes' uploads in progress are not.
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { PassThrough, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { CairnError } from '../../../shared/errors';
import { StorageHealth } from '../storage-health';
import type { ArtifactFileInfo } from '../../../shared/models';
import { joinArtifactPath, parseArtifactRelativePath, storePathOfArtifactUri } from './artifact-path';
import type { ArtifactPreview, ArtifactReadHandle, ArtifactStore } from './artifact-store';

/** Where a file artifact store keeps its files. */
export interface FileArtifactStoreOptions {
  /** The root folder; created when missing. */
  readonly root: string;
  /** Folder for uploads in progress, on the same file system as the root; created when missing. */
  readonly uploadsDir: string;
  /** The disk-full state of the data folder, shared with its database; one of the root's parent by default. */
  readonly storage?: StorageHealth;
}

/** Temporary files whose writer cannot be told (not named for a process) are removed when older than this. */
const STALE_UPLOAD_MS = 24 * 60 * 60 * 1000;
/** An upload's temporary file: `<pid>-<random>.part`. */
const UPLOAD_NAME = /^(\d+)-[0-9a-f-]+\.part$/;

/** Whether a process with this id is running (on this machine). */
function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it runs, as another user.
    return errnoCode(error) === 'EPERM';
  }
}

/**
 * Streams `body` into a new file, synced to disk before it is closed (after a power loss it is whole
 * or absent). When the file cannot be written (a full disk), the rest of the body is read and
 * dropped rather than left unread, so that an HTTP client still sending it gets the answer instead
 * of a reset connection.
 */
async function writeFile(body: Readable, file: string): Promise<void> {
  const relay = new PassThrough();
  const forwardError = (error: Error) => relay.destroy(error);
  body.once('error', forwardError);
  body.pipe(relay);
  try {
    await pipeline(relay, fs.createWriteStream(file, { flags: 'wx', flush: true }));
  } catch (error) {
    body.unpipe(relay);
    if (!body.destroyed) body.resume();
    throw error;
  } finally {
    body.off('error', forwardError);
  }
}

/** Syncs a folder's entries to disk (a rename or a new file in it); a no-op where folders cannot be opened (Windows). */
async function syncFolder(folder: string): Promise<void> {
  let handle: fs.promises.FileHandle;
  try {
    handle = await fs.promises.open(folder, 'r');
  } catch (error) {
    if (errnoCode(error) === 'EISDIR' || errnoCode(error) === 'EPERM' || errnoCode(error) === 'EACCES') return;
    throw error;
  }
  try {
    await handle.sync();
  } catch (error) {
    // Some file systems refuse to sync a folder (EINVAL): nothing more can be done there.
    if (errnoCode(error) !== 'EINVAL') throw error;
  } finally {
    await handle.close();
  }
}

function isInside(root: string, candidate: string): boolean {
  return candidate === root || candidate.startsWith(root + path.sep);
}

function escapes(storePath: string): CairnError {
  return new CairnError('INVALID_PARAMETER_VALUE', `Invalid artifact path '${storePath}': it leads outside the artifact root.`);
}

function notFound(storePath: string): CairnError {
  return new CairnError('RESOURCE_DOES_NOT_EXIST', `No such artifact: '${storePath}'.`);
}

function errnoCode(error: unknown): string | undefined {
  return (error as NodeJS.ErrnoException | undefined)?.code;
}

/** File-system refusals caused by the path a client chose are the client's mistake (400), not a server error. */
function asClientError(error: unknown, storePath: string): unknown {
  const code = errnoCode(error);
  if (code === 'ENAMETOOLONG' || code === 'EISDIR' || code === 'ENOTDIR' || code === 'EEXIST') {
    return new CairnError('INVALID_PARAMETER_VALUE', `Invalid artifact path '${storePath}': ${code}.`);
  }
  return error;
}

/** The file-system artifact store. */
export class FileArtifactStore implements ArtifactStore {
  private readonly root: string;
  private readonly uploadsDir: string;
  private readonly storage: StorageHealth;

  constructor(options: FileArtifactStoreOptions) {
    fs.mkdirSync(options.root, { recursive: true });
    fs.mkdirSync(options.uploadsDir, { recursive: true });
    this.root = fs.realpathSync(options.root);
    this.uploadsDir = fs.realpathSync(options.uploadsDir);
    this.storage = options.storage ?? new StorageHealth(path.dirname(this.root));
    this.removeStaleUploads();
  }

  async list(storePath: string): Promise<ArtifactFileInfo[]> {
    const real = await this.resolveExisting(storePath);
    if (real === null) return [];
    const stats = await fs.promises.stat(real);
    if (!stats.isDirectory()) return [];
    const entries = await fs.promises.readdir(real, { withFileTypes: true });
    const infos: ArtifactFileInfo[] = [];
    for (const entry of entries) {
      const info = await this.entryInfo(path.join(real, entry.name), entry.name, entry.isSymbolicLink());
      if (info) infos.push(info);
    }
    return infos.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  }

  async stat(storePath: string): Promise<ArtifactFileInfo | null> {
    const normalized = parseArtifactRelativePath(storePath);
    const real = await this.resolveExisting(normalized);
    if (real === null) return null;
    const stats = await fs.promises.stat(real);
    return { path: normalized, isDir: stats.isDirectory(), fileSize: stats.isDirectory() ? null : stats.size };
  }

  async openRead(storePath: string): Promise<ArtifactReadHandle> {
    const normalized = parseArtifactRelativePath(storePath);
    const real = await this.resolveExisting(normalized);
    if (real === null) throw notFound(normalized);
    const handle = await fs.promises.open(real, 'r');
    try {
      const stats = await handle.stat();
      if (stats.isDirectory()) {
        throw new CairnError('INVALID_PARAMETER_VALUE', `The artifact '${normalized}' is a folder; list it instead of downloading it.`);
      }
      const stream = handle.createReadStream();
      return { stream, size: stats.size, fileName: path.posix.basename(normalized) };
    } catch (error) {
      await handle.close();
      throw error;
    }
  }

  async write(storePath: string, body: Readable): Promise<number> {
    const normalized = parseArtifactRelativePath(storePath);
    if (normalized === '') throw new CairnError('INVALID_PARAMETER_VALUE', 'An artifact upload needs a file path.');
    const target = this.lexicalPath(normalized);
    const parent = path.dirname(target);
    await this.checkNearestExisting(normalized, parent);
    let firstCreated: string | undefined;
    try {
      firstCreated = await fs.promises.mkdir(parent, { recursive: true });
    } catch (error) {
      if (errnoCode(error) === 'EEXIST' || errnoCode(error) === 'ENOTDIR') {
        throw new CairnError('INVALID_PARAMETER_VALUE', `Cannot upload '${normalized}': a file stands where a folder of its path should be.`);
      }
      throw this.storage.failed(asClientError(error, normalized));
    }
    // The parent now exists; check it again in case a symlink appeared on the way.
    if (!isInside(this.root, await fs.promises.realpath(parent))) throw escapes(normalized);
    const existing = await fs.promises.lstat(target).catch(() => null);
    if (existing?.isDirectory()) {
      throw new CairnError('INVALID_PARAMETER_VALUE', `Cannot upload '${normalized}': it is a folder.`);
    }
    const temporary = path.join(this.uploadsDir, `${process.pid}-${randomUUID()}.part`);
    try {
      await writeFile(body, temporary);
      const { size } = await fs.promises.stat(temporary);
      await fs.promises.rename(temporary, target);
      // The rename, and any folder made for it, on disk before the upload is acknowledged.
      await syncFolder(parent);
      if (firstCreated !== undefined) {
        for (let folder = parent; folder !== path.dirname(firstCreated); folder = path.dirname(folder)) {
          await syncFolder(path.dirname(folder));
        }
      }
      this.storage.succeeded();
      return size;
    } catch (error) {
      await fs.promises.rm(temporary, { force: true });
      throw this.storage.failed(asClientError(error, normalized));
    }
  }

  async delete(storePath: string): Promise<void> {
    const normalized = parseArtifactRelativePath(storePath);
    if (normalized === '') throw new CairnError('INVALID_PARAMETER_VALUE', 'Refusing to delete the whole artifact root.');
    const target = this.lexicalPath(normalized);
    const parentReal = await fs.promises.realpath(path.dirname(target)).catch(() => null);
    if (parentReal === null) return;
    if (!isInside(this.root, parentReal)) throw escapes(normalized);
    // The entry itself is removed, not followed: deleting a symlink removes the link only.
    await fs.promises.rm(path.join(parentReal, path.basename(target)), { recursive: true, force: true });
  }

  async listArtifacts(artifactUri: string, relativePath = ''): Promise<ArtifactFileInfo[]> {
    const base = storePathOfArtifactUri(artifactUri);
    const relative = parseArtifactRelativePath(relativePath);
    const entries = await this.list(joinArtifactPath(base, relative));
    return entries.map((entry) => ({ ...entry, path: joinArtifactPath(relative, entry.path) }));
  }

  async statArtifact(artifactUri: string, relativePath: string): Promise<ArtifactFileInfo | null> {
    const relative = parseArtifactRelativePath(relativePath);
    const info = await this.stat(joinArtifactPath(storePathOfArtifactUri(artifactUri), relative));
    return info && { ...info, path: relative };
  }

  async readArtifactPreview(artifactUri: string, relativePath: string, maxBytes: number): Promise<ArtifactPreview> {
    if (!Number.isSafeInteger(maxBytes) || maxBytes < 0) {
      throw new CairnError('INVALID_PARAMETER_VALUE', 'maxBytes must be a non-negative integer.');
    }
    const relative = parseArtifactRelativePath(relativePath);
    const storePath = joinArtifactPath(storePathOfArtifactUri(artifactUri), relative);
    const real = await this.resolveExisting(storePath);
    if (real === null) throw notFound(storePath);
    const handle = await fs.promises.open(real, 'r');
    try {
      const stats = await handle.stat();
      if (stats.isDirectory()) throw new CairnError('INVALID_PARAMETER_VALUE', `The artifact '${relative}' is a folder.`);
      const buffer = Buffer.alloc(Math.min(maxBytes, stats.size));
      let filled = 0;
      while (filled < buffer.length) {
        const { bytesRead } = await handle.read(buffer, filled, buffer.length - filled, filled);
        if (bytesRead === 0) break;
        filled += bytesRead;
      }
      return { path: relative, size: stats.size, bytes: buffer.subarray(0, filled), truncated: stats.size > filled };
    } finally {
      await handle.close();
    }
  }

  async openArtifact(artifactUri: string, relativePath: string): Promise<ArtifactReadHandle> {
    return this.openRead(joinArtifactPath(storePathOfArtifactUri(artifactUri), parseArtifactRelativePath(relativePath)));
  }

  async artifactFilePath(artifactUri: string, relativePath: string): Promise<string> {
    const storePath = joinArtifactPath(storePathOfArtifactUri(artifactUri), parseArtifactRelativePath(relativePath));
    const real = await this.resolveExisting(storePath);
    if (real === null) throw notFound(storePath);
    return real;
  }

  // ---------------------------------------------------------------- internals

  /** The absolute path a checked store path names, before symlinks are looked at. */
  private lexicalPath(normalized: string): string {
    const target = path.join(this.root, ...normalized.split('/').filter(Boolean));
    if (!isInside(this.root, target)) throw escapes(normalized);
    return target;
  }

  /** The real path of an existing entry, null when missing; refuses one that resolves outside the root. */
  private async resolveExisting(storePath: string): Promise<string | null> {
    const normalized = parseArtifactRelativePath(storePath);
    const target = this.lexicalPath(normalized);
    let real: string;
    try {
      real = await fs.promises.realpath(target);
    } catch (error) {
      if (errnoCode(error) === 'ENOENT' || errnoCode(error) === 'ENOTDIR') {
        await this.checkNearestExisting(normalized, target);
        return null;
      }
      throw asClientError(error, normalized);
    }
    if (!isInside(this.root, real)) throw escapes(normalized);
    return real;
  }

  /** Refuses a path whose nearest existing ancestor resolves outside the root (a symlinked folder). */
  private async checkNearestExisting(normalized: string, start: string): Promise<void> {
    let current = start;
    while (isInside(this.root, current)) {
      try {
        const real = await fs.promises.realpath(current);
        if (!isInside(this.root, real)) throw escapes(normalized);
        return;
      } catch (error) {
        if (error instanceof CairnError) throw error;
        const parent = path.dirname(current);
        if (parent === current) return;
        current = parent;
      }
    }
  }

  private async entryInfo(full: string, name: string, isSymlink: boolean): Promise<ArtifactFileInfo | null> {
    try {
      // A symlink is listed only when it resolves inside the root; broken or escaping links are skipped.
      if (isSymlink && !isInside(this.root, await fs.promises.realpath(full))) return null;
      const stats = await fs.promises.stat(full);
      return { path: name, isDir: stats.isDirectory(), fileSize: stats.isDirectory() ? null : stats.size };
    } catch {
      return null;
    }
  }

  /**
   * Removes the temporary files of uploads whose process is gone (killed half-way); files of
   * processes still running (another `cairn serve` on this folder) stay. Files not named for a
   * process (older Cairns) go once a day old.
   */
  private removeStaleUploads(): void {
    const cutoff = Date.now() - STALE_UPLOAD_MS;
    for (const name of fs.readdirSync(this.uploadsDir)) {
      const file = path.join(this.uploadsDir, name);
      try {
        const writer = UPLOAD_NAME.exec(name);
        const stale = writer ? !isRunning(Number(writer[1])) : fs.statSync(file).mtimeMs < cutoff;
        if (stale) fs.rmSync(file, { force: true, recursive: true });
      } catch {
        // Another process removed it first.
      }
    }
  }
}
