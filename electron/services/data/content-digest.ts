// The content digest that tells dataset versions apart: SHA-256 of a file's bytes; for a folder,
// SHA-256 of its sorted list of "relative path<TAB>file digest" lines (so renaming a file inside
// a folder makes a new version, and moving the whole folder does not).
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { TableFiles } from './table-files';

const CHUNK_BYTES = 4 * 1024 * 1024;

/** Hashes the files of a dataset version; `onBytes` hears the bytes hashed so far; `throwIfCancelled` is called between chunks. */
export async function contentDigest(
  files: TableFiles,
  onBytes: (bytesDone: number) => void = () => {},
  throwIfCancelled: () => void = () => {},
): Promise<string> {
  let done = 0;
  const digests: string[] = [];
  for (const file of files.files) {
    const hash = createHash('sha256');
    const handle = await fs.promises.open(file.path, 'r');
    try {
      const buffer = Buffer.allocUnsafe(CHUNK_BYTES);
      for (;;) {
        throwIfCancelled();
        const { bytesRead } = await handle.read(buffer, 0, CHUNK_BYTES, null);
        if (bytesRead === 0) break;
        hash.update(buffer.subarray(0, bytesRead));
        done += bytesRead;
        onBytes(done);
      }
    } finally {
      await handle.close();
    }
    digests.push(hash.digest('hex'));
  }
  if (files.files.length === 1 && files.files[0]!.path === files.root) return `sha256:${digests[0]}`;
  const listing = files.files
    .map((file, index) => `${path.relative(files.root, file.path).split(path.sep).join('/')}\t${digests[index]}\n`)
    .join('');
  return `sha256:${createHash('sha256').update(listing).digest('hex')}`;
}
