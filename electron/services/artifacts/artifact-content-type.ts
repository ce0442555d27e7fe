// The Content-Type a downloaded artifact is sent with, guessed from its extension as MLflow's
// server guesses it (Python's mimetypes), falling back to application/octet-stream.
import path from 'node:path';

const TYPES_BY_EXTENSION: Readonly<Record<string, string>> = {
  '.txt': 'text/plain',
  '.log': 'text/plain',
  '.md': 'text/markdown',
  '.csv': 'text/csv',
  '.tsv': 'text/tab-separated-values',
  '.json': 'application/json',
  '.yaml': 'application/x-yaml',
  '.yml': 'application/x-yaml',
  '.html': 'text/html',
  '.htm': 'text/html',
  '.xml': 'application/xml',
  '.py': 'text/x-python',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.svg': 'image/svg+xml',
  '.pdf': 'application/pdf',
  '.zip': 'application/zip',
  '.gz': 'application/gzip',
};

/** The MIME type for a file name. */
export function artifactContentType(fileName: string): string {
  return TYPES_BY_EXTENSION[path.extname(fileName).toLowerCase()] ?? 'application/octet-stream';
}
