// Python's `json.dumps(value, sort_keys=True)` byte for byte: DVC hashes this text for a folder's
// `.dir` manifest (dvc-data's Tree.as_bytes) and for run-cache keys (dvc.utils.dict_sha256), so a
// hash Cairn computes matches DVC's only if the text does. Separators are ", " and ": ",
// non-ASCII is written as \uXXXX (ensure_ascii), floats as Python's repr, keys sorted by code point.
import { isPyList, isPyMap, PyFloat, pythonFloatRepr, pythonSorted, type PyValue } from './python-value';

const ESCAPES: Readonly<Record<string, string>> = {
  '"': '\\"',
  '\\': '\\\\',
  '\n': '\\n',
  '\r': '\\r',
  '\t': '\\t',
  '\b': '\\b',
  '\f': '\\f',
};

/** A string as Python's json.dumps writes it (ensure_ascii). */
export function pythonJsonString(text: string): string {
  if (/^[ !#-[\]-~]*$/.test(text)) return `"${text}"`;
  let out = '"';
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    const code = text.charCodeAt(i);
    const escape = ESCAPES[ch];
    if (escape) out += escape;
    else if (code < 0x20 || code > 0x7e) out += `\\u${code.toString(16).padStart(4, '0')}`;
    else out += ch;
  }
  return `${out}"`;
}

function pythonJsonFloat(x: number): string {
  if (Number.isNaN(x)) return 'NaN';
  if (x === Infinity) return 'Infinity';
  if (x === -Infinity) return '-Infinity';
  return pythonFloatRepr(x);
}

/** The text of Python's `json.dumps(value, sort_keys=True)` (or with keys in their order when `sortKeys` is false). */
export function pythonJsonDumps(value: PyValue, options: { readonly sortKeys?: boolean } = {}): string {
  const sortKeys = options.sortKeys ?? true;
  if (value === null) return 'null';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'number') return String(value);
  if (value instanceof PyFloat) return pythonJsonFloat(value.value);
  if (typeof value === 'string') return pythonJsonString(value);
  if (isPyList(value)) return `[${value.map((item) => pythonJsonDumps(item, options)).join(', ')}]`;
  if (isPyMap(value)) {
    const keys = sortKeys ? pythonSorted(value.keys()) : [...value.keys()];
    return `{${keys.map((key) => `${pythonJsonString(key)}: ${pythonJsonDumps(value.get(key)!, options)}`).join(', ')}}`;
  }
  throw new TypeError('unreachable');
}
