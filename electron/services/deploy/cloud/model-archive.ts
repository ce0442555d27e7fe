// model.tar.gz of an MLflow model folder, laid out as `mlflow sagemaker` lays it out: the folder's
// entries at the root of the archive (MLmodel, model.pkl, ...), so a serving container that
// unpacks it into /opt/ml/model finds /opt/ml/model/MLmodel. Entries are written without owner
// names or times, so the same folder always gives the same archive.
import fs from 'node:fs';
import path from 'node:path';
import { create } from 'tar';

/** Writes `archive` (gzip-compressed tar) from the folder's contents; returns its size in bytes. */
export async function writeModelArchive(folder: string, archive: string): Promise<number> {
  const entries = (await fs.promises.readdir(folder)).sort();
  await fs.promises.mkdir(path.dirname(archive), { recursive: true });
  await create({ gzip: { level: 6 }, cwd: folder, file: archive, portable: true, noMtime: true, follow: true }, entries);
  return (await fs.promises.stat(archive)).size;
}

/** Every file below `folder` with its path relative to it ('/'-separated), sorted. */
export async function listModelFiles(folder: string): Promise<Array<{ readonly relativePath: string; readonly fullPath: string; readonly size: number }>> {
  const files: Array<{ relativePath: string; fullPath: string; size: number }> = [];
  const walk = async (dir: string, prefix: string): Promise<void> => {
    for (const entry of await fs.promises.readdir(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      const relative = prefix ? `${prefix}/${entry.name}` : entry.name;
      if (entry.isDirectory()) await walk(full, relative);
      else files.push({ relativePath: relative, fullPath: full, size: (await fs.promises.stat(full)).size });
    }
  };
  await walk(folder, '');
  return files.sort((a, b) => (a.relativePath < b.relativePath ? -1 : a.relativePath > b.relativePath ? 1 : 0));
}
