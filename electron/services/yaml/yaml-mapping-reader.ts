// Reads YAML files whose top level is a mapping (MLflow's meta.yaml files; later dvc.yaml and
// params.yaml) with the `yaml` package, typing plain scalars as PyYAML's safe loader does (YAML
// 1.1, see pyyaml-schema.ts). What PyYAML's safe loader refuses is refused here too, with the line:
// Python object tags (`!!python/...`), and mapping keys that are lists or mappings. Duplicate keys,
// which PyYAML lets the last one win, are refused as well: a file with them was not written by a tool.
import { isCollection, isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, visit, type Document, type YAMLError as LibraryYamlError } from 'yaml';
import { PYYAML_SCALAR_TAGS, type YamlInteger } from './pyyaml-schema';

/** A value read from a YAML file: integers beyond JavaScript's safe range are bigints. */
export type YamlValue = string | YamlInteger | boolean | null | YamlValue[] | YamlMap;

/** A YAML mapping; keys keep their file order. It has no prototype, so any key is only data. */
export interface YamlMap {
  [key: string]: YamlValue;
}

/** A YAML file that cannot be read, with the 1-based line at fault. */
export class YamlError extends Error {
  readonly line: number;

  constructor(line: number, message: string) {
    super(`line ${line}: ${message}`);
    this.name = 'YamlError';
    this.line = line;
  }
}

/** A YAML file's top-level mapping, and where each of its keys is. */
export interface YamlMappingDocument {
  readonly root: YamlMap;
  /** The 1-based line of a top-level key; null when the key is absent. */
  lineOf(key: string): number | null;
  /** The 1-based line of the key (or list item) at a path of keys and indexes, else of its nearest ancestor that has one. */
  lineAt(keyPath: readonly (string | number)[]): number | null;
}

/** Aliases a document may expand, against "billion laughs" files (the `yaml` package's own default). */
const MAX_ALIAS_COUNT = 100;

/** Reads the text of a YAML file whose top level is a mapping; YamlError when it is not one, or not YAML. */
export function readYamlMapping(text: string): YamlMappingDocument {
  // PyYAML reads NEL as a line break ('\n'); the `yaml` package (YAML 1.2) as an ordinary character.
  const source = text.replaceAll('\u0085', '\n');
  const lines = new LineCounter();
  const document = parseDocument(source, {
    schema: 'failsafe',
    customTags: [...PYYAML_SCALAR_TAGS],
    merge: true,
    uniqueKeys: true,
    prettyErrors: false,
    lineCounter: lines,
  });
  const lineAt = (offset: number) => lines.linePos(offset).line;
  const failure =
    document.errors.find((error) => error.code === 'MULTILINE_IMPLICIT_KEY') ??
    document.errors[0] ??
    document.warnings.find((warning) => warning.code === 'TAG_RESOLVE_FAILED');
  if (failure) throw new YamlError(lineOfProblem(document, failure, lineAt), describeProblem(failure));

  const contents = document.contents;
  if (contents === null || (isScalar(contents) && contents.value === null && contents.tag === undefined)) {
    throw new YamlError(Math.max(1, lineAt(source.length) - (/[\r\n]$/.test(source) ? 1 : 0)), 'the file is empty');
  }
  if (!isMap(contents)) {
    const found = isSeq(contents) ? 'a list' : 'a single value';
    throw new YamlError(lineAt(contents.range?.[0] ?? 0), `expected a mapping at the top level, found ${found}`);
  }
  visit(document, {
    Pair(_, pair) {
      if (isCollection(pair.key)) throw new YamlError(lineAt(pair.key.range?.[0] ?? 0), 'a mapping key must be a single value, not a list or a mapping');
    },
    Scalar(_, scalar) {
      if ((scalar.type === 'PLAIN' || scalar.type === 'QUOTE_SINGLE') && typeof scalar.value === 'string') {
        scalar.value = keepUnicodeLineBreaks(scalar.value);
      }
    },
  });

  const keyLines = new Map<string, number>();
  for (const pair of contents.items) {
    if (isPair(pair) && isScalar(pair.key) && pair.key.range) keyLines.set(String(pair.key.value), lineAt(pair.key.range[0]));
  }
  let value: unknown;
  try {
    value = document.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (error) {
    throw new YamlError(1, error instanceof Error ? error.message : String(error));
  }
  return {
    root: withoutPrototypes(value, new Map()) as YamlMap,
    lineOf: (key) => keyLines.get(key) ?? null,
    lineAt: (keyPath) => lineOfPath(document, keyPath, lineAt),
  };
}

/** The line of the key naming the value at `keyPath` (or of the list item), walking up until one is found. */
function lineOfPath(document: Document, keyPath: readonly (string | number)[], lineAt: (offset: number) => number): number | null {
  for (let length = keyPath.length; length > 0; length--) {
    const parent = document.getIn(keyPath.slice(0, length - 1), true);
    const last = keyPath[length - 1];
    if (isMap(parent)) {
      const pair = parent.items.find((item) => isPair(item) && isScalar(item.key) && String(item.key.value) === String(last));
      const range = pair && isScalar(pair.key) ? pair.key.range : null;
      if (range) return lineAt(range[0]);
    } else if (isSeq(parent) && typeof last === 'number') {
      const item: unknown = parent.items[last];
      const range = item && typeof item === 'object' && 'range' in item ? (item as { range?: readonly number[] | null }).range : null;
      if (range) return lineAt(range[0]!);
    }
  }
  return null;
}

/**
 * PyYAML reads the Unicode line and paragraph separators as line breaks that a plain or single-quoted
 * value keeps, dropping the indentation around them; the `yaml` package keeps them as ordinary characters.
 */
function keepUnicodeLineBreaks(value: string): string {
  return /[\u2028\u2029]/.test(value) ? value.replace(/[ \t]*([\u2028\u2029])[ \t]*/g, '$1') : value;
}

/**
 * The line a problem is on: for a quoted value or a [list] or {mapping} that is never closed, the
 * line where it opens (the library finds out at the end); for a key that runs over lines (a line
 * indented too far), the line of its ':'.
 */
function lineOfProblem(document: Document, problem: LibraryYamlError, lineAt: (offset: number) => number): number {
  const offset = problem.pos[0];
  if (problem.code === 'MULTILINE_IMPLICIT_KEY') return lineAt(Math.max(offset, problem.pos[1] - 1));
  if (problem.code === 'MISSING_CHAR' || problem.code === 'BAD_INDENT') {
    let opening: number | null = null;
    const consider = (range: readonly number[] | null | undefined) => {
      if (range && range[0]! <= offset && offset <= range[2]!) opening = Math.max(opening ?? range[0]!, range[0]!);
    };
    visit(document, {
      Scalar(_, scalar) {
        if (scalar.type === 'QUOTE_SINGLE' || scalar.type === 'QUOTE_DOUBLE') consider(scalar.range);
      },
      Map(_, map) {
        if (map.flow) consider(map.range);
      },
      Seq(_, seq) {
        if (seq.flow) consider(seq.range);
      },
    });
    if (opening !== null) return lineAt(opening);
  }
  return lineAt(offset);
}

function describeProblem(problem: LibraryYamlError): string {
  const python = /tag:yaml\.org,2002:(python\/\S*)/.exec(problem.message);
  if (python) return `the Python object tag !!${python[1]} is not read (PyYAML's safe loader, which MLflow uses, refuses it too)`;
  if (problem.code === 'TAG_RESOLVE_FAILED') return problem.message.replace(/^Unresolved tag/, 'unsupported tag');
  return problem.message;
}

/** The value with every mapping as an object without a prototype (shared values, from aliases, stay shared). */
function withoutPrototypes(value: unknown, copies: Map<object, YamlValue>): YamlValue {
  if (value === null || typeof value !== 'object') return value as YamlValue;
  const copied = copies.get(value);
  if (copied !== undefined) return copied;
  if (Array.isArray(value)) {
    const list: YamlValue[] = [];
    copies.set(value, list);
    for (const item of value) list.push(withoutPrototypes(item, copies));
    return list;
  }
  const map = Object.create(null) as YamlMap;
  copies.set(value, map);
  for (const [key, item] of Object.entries(value)) map[key] = withoutPrototypes(item, copies);
  return map;
}
