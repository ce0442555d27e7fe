// Which files are tables: by name, with `.json` a table only when it is the path given (a folder's
// or a pipeline's `.json` files are JSON documents far more often), on real files in a temporary folder.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { resolveTableFiles, tableFormatOf } from './table-files';

let dir: string;

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cairn-table-files-'));
});

afterEach(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

function write(name: string, text: string): string {
  const file = path.join(dir, name);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, text);
  return file;
}

describe('tableFormatOf', () => {
  it('knows tables by their extension, gzip included, and not other files', () => {
    expect(tableFormatOf('a/b.CSV')).toEqual({ format: 'csv', gzip: false });
    expect(tableFormatOf('b.tsv.gz')).toEqual({ format: 'tsv', gzip: true });
    expect(tableFormatOf('b.ndjson', 'met')).toEqual({ format: 'jsonl', gzip: false });
    expect(tableFormatOf('b.parquet.gz')).toBeNull();
    expect(tableFormatOf('model.pkl')).toBeNull();
  });

  it('takes a .json file for JSON Lines when it is given, not when it is met', () => {
    expect(tableFormatOf('rows.json')).toEqual({ format: 'jsonl', gzip: false });
    expect(tableFormatOf('metrics.json', 'met')).toBeNull();
    expect(tableFormatOf('metrics.json.gz', 'met')).toBeNull();
  });
});

describe('resolveTableFiles', () => {
  it('reads a .json file given by its path', () => {
    const file = write('rows.json', '{"x": 1}\n{"x": 2}\n');
    expect(resolveTableFiles(file)).toMatchObject({ format: 'jsonl', files: [{ path: file }] });
  });

  it("lists a folder's tables without its .json documents, and refuses a folder of JSON documents only", () => {
    write('model/input_example.json', '{"x": 1}');
    write('model/MLmodel', 'flavors: {}');
    expect(() => resolveTableFiles(path.join(dir, 'model'))).toThrow(/holds no \.csv, \.tsv, \.parquet or \.jsonl files/);
    const batch = write('batches/day-1.jsonl', '{"x": 1}\n');
    write('batches/schema.json', '{"x": "int"}');
    expect(resolveTableFiles(path.join(dir, 'batches')).files.map((f) => f.path)).toEqual([batch]);
  });
});
