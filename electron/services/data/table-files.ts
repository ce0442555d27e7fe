// What a dataset path holds: one table file, or a folder of table files of one format (CSV,
// TSV, Parquet, JSON Lines, gzip'd or not), listed in a stable order with their sizes and times.
// A `.json` file is read as a table (JSON Lines) only when it is the path given: met in a folder
// or among a pipeline stage's files it is far more often a JSON document (metrics, a model's
// input example, a config) than a table, so it is not taken for one there.
import fs from 'node:fs';
import path from 'node:path';
import { CairnError } from '../../../shared/errors';
import type { DatasetFile, TableFormat } from '../../../shared/data-models';

/** The files of one dataset version, ready to be read. */
export interface TableFiles {
  /** The file or folder as given, made absolute. */
  readonly root: string;
  readonly format: TableFormat;
  readonly gzip: boolean;
  /** Sorted by path. */
  readonly files: readonly DatasetFile[];
  readonly bytes: number;
}

const FORMAT_BY_EXTENSION: Readonly<Record<string, TableFormat>> = {
  '.csv': 'csv',
  '.tsv': 'tsv',
  '.tab': 'tsv',
  '.parquet': 'parquet',
  '.pq': 'parquet',
  '.jsonl': 'jsonl',
  '.ndjson': 'jsonl',
  '.json': 'jsonl',
};

/**
 * The format of a table file from its name (a trailing .gz is allowed), or null when it is not
 * one. A file `met` in a folder or among a pipeline's files is not a table when it is `.json`.
 */
export function tableFormatOf(file: string, how: 'given' | 'met' = 'given'): { format: TableFormat; gzip: boolean } | null {
  let name = path.basename(file).toLowerCase();
  const gzip = name.endsWith('.gz');
  if (gzip) name = name.slice(0, -3);
  const extension = path.extname(name);
  const format = FORMAT_BY_EXTENSION[extension];
  if (!format || (gzip && format === 'parquet') || (how === 'met' && extension === '.json')) return null;
  return { format, gzip };
}

/** Lists the table files at `inputPath`; a clear INVALID_PARAMETER_VALUE when there are none or they mix formats. */
export function resolveTableFiles(inputPath: string): TableFiles {
  const root = path.resolve(inputPath);
  let stat: fs.Stats;
  try {
    stat = fs.statSync(root);
  } catch {
    throw new CairnError('RESOURCE_DOES_NOT_EXIST', `No file or folder at ${root}.`);
  }
  if (stat.isFile()) {
    const kind = tableFormatOf(root);
    if (!kind) {
      throw new CairnError(
        'INVALID_PARAMETER_VALUE',
        `${root} is not a table file Cairn reads: name it .csv, .tsv, .parquet or .jsonl (optionally .gz).`,
      );
    }
    return { root, ...kind, files: [fileEntry(root, stat)], bytes: stat.size };
  }
  if (!stat.isDirectory()) throw new CairnError('INVALID_PARAMETER_VALUE', `${root} is neither a file nor a folder.`);

  const files: DatasetFile[] = [];
  const kinds = new Map<string, { format: TableFormat; gzip: boolean }>();
  for (const file of listFilesBelow(root)) {
    const kind = tableFormatOf(file, 'met');
    if (!kind) continue;
    kinds.set(`${kind.format}${kind.gzip ? '.gz' : ''}`, kind);
    files.push(fileEntry(file, fs.statSync(file)));
  }
  if (files.length === 0) {
    throw new CairnError('INVALID_PARAMETER_VALUE', `The folder ${root} holds no .csv, .tsv, .parquet or .jsonl files.`);
  }
  const formats = [...new Set([...kinds.values()].map((kind) => kind.format))];
  if (formats.length > 1) {
    throw new CairnError(
      'INVALID_PARAMETER_VALUE',
      `The folder ${root} mixes table formats (${formats.join(', ')}); a dataset folder holds files of one format.`,
    );
  }
  const gzipped = new Set([...kinds.values()].map((kind) => kind.gzip));
  return {
    root,
    format: formats[0]!,
    gzip: gzipped.has(true),
    files,
    bytes: files.reduce((sum, file) => sum + file.size, 0),
  };
}

/** Whether any file's size or modification time differs from when it was listed. */
export function changedFiles(files: readonly DatasetFile[]): DatasetFile[] {
  return files.filter((file) => {
    try {
      const now = fs.statSync(file.path);
      return now.size !== file.size || now.mtimeMs !== file.modifiedTime;
    } catch {
      return true;
    }
  });
}

function fileEntry(file: string, stat: fs.Stats): DatasetFile {
  return { path: file, size: stat.size, modifiedTime: stat.mtimeMs };
}

/** Every regular file below `root`, hidden files and folders left out, sorted by path. */
function listFilesBelow(root: string): string[] {
  const found: string[] = [];
  const walk = (folder: string) => {
    for (const entry of fs.readdirSync(folder, { withFileTypes: true })) {
      if (entry.name.startsWith('.') || entry.name.startsWith('_')) continue;
      const full = path.join(folder, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.isFile()) found.push(full);
    }
  };
  walk(root);
  return found.sort();
}
