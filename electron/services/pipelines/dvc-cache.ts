// The content-addressed cache in DVC 3's layout, and its run-cache.
//
//   <cache>/files/md5/ab/cdef0123...          a file's bytes (read-only, mode 0444, as DVC protects them)
//   <cache>/files/md5/ab/cdef0123....dir      a folder's manifest: [{"md5": ..., "relpath": ...}, ...]
//   <cache>/runs/<2 hex>/<64 hex>/<64 hex>    a run-cache entry: a stage's lock entry as YAML
//
// <cache> is `.dvc/cache` (or the `cache.dir` of .dvc/config) in a DVC project, so `dvc checkout`
// and `dvc repro` find what Cairn stored and the other way round. Files enter the cache as copies
// (a reflink where the file system can) and leave it the same way: never moved, never linked to
// the workspace, so editing a workspace file can never damage the cache.
//
// The run-cache key is DVC's (dvc/stage/cache.py): the sha256 of json.dumps(sort_keys=True) of the
// stage's lock entry with its outs reduced to their paths and every `size` and `nfiles` left out;
// the entry's file name is the same hash of the whole entry.
import { createHash, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { PathDigest } from './content-hasher';
import { dumpDvcYaml } from './dvc-yaml-writer';
import { readDataFile } from './python-data-file';
import { pythonJsonDumps } from './python-json';
import { isPyList, isPyMap, type PyMap, type PyValue } from './python-value';

const READ_ONLY = 0o444;
const umask = process.umask();

/** A file of a cached folder, as its manifest lists it. */
interface ManifestEntry {
  readonly md5: string;
  readonly relpath: string;
}

/** Copies a file, as a reflink where the file system supports one. */
async function copyFile(source: string, destination: string): Promise<void> {
  await fs.promises.copyFile(source, destination, fs.constants.COPYFILE_FICLONE);
}

function temporaryBeside(file: string): string {
  return path.join(path.dirname(file), `.${path.basename(file)}.${randomUUID().slice(0, 8)}.tmp`);
}

/** Runs `work` over items with at most `limit` at a time. */
async function eachLimited<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const lanes = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) await work(items[next++]!);
  });
  await Promise.all(lanes);
}

/** One cache folder: objects and run-cache entries. */
export class DvcCache {
  constructor(readonly dir: string) {}

  /** Where an object (md5, or md5.dir) is kept. */
  objectPath(md5: string): string {
    return path.join(this.dir, 'files', 'md5', md5.slice(0, 2), md5.slice(2));
  }

  /** Whether everything of an object is in the cache: the file, or a folder's manifest and all its files. */
  has(md5: string): boolean {
    if (!md5.endsWith('.dir')) return fs.existsSync(this.objectPath(md5));
    const entries = this.readManifest(md5);
    return entries !== null && entries.every((entry) => fs.existsSync(this.objectPath(entry.md5)));
  }

  /** The files a cached folder holds, or null when its manifest is not in the cache or unreadable. */
  readManifest(md5: string): ManifestEntry[] | null {
    try {
      const value = JSON.parse(fs.readFileSync(this.objectPath(md5), 'utf8')) as unknown;
      if (!Array.isArray(value)) return null;
      return (value as unknown[]).filter(
        (entry): entry is ManifestEntry =>
          typeof entry === 'object' && entry !== null && typeof (entry as ManifestEntry).md5 === 'string' && typeof (entry as ManifestEntry).relpath === 'string',
      );
    } catch {
      return null;
    }
  }

  private async addFile(source: string, md5: string): Promise<void> {
    const target = this.objectPath(md5);
    if (fs.existsSync(target)) return;
    await fs.promises.mkdir(path.dirname(target), { recursive: true });
    const temporary = temporaryBeside(target);
    await copyFile(source, temporary);
    await fs.promises.chmod(temporary, READ_ONLY);
    await fs.promises.rename(temporary, target);
  }

  /** Stores a workspace file or folder (already hashed) in the cache; what is there already is kept. */
  async commit(absolute: string, digest: PathDigest): Promise<void> {
    if (digest.kind === 'file') {
      await this.addFile(absolute, digest.md5);
      return;
    }
    const listing = digest.listing;
    if (!listing) throw new Error(`the files of '${absolute}' were not listed: hash it with its listing to store it`);
    await eachLimited(listing.entries, 16, (entry) => this.addFile(path.join(absolute, ...entry.relpath.split('/')), entry.md5));
    const manifest = this.objectPath(digest.md5);
    if (!fs.existsSync(manifest)) {
      await fs.promises.mkdir(path.dirname(manifest), { recursive: true });
      const temporary = temporaryBeside(manifest);
      await fs.promises.writeFile(temporary, listing.manifest);
      await fs.promises.chmod(temporary, READ_ONLY);
      await fs.promises.rename(temporary, manifest);
    }
  }

  private async restoreFile(md5: string, destination: string, executable: boolean): Promise<void> {
    await fs.promises.mkdir(path.dirname(destination), { recursive: true });
    const temporary = temporaryBeside(destination);
    await copyFile(this.objectPath(md5), temporary);
    // Workspace copies are ordinary writable files, as DVC's copy links are.
    await fs.promises.chmod(temporary, (0o666 & ~umask) | (executable ? 0o111 & ~umask : 0));
    await fs.promises.rename(temporary, destination);
  }

  /** Puts an object back at `destination` (replacing what is there); false when the cache lacks part of it. */
  async checkout(md5: string, destination: string, executable = false): Promise<boolean> {
    if (!this.has(md5)) return false;
    await fs.promises.rm(destination, { recursive: true, force: true });
    if (!md5.endsWith('.dir')) {
      await this.restoreFile(md5, destination, executable);
      return true;
    }
    const entries = this.readManifest(md5)!;
    await fs.promises.mkdir(destination, { recursive: true });
    await eachLimited(entries, 16, (entry) => this.restoreFile(entry.md5, path.join(destination, ...entry.relpath.split('/')), false));
    return true;
  }

  /** The folder of run-cache entries. */
  get runsDir(): string {
    return path.join(this.dir, 'runs');
  }

  /** Records a run-cache entry for a stage's lock entry (kept when the same entry exists). */
  saveRun(entry: PyMap): void {
    const key = runCacheKey(entry);
    const file = path.join(this.runsDir, key.slice(0, 2), key, runCacheValue(entry));
    if (fs.existsSync(file)) return;
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const temporary = temporaryBeside(file);
    fs.writeFileSync(temporary, dumpDvcYaml(entry));
    fs.renameSync(temporary, file);
  }

  /** The newest run-cache entry recorded for a key (the stage's command, deps and params), or null. */
  findRun(key: string): PyMap | null {
    const folder = path.join(this.runsDir, key.slice(0, 2), key);
    let names: string[];
    try {
      names = fs.readdirSync(folder).filter((name) => !name.endsWith('.tmp'));
    } catch {
      return null;
    }
    const newest = names
      .map((name) => ({ name, mtime: fs.statSync(path.join(folder, name)).mtimeMs }))
      .sort((a, b) => b.mtime - a.mtime)[0];
    if (!newest) return null;
    try {
      const value = readDataFile(path.join(folder, newest.name)).value;
      return isPyMap(value) && isPyList(value.get('outs')) ? value : null;
    } catch {
      return null;
    }
  }
}

/** dict_filter: the value without `size` and `nfiles` keys at any depth. */
function withoutSizes(value: PyValue): PyValue {
  if (isPyList(value)) return value.map(withoutSizes);
  if (isPyMap(value)) return new Map([...value].filter(([key]) => key !== 'size' && key !== 'nfiles').map(([key, item]) => [key, withoutSizes(item)]));
  return value;
}

function sha256(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/** DVC's run-cache key of a stage's lock entry (its outs given as entries or as paths): outs reduced to their paths, sizes left out. */
export function runCacheKey(entry: PyMap): string {
  const keyed: PyMap = new Map(entry);
  const outs = entry.get('outs');
  keyed.set('outs', isPyList(outs) ? outs.map((out) => (isPyMap(out) ? (out.get('path') ?? null) : out)) : []);
  return sha256(pythonJsonDumps(withoutSizes(keyed)));
}

/** DVC's name of a run-cache entry: the hash of the whole lock entry, sizes left out. */
export function runCacheValue(entry: PyMap): string {
  return sha256(pythonJsonDumps(withoutSizes(entry)));
}
