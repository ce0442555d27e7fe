// The mlruns folder as an import reads it. Every folder listing and file the import opens goes
// through here, so that symbolic links are followed only where they stay: a link whose target
// (fully resolved) is inside the mlruns folder, or inside the artifact folder being copied, is read
// like the file or folder it points to; any other link is left out and recorded, as is a link that
// is broken or a folder link back into a folder that contains it (a loop). Nothing a link points
// at outside the folder is read, so nothing of it can be copied into Cairn and served.
import fs from 'node:fs';
import path from 'node:path';

/** A symbolic link the import did not follow, and why. */
export interface SkippedLink {
  /** The link itself. */
  readonly path: string;
  /** Where it points: the fully resolved target, or for a broken link the target as written. */
  readonly target: string;
  readonly reason: 'outside' | 'loop' | 'broken';
}

/** What a path is, as the import may read it. */
export type SourceKind = 'file' | 'directory' | 'other' | 'missing' | 'skipped-link';

/** An entry of a folder: a file, a folder, or something else (a socket, a device, a pipe). */
export interface SourceEntry {
  readonly name: string;
  readonly path: string;
  readonly kind: 'file' | 'directory' | 'other';
}

/** A file or other non-folder entry found by walking a folder, with its '/'-joined path below that folder. */
export interface WalkedEntry {
  readonly key: string;
  readonly path: string;
  readonly kind: 'file' | 'other';
}

/** The mlruns folder of one import, and the links it left out. */
export class SourceTree {
  private readonly skipped = new Map<string, SkippedLink>();
  /** Real paths of the folders found to be readable, by the path they were reached by: a file in one needs no realpath call. */
  private readonly realFolders = new Map<string, string>();

  private constructor(
    /** The mlruns folder, as given (absolute). */
    readonly root: string,
    /** The mlruns folder with every link in its path resolved. */
    private readonly realRoot: string,
  ) {}

  /** The tree of an existing folder. */
  static async open(root: string): Promise<SourceTree> {
    const absolute = path.resolve(root);
    return new SourceTree(absolute, await fs.promises.realpath(absolute));
  }

  /** The links left out so far, each once, in the order they were met. */
  skippedLinks(): SkippedLink[] {
    return [...this.skipped.values()];
  }

  /**
   * What a path is. It is read only when it leads, through whatever links it or a folder above it is,
   * to a place inside the mlruns folder or one of the `within` folders (real paths, see realPath);
   * otherwise it is recorded as a link left out, and is 'skipped-link'.
   */
  async kindOf(pathname: string, within: readonly string[] = []): Promise<SourceKind> {
    let stats: fs.Stats;
    try {
      stats = await fs.promises.lstat(pathname);
    } catch (error) {
      if (isMissing(error)) return 'missing';
      throw error;
    }
    let kind: SourceEntry['kind'];
    let real: string;
    if (stats.isSymbolicLink()) {
      const followed = await this.followLink(pathname, within);
      if (!followed) return 'skipped-link';
      ({ kind, real } = followed);
    } else {
      // Not a link itself: in a folder already checked, it is where that folder is; else a folder above may be a link.
      const parent = this.realFolders.get(path.dirname(pathname));
      real = parent === undefined ? await fs.promises.realpath(pathname) : path.join(parent, path.basename(pathname));
      if (!this.allows(real, within)) {
        this.record({ path: pathname, target: real, reason: 'outside' });
        return 'skipped-link';
      }
      kind = kindOfStats(stats);
    }
    if (kind === 'directory') this.realFolders.set(pathname, real);
    return kind;
  }

  /** A folder's path with every link in it resolved: what `within` holds. */
  async realPath(folder: string): Promise<string> {
    return fs.promises.realpath(folder);
  }

  /** The entries of a folder, sorted by name; [] when the folder is missing, not a folder, or a link left out. */
  async list(folder: string, within: readonly string[] = []): Promise<SourceEntry[]> {
    if ((await this.kindOf(folder, within)) !== 'directory') return [];
    const real = this.realFolders.get(folder)!;
    const entries: SourceEntry[] = [];
    for (const entry of await readSortedFolder(folder)) {
      const full = path.join(folder, entry.name);
      let kind: SourceEntry['kind'];
      let childReal = path.join(real, entry.name);
      if (entry.isSymbolicLink()) {
        const followed = await this.followLink(full, within);
        if (!followed) continue;
        ({ kind, real: childReal } = followed);
      } else {
        kind = kindOfDirent(entry);
      }
      if (kind === 'directory') this.realFolders.set(full, childReal);
      entries.push({ name: entry.name, path: full, kind });
    }
    return entries;
  }

  /**
   * Every file (and other non-folder entry) below a folder, depth first, each folder's entries
   * sorted by name. A folder link back into a folder on the way down is recorded as a loop, not entered.
   */
  async *walk(folder: string, within: readonly string[] = []): AsyncGenerator<WalkedEntry> {
    if ((await this.kindOf(folder, within)) !== 'directory') return;
    const descend = async function* (tree: SourceTree, current: string, real: string, key: string, ancestors: Set<string>): AsyncGenerator<WalkedEntry> {
      for (const entry of await readSortedFolder(current)) {
        const full = path.join(current, entry.name);
        const childKey = key ? `${key}/${entry.name}` : entry.name;
        let kind: SourceEntry['kind'];
        let childReal = path.join(real, entry.name);
        if (entry.isSymbolicLink()) {
          const followed = await tree.followLink(full, within);
          if (!followed) continue;
          kind = followed.kind;
          childReal = followed.real;
        } else {
          kind = kindOfDirent(entry);
        }
        if (kind !== 'directory') {
          yield { key: childKey, path: full, kind };
        } else if (ancestors.has(childReal)) {
          tree.record({ path: full, target: childReal, reason: 'loop' });
        } else {
          ancestors.add(childReal);
          yield* descend(tree, full, childReal, childKey, ancestors);
          ancestors.delete(childReal);
        }
      }
    };
    const real = this.realFolders.get(folder)!;
    yield* descend(this, folder, real, '', new Set([real]));
  }

  /** A link's target when it may be followed; null (and recorded) when it is broken or leaves the allowed folders. */
  private async followLink(link: string, within: readonly string[]): Promise<{ kind: SourceEntry['kind']; real: string } | null> {
    let real: string;
    try {
      real = await fs.promises.realpath(link);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== 'ENOENT' && code !== 'ELOOP' && code !== 'ENOTDIR') throw error;
      const written = await fs.promises.readlink(link).catch(() => '?');
      this.record({ path: link, target: path.resolve(path.dirname(link), written), reason: code === 'ELOOP' ? 'loop' : 'broken' });
      return null;
    }
    if (!this.allows(real, within)) {
      this.record({ path: link, target: real, reason: 'outside' });
      return null;
    }
    return { kind: kindOfStats(await fs.promises.stat(real)), real };
  }

  private allows(real: string, within: readonly string[]): boolean {
    return isInside(real, this.realRoot) || within.some((folder) => isInside(real, folder));
  }

  private record(link: SkippedLink): void {
    if (!this.skipped.has(link.path)) this.skipped.set(link.path, link);
  }
}

/** Whether `real` is `folder` or inside it (both real paths). */
function isInside(real: string, folder: string): boolean {
  const relative = path.relative(folder, real);
  return relative === '' || (relative !== '..' && !relative.startsWith(`..${path.sep}`) && !path.isAbsolute(relative));
}

async function readSortedFolder(folder: string): Promise<fs.Dirent[]> {
  let entries: fs.Dirent[];
  try {
    entries = await fs.promises.readdir(folder, { withFileTypes: true });
  } catch (error) {
    if (isMissing(error)) return [];
    throw error;
  }
  return entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

function kindOfStats(stats: fs.Stats): SourceEntry['kind'] {
  return stats.isDirectory() ? 'directory' : stats.isFile() ? 'file' : 'other';
}

function kindOfDirent(entry: fs.Dirent): SourceEntry['kind'] {
  return entry.isDirectory() ? 'directory' : entry.isFile() ? 'file' : 'other';
}

function isMissing(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException).code;
  return code === 'ENOENT' || code === 'ENOTDIR';
}
