// Reads YAML, JSON and TOML text into the values DVC (Python) reads from it, and remembers on
// which line each key stands so that errors name it. YAML is read with YAML 1.2's resolution as
// ruamel.yaml does it (DVC's parser): `1.0` is a float and `1` an int, `1_000` an int, `yes` a
// string. A file's format follows its extension as in DVC: .json, .toml, anything else YAML.
import fs from 'node:fs';
import path from 'node:path';
import { parse as parseToml, TomlDate, TomlError } from 'smol-toml';
import { isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, Scalar, type Document, type ScalarTag, type Tags } from 'yaml';
import { PyFloat, pythonStr, type PyMap, type PyValue } from './python-value';

/** A file that could not be read or parsed; `line` is 1-based when known. */
export class DataFileError extends Error {
  constructor(
    readonly file: string,
    readonly line: number | null,
    readonly reason: string,
  ) {
    super(`${file}${line ? `:${line}` : ''}: ${reason}`);
    this.name = 'DataFileError';
  }
}

/** A parsed file: its value, and the line of any key or item in it. */
export interface ParsedDataFile {
  readonly file: string;
  readonly value: PyValue;
  /** The 1-based line of the key (or list item) at `keyPath`, else of its nearest ancestor that has one. */
  lineOf(keyPath: readonly (string | number)[]): number | null;
}

const INT_TAG = 'tag:yaml.org,2002:int';
const FLOAT_TAG = 'tag:yaml.org,2002:float';

/** YAML 1.2 ints as ruamel.yaml resolves and constructs them (underscores allowed, 0b/0o/0x prefixes). */
const ruamelInt: ScalarTag = {
  identify: (value) => typeof value === 'number',
  default: true,
  tag: INT_TAG,
  test: /^(?:[-+]?0b[0-1_]+|[-+]?0o?[0-7_]+|[-+]?[0-9_]+|[-+]?0x[0-9a-fA-F_]+)$/,
  resolve(text) {
    let digits = text.replaceAll('_', '');
    const sign = digits.startsWith('-') ? -1 : 1;
    if (digits[0] === '-' || digits[0] === '+') digits = digits.slice(1);
    if (digits.startsWith('0b')) return sign * parseInt(digits.slice(2), 2);
    if (digits.startsWith('0x')) return sign * parseInt(digits.slice(2), 16);
    if (digits.startsWith('0o')) return sign * parseInt(digits.slice(2), 8);
    return sign * parseInt(digits, 10);
  },
};

/** YAML 1.2 floats as ruamel.yaml resolves them, kept as floats (PyFloat) so that `1.0` stays `1.0`. */
const ruamelFloat: ScalarTag = {
  identify: (value) => value instanceof PyFloat,
  default: true,
  tag: FLOAT_TAG,
  test: /^(?:[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+]?[0-9]+)?|[-+]?(?:[0-9][0-9_]*)(?:[eE][-+]?[0-9]+)|[-+]?\.[0-9_]+(?:[eE][-+][0-9]+)?|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$/,
  resolve(text) {
    const lower = text.replaceAll('_', '').toLowerCase();
    const sign = lower.startsWith('-') ? -1 : 1;
    const unsigned = lower.replace(/^[-+]/, '');
    if (unsigned === '.inf') return new PyFloat(sign * Infinity);
    if (unsigned === '.nan') return new PyFloat(NaN);
    return new PyFloat(Number(lower));
  },
};

/** JSON floats (a fraction or an exponent), kept as floats as Python's json module keeps them. */
const jsonFloat: ScalarTag = {
  identify: (value) => value instanceof PyFloat,
  default: true,
  tag: FLOAT_TAG,
  test: /^-?(?:0|[1-9][0-9]*)(?:\.[0-9]*)?(?:[eE][-+]?[0-9]+)?$/,
  resolve: (text) => new PyFloat(Number(text)),
};

/** The schema's tags with its int and float tags replaced in place (a JSON schema ends with a catch-all that must stay last). */
function replaceNumberTags(tags: Tags, replacements: { int?: ScalarTag; float: ScalarTag }): Tags {
  const result: Tags = [];
  for (const tag of tags) {
    const name = typeof tag === 'string' ? tag : tag.tag;
    if (name === INT_TAG && replacements.int) {
      if (!result.includes(replacements.int)) result.push(replacements.int);
    } else if (name === FLOAT_TAG) {
      if (!result.includes(replacements.float)) result.push(replacements.float);
    } else {
      result.push(tag);
    }
  }
  return result;
}

function yamlTags(tags: Tags): Tags {
  return replaceNumberTags(tags, { int: ruamelInt, float: ruamelFloat });
}

function jsonTags(tags: Tags): Tags {
  return replaceNumberTags(tags, { float: jsonFloat });
}

/** Converts what yaml's toJS({ mapAsMap: true }) gives into a PyValue (string keys, no dates). */
function toPyValue(value: unknown): PyValue {
  if (value === null || value === undefined) return null;
  if (typeof value === 'boolean' || typeof value === 'string' || value instanceof PyFloat) return value;
  if (typeof value === 'number') return value;
  if (typeof value === 'bigint') return Number(value);
  if (Array.isArray(value)) return value.map(toPyValue);
  if (value instanceof Map) {
    const map: PyMap = new Map();
    for (const [key, item] of value) map.set(typeof key === 'string' ? key : pythonStr(toPyValue(key)), toPyValue(item));
    return map;
  }
  if (value instanceof Date) return value.toISOString();
  return JSON.stringify(value) ?? '';
}

function lineFinder(doc: Document, counter: LineCounter) {
  return (keyPath: readonly (string | number)[]): number | null => {
    let node: unknown = doc.contents;
    let line: number | null = doc.contents?.range ? counter.linePos(doc.contents.range[0]).line : null;
    for (const segment of keyPath) {
      if (isMap(node)) {
        const pair = node.items.find((item) => isPair(item) && isScalar(item.key) && String(item.key.value) === String(segment));
        if (!pair) break;
        const key = pair.key as Scalar;
        if (key.range) line = counter.linePos(key.range[0]).line;
        node = pair.value;
      } else if (isSeq(node) && typeof segment === 'number') {
        const item = node.items[segment] as { range?: [number, number, number] } | undefined;
        if (!item) break;
        if (item.range) line = counter.linePos(item.range[0]).line;
        node = item;
      } else {
        break;
      }
    }
    return line;
  };
}

function parseYamlLike(text: string, file: string, json: boolean): ParsedDataFile {
  const counter = new LineCounter();
  const doc = parseDocument(text, {
    lineCounter: counter,
    customTags: json ? jsonTags : yamlTags,
    schema: json ? 'json' : 'core',
    merge: !json,
    uniqueKeys: !json,
    prettyErrors: false,
  });
  const problem = doc.errors[0];
  if (problem) {
    const line = problem.pos ? counter.linePos(problem.pos[0]).line : null;
    throw new DataFileError(file, line, problem.message.split('\n')[0]!);
  }
  return { file, value: toPyValue(doc.toJS({ mapAsMap: true, maxAliasCount: 10_000 })), lineOf: lineFinder(doc, counter) };
}

/** Parses YAML text (YAML 1.2, as ruamel.yaml reads it). */
export function parseYamlText(text: string, file: string): ParsedDataFile {
  return parseYamlLike(text, file, false);
}

/** Parses JSON text, keeping floats apart from ints as Python's json module does. */
export function parseJsonText(text: string, file: string): ParsedDataFile {
  return parseYamlLike(text, file, true);
}

function tomlToPy(value: unknown): PyValue {
  if (typeof value === 'bigint') return Number(value);
  if (typeof value === 'number') return new PyFloat(value);
  if (value instanceof TomlDate) return value.toISOString();
  if (Array.isArray(value)) return value.map(tomlToPy);
  if (value !== null && typeof value === 'object') {
    return new Map(Object.entries(value).map(([key, item]) => [key, tomlToPy(item)]));
  }
  return value as PyValue;
}

/** Parses TOML text (ints stay ints, floats floats). */
export function parseTomlText(text: string, file: string): ParsedDataFile {
  try {
    return { file, value: tomlToPy(parseToml(text, { integersAsBigInt: true })), lineOf: () => null };
  } catch (error) {
    if (error instanceof TomlError) throw new DataFileError(file, error.line, error.message.split('\n')[0]!);
    throw error;
  }
}

/** Parses a file's text by its extension, as DVC picks its loader: .json, .toml, else YAML. */
export function parseDataText(text: string, file: string): ParsedDataFile {
  const extension = path.extname(file).toLowerCase();
  if (extension === '.json') return parseJsonText(text, file);
  if (extension === '.toml') return parseTomlText(text, file);
  return parseYamlText(text, file);
}

/** Reads and parses a file by its extension; `label` is the name errors use (a project-relative path). */
export function readDataFile(absolutePath: string, label = absolutePath): ParsedDataFile {
  let text: string;
  try {
    text = fs.readFileSync(absolutePath, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new DataFileError(label, null, code === 'ENOENT' ? 'does not exist' : code === 'EISDIR' ? 'is a directory' : String(error));
  }
  const parsed = parseDataText(text, label);
  // DVC reads an empty YAML or JSON file as an empty mapping.
  return parsed.value === null ? { ...parsed, value: new Map() } : parsed;
}
