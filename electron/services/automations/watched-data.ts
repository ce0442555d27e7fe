// The new data of an automation: the table files under its watched path whose content digests
// it has not taken yet. A file is new when its path is new or its content changed (a batch written
// again under the same name counts once per content).
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { NewDataFile } from '../../../shared/automation-models';

const TABLE_FILE = /\.(csv|tsv|tab|jsonl|ndjson|json|parquet|pq)(\.gz)?$/i;

/** The digests an automation has taken, by path relative to the project. */
export type SeenDigests = Readonly<Record<string, string>>;

function sha256(file: string): string {
  return `sha256:${createHash('sha256').update(fs.readFileSync(file)).digest('hex')}`;
}

/** The table files under `watch` (a file or a folder, searched recursively), sorted by path; [] when it does not exist. */
export function listWatchedFiles(watch: string): string[] {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(watch);
  } catch {
    return [];
  }
  if (stat.isFile()) return [watch];
  const files: string[] = [];
  const walk = (folder: string) => {
    for (const entry of fs.readdirSync(folder, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      if (entry.name.startsWith('.')) continue;
      const full = path.join(folder, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.isFile() && TABLE_FILE.test(entry.name)) files.push(full);
    }
  };
  walk(watch);
  return files;
}

/** The watched files whose digest differs from what was seen. */
export function newWatchedFiles(projectDir: string, watch: string, seen: SeenDigests): NewDataFile[] {
  const found: NewDataFile[] = [];
  for (const file of listWatchedFiles(watch)) {
    const relative = path.relative(projectDir, file).split(path.sep).join('/');
    const digest = sha256(file);
    if (seen[relative] !== digest) found.push({ path: relative, digest, bytes: fs.statSync(file).size });
  }
  return found;
}

/** `seen` with the files taken added. */
export function withSeen(seen: SeenDigests, files: readonly NewDataFile[]): SeenDigests {
  return { ...seen, ...Object.fromEntries(files.map((file) => [file.path, file.digest])) };
}
